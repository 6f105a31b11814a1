"""`peerwheel import influence-events`: events from other tools into hub.InfluenceEvent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.imports import ImportFailed, import_record_start, page_kinds
from peerwheel.core.models import Import
from peerwheel.engine.network_formats.influence_events import KINDS
from peerwheel.hub.events_import import influence_events_import
from peerwheel.hub.models import InfluenceEvent, InfluenceKind, InfluenceOrigin
from peerwheel.hub.services import influence_record
from peerwheel.org.models import Person
from peerwheel.usage.jobs import run_import
from peerwheel.usage.services import identity_map_import

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "network" / "influence_events.csv"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


def events() -> set[tuple[str, str, str, datetime]]:
    return {
        (e.source.employee_id, e.target.employee_id, e.kind, e.created)
        for e in InfluenceEvent.objects.select_related("source", "target")
    }


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


EXPECTED = {
    ("E2", "E3", "tried", at("2026-02-02T09:15:00+00:00")),
    ("E2", "E4", "answered", at("2026-02-03T14:00:00+00:00")),  # emails, no offset: UTC
    ("E2", "E4", "attended_demo", at("2026-02-05T00:00:00+00:00")),  # a date: midnight
    ("E3", "E5", "mentioned", at("2026-02-06T09:00:00+00:00")),  # +01:00
    ("E1", "E2", "reacted", at("2026-02-09T08:00:00+00:00")),
}


def test_the_events_are_stored_once_each_marked_imported_by_their_import(
    org: dict[str, Person],
) -> None:
    report = influence_events_import(FIXTURE, now=NOW)

    assert events() == EXPECTED
    assert (report.rows_read, report.records, report.created, report.unchanged) == (6, 5, 5, 0)
    assert report.data["repeated_rows"] == 1
    assert report.details["columns ignored"] == "tool"
    assert set(InfluenceEvent.objects.values_list("origin", "source_import", "post")) == {
        (InfluenceOrigin.IMPORTED, report.import_id, None)
    }
    row = Import.objects.get(pk=report.import_id)
    assert (row.kind, row.status, row.rows_read, row.rows_written) == (
        "influence-events",
        Import.Status.SUCCEEDED,
        6,
        5,
    )


def test_the_same_events_again_are_the_same_events(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    influence_events_import(FIXTURE, now=NOW)
    more = write_file(
        "more.csv",
        "source_id,target_id,kind,occurred_at\n"
        "E2,E3,tried,2026-02-02T10:15:00+01:00\n"  # the fixture's first event, another offset
        "E4,E2,commented,2026-02-10T10:00:00Z\n",
    )

    again = influence_events_import(FIXTURE, now=NOW)
    report = influence_events_import(more, now=NOW)

    assert (again.created, again.unchanged) == (0, 5)
    assert (report.created, report.unchanged) == (1, 1)
    assert events() == EXPECTED | {("E4", "E2", "commented", at("2026-02-10T10:00:00+00:00"))}


def test_a_hub_event_and_an_imported_one_are_told_apart(org: dict[str, Person]) -> None:
    hub = influence_record(
        source=org["alice"], target=org["bob"], kind=InfluenceKind.TRIED, at=at("2026-02-02T09:15Z")
    )

    influence_events_import(FIXTURE, now=NOW)

    assert hub is not None
    hub.refresh_from_db()
    assert hub.origin == InfluenceOrigin.HUB and hub.source_import is None
    assert InfluenceEvent.objects.filter(origin=InfluenceOrigin.IMPORTED).count() == 5


def test_a_dry_run_writes_nothing(org: dict[str, Person]) -> None:
    report = influence_events_import(FIXTURE, dry_run=True, now=NOW)

    assert InfluenceEvent.objects.count() == 0
    assert report.created == 5 and "would create 5" in report.summary()
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_ids_of_the_identity_map_are_matched(org: dict[str, Person], write_file: WriteFile) -> None:
    identity_map_import(write_file("map.csv", "external_id,employee_id\nU024BE7LH,E3\n"))
    path = write_file("e.csv", "from,to,event,timestamp\nU024BE7LH,E2,answered,2026-01-05\n")

    influence_events_import(path, now=NOW)

    assert events() == {("E3", "E2", "answered", at("2026-01-05T00:00:00+00:00"))}


def test_bad_rows_refuse_the_file_with_their_line_and_column(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    influence_events_import(FIXTURE, now=NOW)
    path = write_file(
        "e.csv",
        "source_id,target_id,kind,occurred_at\n"
        "E2,E3,commented,2026-02-20\n"  # good, but the file is refused: not written
        "E2,E3,liked,2026-02-20\n"
        "E2,ghost,tried,2026-02-20\n"
        "E2,alice@example.com,tried,2026-02-20\n"
        "E2,E3,tried,2026-03-02\n"
        "E2,E3,tried,20/02/2026\n"
        "E2,E3,tried,\n",
    )

    with pytest.raises(ImportFailed) as caught:
        influence_events_import(path, file_name="e.csv", now=NOW)

    errors = caught.value.report.errors
    assert [(e.line, e.column) for e in errors] == [
        (3, "kind"),
        (4, "target_id"),
        (5, "target_id"),
        (6, "occurred_at"),
        (7, "occurred_at"),
        (8, "occurred_at"),
    ]
    assert "'liked' is not a kind; write one of tried, answered, attended" in errors[0].message
    assert "'ghost' matches no one" in errors[1].message
    assert "same person" in errors[2].message
    assert "in the future" in errors[3].message
    assert "ISO 8601, e.g. 2026-03-02 or 2026-03-02T14:30:00Z" in errors[4].message
    assert events() == EXPECTED
    failed = Import.objects.filter(kind="influence-events", status=Import.Status.FAILED).get()
    assert failed.rows_written == 0 and failed.errors[0]["line"] == 3


def test_every_kind_a_file_may_name_is_a_stored_kind() -> None:
    assert set(KINDS) == {
        "tried",
        "answered",
        "attended",
        "attended_demo",
        "adapted",
        "commented",
        "reacted",
        "mentioned",
    }
    assert set(KINDS.values()) <= set(InfluenceKind.values)


def test_the_command_imports_and_reports(org: dict[str, Person], write_file: WriteFile) -> None:
    path = write_file("e.csv", "source_id,target_id,kind,occurred_at\nE2,E3,adapted,2026-01-05\n")
    out = StringIO()

    call_command("importdata", "influence-events", str(path), stdout=out)

    assert "created 1" in out.getvalue() and "adapted 1" in out.getvalue()
    with pytest.raises(CommandError, match="takes no --skip-invalid"):
        call_command("importdata", "influence-events", str(path), "--skip-invalid")


def test_the_imports_page_offers_and_runs_both_new_kinds(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    assert {"ties", "influence-events"} <= set(page_kinds())
    events_file = write_file(
        "e.csv", "source_id,target_id,kind,occurred_at\nE2,E3,tried,2026-01-05\n"
    )
    ties_file = write_file("t.csv", "person_a,person_b\nE2,E3\n")
    for kind, path in (("influence-events", events_file), ("ties", ties_file)):
        record = import_record_start(kind=kind, file_name=path.name)
        run_import(
            kind=kind,
            path=path,
            name=path.name,
            record=record,
            actor=None,
            channels=(),
            dry_run=False,
        )
        record.refresh_from_db()
        assert record.status == Import.Status.SUCCEEDED and record.rows_written == 1
