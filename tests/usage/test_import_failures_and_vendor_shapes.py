"""Issue 13, items 4, 6 and 7 end to end, through `peerwheel import`: a bad optional field and
an internal error are named errors and failed Import rows (never a traceback, never RUNNING);
the GitHub enterprise seat listing (one person, two seats) and the M365 Copilot report with
period `ALL` and the older admin center labels import, once."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage import readers
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.services import usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]


def seat(login: str, org: str, last: str | None, pending: object = None) -> dict[str, object]:
    """A seat as `GET /enterprises/{enterprise}/copilot/billing/seats` lists it."""
    return {
        "created_at": "2025-01-10T18:00:00Z",
        "updated_at": "2025-02-01T00:00:00Z",
        "pending_cancellation_date": pending,
        "last_activity_at": last,
        "last_activity_editor": "vscode/1.99.3/copilot/1.300.0",
        "plan_type": "enterprise",
        "assignee": {"login": login, "id": 1, "type": "User"},
        "organization": {"login": org, "id": 9},
    }


ENTERPRISE_SEATS = {
    "total_seats": 2,
    "seats": [
        seat("octocat", "acme-web", "2025-06-02T09:00:00Z"),
        seat("hubot", "acme-web", "2025-06-03T09:00:00Z"),
        seat("octocat", "acme-data", "2025-06-20T09:00:00Z", "2025-10-01"),
    ],
}
# The older admin center export: `User name`, `Last activity date of <App> Copilot (UTC)`, and
# the v2 report's period `ALL`.
M365_OLD_LABELS_ALL = (
    "Report Refresh Date,User name,Display Name,Last activity date (UTC),"
    "Last activity date of Microsoft Teams Copilot (UTC),"
    "Last activity date of Word Copilot (UTC),Last activity date of Copilot Chat (UTC),"
    "Report Period\r\n"
    "2025-08-20,alice@example.com,Alice,2025-08-19,2025-08-19,,2025-08-12,ALL\r\n"
    "2025-08-20,bob@example.com,Bob,,,,,ALL\r\n"
)


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("importdata", *args, stdout=out)
    return out.getvalue()


def test_a_seat_whose_pending_cancellation_date_is_not_a_date_is_a_named_failed_import(
    org: dict[str, Person], write_file: Write
) -> None:
    bad = {"total_seats": 1, "seats": [seat("octocat", "acme", None, "next month")]}
    path = write_file("seats.json", json.dumps(bad, indent=2))
    with pytest.raises(CommandError) as caught:
        _run("github-copilot-seats", str(path))
    message = str(caught.value)
    assert "seats.json" in message
    assert "seats[0].pending_cancellation_date" in message
    assert "'next month' is not a date" in message
    assert "Traceback" not in message
    assert not UsageSeries.objects.exists()
    (row,) = Import.objects.all()
    assert row.status == Import.Status.FAILED
    assert row.errors[0]["column"] == "seats[0].pending_cancellation_date"


def test_an_unexpected_error_fails_the_import_row_and_prints_no_traceback(
    org: dict[str, Person], write_file: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug we have not met")

    monkeypatch.setattr(readers, "read_usage", broken)
    path = write_file("u.csv", "person,week,tool,actions\nalice@example.com,2025-03-03,X,1\n")
    with pytest.raises(CommandError) as caught:
        _run("usage-csv", str(path))
    message = str(caught.value)
    assert "internal error (KeyError)" in message
    assert "nothing was written" in message
    assert not UsageSeries.objects.exists()
    (row,) = Import.objects.all()
    assert row.status == Import.Status.FAILED
    assert row.finished is not None
    assert "internal error" in row.errors[0]["message"]


def test_enterprise_seats_import_one_person_with_two_seats_once(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("enterprise-seats.json", json.dumps(ENTERPRISE_SEATS, indent=2))

    dry = _run("github-copilot-seats", str(path), "--dry-run")
    assert "would create 2" in dry and "hold more than one seat" in dry
    assert not UsageSeries.objects.exists()
    assert Import.objects.get().status == Import.Status.DRY_RUN

    report = usage_import("github-copilot-seats", path)
    assert (report.rows_read, report.records, report.created) == (3, 2, 2)
    assert any("1 login(s) hold more than one seat" in w for w in report.warnings)
    weeks = {(r.external_id, r.week) for r in stored_records()}
    assert weeks == {("octocat", date(2025, 6, 16)), ("hubot", date(2025, 6, 2))}

    again = usage_import("github-copilot-seats", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(stored_records()) == 2
    assert Import.objects.filter(status=Import.Status.SUCCEEDED).count() == 2


def test_m365_report_with_period_all_and_older_labels_imports(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("CopilotUsageUserDetail.csv", M365_OLD_LABELS_ALL)

    dry = _run("m365-copilot-usage", str(path), "--dry-run")
    assert "would create 3" in dry
    assert not UsageSeries.objects.exists()

    report = usage_import("auto", path)
    assert report.kind == "m365-copilot-usage"
    assert (report.rows_read, report.created) == (2, 3)
    records = {(r.person, r.tool, r.week) for r in stored_records()}
    assert records == {
        (org["alice"], "Copilot in Teams", date(2025, 8, 18)),
        (org["alice"], "Copilot Chat", date(2025, 8, 11)),
        # bob holds a licence and never used it: an enabled non-user in the report's week
        (org["bob"], "Microsoft 365 Copilot (all apps)", date(2025, 8, 11)),
    }
    again = usage_import("m365-copilot-usage", path)
    assert (again.created, again.unchanged) == (0, 3)


def test_an_unknown_m365_period_is_still_refused_with_its_line(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("m365.csv", M365_OLD_LABELS_ALL.replace("ALL\r\n2025", "D14\r\n2025"))
    with pytest.raises(ImportFailed) as caught:
        usage_import("m365-copilot-usage", path)
    (error,) = caught.value.report.errors
    assert (error.line, error.column) == (2, "Report Period")
    assert "not 7, 28, 30, 90, 180 or ALL" in error.message
    assert not UsageSeries.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_map_renames_a_column_for_a_usage_kind(org: dict[str, Person], write_file: Write) -> None:
    text = M365_OLD_LABELS_ALL.replace("User name", "Work email")
    path = write_file("m365.csv", text)
    with pytest.raises(CommandError, match="User Principal Name"):
        _run("m365-copilot-usage", str(path))
    assert not UsageSeries.objects.exists()

    out = _run("m365-copilot-usage", str(path), "--map", "Work email=upn")
    assert "created 3" in out
    assert {r.person for r in stored_records()} == {org["alice"], org["bob"]}

    csv_path = write_file("u.csv", "Staff mail,week,tool,actions\nbob@example.com,2025-03-03,X,4\n")
    out = _run("usage-csv", str(csv_path), "--map", "Staff mail=person")
    assert "created 1" in out
    assert any(r.person == org["bob"] and r.actions == 4 for r in stored_records())


def test_map_to_an_unknown_field_is_a_named_failed_import(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("u.csv", "Staff mail,week,tool,actions\nbob@example.com,2025-03-03,X,4\n")
    with pytest.raises(CommandError, match="unknown field 'persona'") as caught:
        _run("usage-csv", str(path), "--map", "Staff mail=persona")
    assert "Traceback" not in str(caught.value)
    assert not UsageSeries.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_map_is_refused_by_name_for_the_seats_json(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("seats.json", json.dumps(ENTERPRISE_SEATS))
    with pytest.raises(CommandError, match="takes no --map"):
        _run("github-copilot-seats", str(path), "--map", "login=person")
    assert not Import.objects.exists()


def test_a_column_map_given_to_a_json_reader_is_a_named_failed_import(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("seats.json", json.dumps(ENTERPRISE_SEATS))
    with pytest.raises(ImportFailed) as caught:
        usage_import("github-copilot-seats", path, mapping={"login": "person"})
    (error,) = caught.value.report.errors
    assert error.column == "--map" and "JSON keys" in error.message
    assert not UsageSeries.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED
