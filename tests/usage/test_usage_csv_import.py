"""The generic usage CSV through the app: matching, merging, idempotence, atomicity, dry run."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.services import usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]
HEADER = "person,week,tool,actions,agent_actions\n"


def records() -> dict[tuple[str, date, str], tuple[int, int]]:
    return {
        (r.person.employee_id if r.person else r.external_id, r.week, r.tool): (
            r.actions,
            r.agent_actions,
        )
        for r in stored_records()
    }


def test_emails_match_people_and_unknown_ids_are_kept_unmatched(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file(
        "usage.csv",
        HEADER
        + "ALICE@example.com,2025-03-05,ChatGPT,12,1\n"
        + "bob@example.com,2025-03-03,ChatGPT,3,0\n"
        + "ghost@example.com,2025-03-03,ChatGPT,7,0\n",
    )
    report = usage_import("usage-csv", path)
    assert records() == {
        ("E2", date(2025, 3, 3), "ChatGPT"): (12, 1),
        ("E3", date(2025, 3, 3), "ChatGPT"): (3, 0),
        ("ghost@example.com", date(2025, 3, 3), "ChatGPT"): (7, 0),
    }
    assert (report.data["matched_ids"], report.data["unmatched_ids"]) == (2, 1)
    assert report.data["unmatched_sample"] == ["ghost@example.com"]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    record = Import.objects.get(pk=report.import_id)
    assert (record.status, record.kind, record.rows_read, record.rows_written) == (
        Import.Status.SUCCEEDED,
        "usage-csv",
        3,
        3,
    )
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_file_twice_changes_nothing(org: dict[str, Person], write_file: Write) -> None:
    path = write_file("usage.csv", HEADER + "alice@example.com,2025-03-03,ChatGPT,12,0\n")
    first = usage_import("usage-csv", path)
    second = usage_import("usage-csv", path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1)
    (record,) = stored_records()
    assert record.source_id == first.import_id  # untouched by the second run


def test_overlapping_imports_merge_and_the_later_one_wins(
    org: dict[str, Person], write_file: Write
) -> None:
    first = write_file(
        "march.csv",
        HEADER
        + "alice@example.com,2025-03-03,ChatGPT,12,0\n"
        + "alice@example.com,2025-03-10,ChatGPT,4,0\n",
    )
    # The same person by employee id, one week again with a corrected count, one new week.
    second = write_file(
        "march-fixed.csv",
        HEADER + "E2,2025-03-10,ChatGPT,9,2\n" + "E2,2025-03-17,ChatGPT,1,0\n",
    )
    usage_import("usage-csv", first)
    report = usage_import("usage-csv", second)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert records() == {
        ("E2", date(2025, 3, 3), "ChatGPT"): (12, 0),
        ("E2", date(2025, 3, 10), "ChatGPT"): (9, 2),
        ("E2", date(2025, 3, 17), "ChatGPT"): (1, 0),
    }
    usage_import("usage-csv", first)  # imported again: later again, so it wins again
    assert records()[("E2", date(2025, 3, 10), "ChatGPT")] == (4, 0)


def test_a_bad_row_anywhere_writes_nothing_and_names_the_line(
    org: dict[str, Person], write_file: Write
) -> None:
    good = "".join(f"alice@example.com,2025-03-{d:02d},Tool{d},1,0\n" for d in range(1, 29))
    path = write_file("usage.csv", HEADER + good + "bob@example.com,2025-03-03,ChatGPT,-4,0\n")
    with pytest.raises(ImportFailed) as caught:
        usage_import("usage-csv", path)
    (error,) = caught.value.report.errors
    assert (error.file, error.line, error.column) == ("usage.csv", 30, "actions")
    assert "negative" in error.message
    assert not UsageSeries.objects.exists()
    failed = Import.objects.get(pk=caught.value.report.import_id)
    assert failed.status == Import.Status.FAILED
    assert failed.errors[0]["line"] == 30
    assert failed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()  # which file failed


def test_dry_run_reports_and_writes_nothing(org: dict[str, Person], write_file: Write) -> None:
    path = write_file("usage.csv", HEADER + "alice@example.com,2025-03-03,ChatGPT,12,0\n")
    report = usage_import("usage-csv", path, dry_run=True)
    assert (report.created, report.written) == (1, 0)
    assert "would create 1" in report.summary()
    assert not UsageSeries.objects.exists()
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_deleting_a_person_deletes_their_usage_and_nobody_else_s(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file(
        "usage.csv",
        HEADER
        + "alice@example.com,2025-03-03,ChatGPT,12,0\n"
        + "alice@example.com,2025-03-03,Copilot,2,0\n"
        + "bob@example.com,2025-03-03,ChatGPT,3,0\n",
    )
    usage_import("usage-csv", path)
    org["alice"].delete()
    assert set(records()) == {("E3", date(2025, 3, 3), "ChatGPT")}
    assert UsageSeries.objects.count() == 1


def test_two_unmatched_ids_of_one_person_join_when_a_map_arrives(
    org: dict[str, Person], write_file: Write
) -> None:
    older = write_file(
        "logins.csv", HEADER + "al-gh,2025-03-03,Copilot,5,0\n" + "al-gh,2025-03-10,Copilot,6,0\n"
    )
    newer = write_file(
        "ids.csv", HEADER + "u-901,2025-03-10,Copilot,9,1\n" + "u-901,2025-03-17,Copilot,2,0\n"
    )
    usage_import("usage-csv", older)
    usage_import("usage-csv", newer)
    assert {r.external_id for r in stored_records(matched=False)} == {"al-gh", "u-901"}
    mapping = write_file("map.csv", "external_id,employee_id\nal-gh,E2\nu-901,E2\n")
    report = usage_import("identity-map", mapping)
    assert report.data["relinked"] == 3  # four weeks moved; the older import's 10 March gave way
    assert records() == {
        ("E2", date(2025, 3, 3), "Copilot"): (5, 0),
        ("E2", date(2025, 3, 10), "Copilot"): (9, 1),
        ("E2", date(2025, 3, 17), "Copilot"): (2, 0),
    }
    assert not stored_records(matched=False)
    assert UsageSeries.objects.get().subject == f"p:{org['alice'].pk}"
