"""GitHub Copilot seats: the enterprise listing (one person seated through two organisations)
and optional fields that are not what the API documents (`pending_cancellation_date`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import UsageFileError, github_copilot_seats

TODAY = date(2025, 9, 1)


def seat(login: str, org: str, last: str | None, pending: object = None) -> dict[str, object]:
    """One seat object as `GET /enterprises/{enterprise}/copilot/billing/seats` lists it."""
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


# The documented enterprise shape: `total_seats` counts a person once, `seats` lists each seat.
ENTERPRISE = {
    "total_seats": 2,
    "seats": [
        seat("octocat", "acme-web", "2025-06-02T09:00:00Z"),
        seat("octokitten", "acme-web", None),
        seat("octocat", "acme-data", "2025-06-20T09:00:00Z"),
    ],
}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "seats.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def test_a_user_seated_through_two_organisations_is_one_person_with_the_latest_activity(
    tmp_path: Path,
) -> None:
    records, report = github_copilot_seats.parse(write(tmp_path, ENTERPRISE), today=TODAY)
    by_login = {r.login: r for r in records}
    assert sorted(by_login) == ["octocat", "octokitten"]
    assert by_login["octocat"].last_activity_at == datetime(2025, 6, 20, 9, tzinfo=UTC)
    assert (report.rows_read, report.records) == (3, 2)
    assert "1 login(s) hold more than one seat" in report.warnings[0]
    assert not any("fetch every page" in w for w in report.warnings)


def test_the_later_seat_wins_whichever_comes_first(tmp_path: Path) -> None:
    reordered = {"total_seats": 1, "seats": [ENTERPRISE["seats"][2], ENTERPRISE["seats"][0]]}  # type: ignore[index]
    (only,) = github_copilot_seats.parse(write(tmp_path, reordered), today=TODAY).records
    assert only.last_activity_at == datetime(2025, 6, 20, 9, tzinfo=UTC)


def test_a_pending_cancellation_date_is_read_as_a_date(tmp_path: Path) -> None:
    document = {"total_seats": 1, "seats": [seat("octocat", "acme", None, "2025-10-01")]}
    (only,) = github_copilot_seats.parse(write(tmp_path, document), today=TODAY).records
    assert only.pending_cancellation_date == date(2025, 10, 1)


@pytest.mark.parametrize("bad", ["soon", "2025-13-45", 20251001, ["2025-10-01"]])
def test_a_pending_cancellation_date_that_is_not_a_date_names_line_and_field(
    tmp_path: Path, bad: object
) -> None:
    document = {
        "total_seats": 2,
        "seats": [seat("octocat", "acme", None), seat("hubot", "acme", None, bad)],
    }
    path = write(tmp_path, document)
    with pytest.raises(UsageFileError, match="is not a date") as caught:
        list(github_copilot_seats.parse(path, today=TODAY).records)
    assert caught.value.column == "seats[1].pending_cancellation_date"
    lines = [n for n, text in enumerate(path.read_text().splitlines(), 1) if '"hubot"' in text]
    assert caught.value.line == lines[0]


def test_each_duplicate_seat_error_cites_its_own_line(tmp_path: Path) -> None:
    document = {
        "total_seats": 1,
        "seats": [seat("octocat", "a", None), seat("octocat", "b", "2031-01-01T00:00:00Z")],
    }
    path = write(tmp_path, document)
    with pytest.raises(UsageFileError, match="future") as caught:
        list(github_copilot_seats.parse(path, today=TODAY).records)
    lines = [n for n, text in enumerate(path.read_text().splitlines(), 1) if "octocat" in text]
    assert caught.value.line == lines[1]
