"""GitHub Copilot metrics (organisation/team, weekly) and seat assignments (per login)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import (
    UsageFileError,
    detect_format,
    github_copilot_metrics,
    github_copilot_seats,
)

TODAY = date(2025, 6, 30)


def day(when: str, accepted: int, ide_chats: int, active: int = 10) -> dict[str, object]:
    """One day as the metrics API returns it."""
    model = {"name": "default", "is_custom_model": False, "custom_model_training_date": None}
    return {
        "date": when,
        "total_active_users": active,
        "total_engaged_users": active - 1,
        "copilot_ide_code_completions": {
            "total_engaged_users": 7,
            "languages": [{"name": "python", "total_engaged_users": 7}],
            "editors": [
                {
                    "name": "vscode",
                    "total_engaged_users": 7,
                    "models": [
                        {
                            **model,
                            "total_engaged_users": 7,
                            "languages": [
                                {
                                    "name": "python",
                                    "total_engaged_users": 6,
                                    "total_code_suggestions": 300,
                                    "total_code_acceptances": accepted,
                                    "total_code_lines_suggested": 500,
                                    "total_code_lines_accepted": 90,
                                },
                                {
                                    "name": "go",
                                    "total_engaged_users": 1,
                                    "total_code_suggestions": 10,
                                    "total_code_acceptances": 1,
                                },
                            ],
                        }
                    ],
                }
            ],
        },
        "copilot_ide_chat": {
            "total_engaged_users": 4,
            "editors": [
                {
                    "name": "vscode",
                    "total_engaged_users": 4,
                    "models": [
                        {
                            **model,
                            "total_engaged_users": 4,
                            "total_chats": ide_chats,
                            "total_chat_insertion_events": 3,
                            "total_chat_copy_events": 2,
                        }
                    ],
                }
            ],
        },
        "copilot_dotcom_chat": {
            "total_engaged_users": 2,
            "models": [{**model, "total_engaged_users": 2, "total_chats": 5}],
        },
        "copilot_dotcom_pull_requests": {
            "total_engaged_users": 1,
            "repositories": [
                {
                    "name": "acme/api",
                    "total_engaged_users": 1,
                    "models": [
                        {**model, "total_pr_summaries_created": 2, "total_engaged_users": 1}
                    ],
                }
            ],
        },
    }


def write(tmp_path: Path, document: object, name: str = "metrics.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return path


def test_days_become_weekly_tool_records_for_the_organisation(tmp_path: Path) -> None:
    document = [day("2025-06-02", 40, 5, active=10), day("2025-06-03", 60, 1, active=12)]
    document.append(day("2025-06-09", 1, 0))
    path = write(tmp_path, document)
    assert detect_format(path) == "github-copilot-metrics"
    records, report = github_copilot_metrics.parse(path, scope="acme", today=TODAY)
    rows = {(r.week, r.tool): r for r in records}
    completions = rows[(date(2025, 6, 2), github_copilot_metrics.COMPLETIONS)]
    assert (completions.actions, completions.days, completions.scope) == (102, 2, "acme")
    assert (completions.engaged_users, completions.active_users) == (7, 12)
    assert rows[(date(2025, 6, 2), github_copilot_metrics.IDE_CHAT)].actions == 6
    assert rows[(date(2025, 6, 2), github_copilot_metrics.DOTCOM_CHAT)].actions == 10
    assert rows[(date(2025, 6, 2), github_copilot_metrics.PULL_REQUESTS)].actions == 4
    assert rows[(date(2025, 6, 9), github_copilot_metrics.COMPLETIONS)].actions == 2
    assert report.records == 8
    assert "partial weeks" in report.warnings[0]


def test_truncated_json_names_line_and_character(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps([day("2025-06-02", 1, 1)], indent=2)[:-40])
    with pytest.raises(UsageFileError, match="invalid JSON") as error:
        github_copilot_metrics.parse(path, today=TODAY)
    assert error.value.line is not None
    assert error.value.line > 1
    assert (error.value.column or "").startswith("character")


def test_negative_count_names_the_day_line_and_path(tmp_path: Path) -> None:
    bad = day("2025-06-03", -5, 1)
    path = write(tmp_path, [day("2025-06-02", 1, 1), bad])
    with pytest.raises(UsageFileError, match="negative") as error:
        list(github_copilot_metrics.parse(path, today=TODAY).records)
    text = path.read_text().splitlines()
    assert '"2025-06-03"' in text[(error.value.line or 0) - 1]
    assert "[1].copilot_ide_code_completions" in (error.value.column or "")


def test_duplicate_and_future_days_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, [day("2025-06-02", 1, 1), day("2025-06-02", 1, 1)])
    with pytest.raises(UsageFileError, match="appears twice"):
        list(github_copilot_metrics.parse(path, today=TODAY).records)
    path = write(tmp_path, [day("2031-06-02", 1, 1)])
    with pytest.raises(UsageFileError, match="future"):
        list(github_copilot_metrics.parse(path, today=TODAY).records)


SEATS = {
    "total_seats": 2,
    "seats": [
        {
            "created_at": "2025-01-10T18:00:00-06:00",
            "updated_at": "2025-02-01T00:00:00-06:00",
            "pending_cancellation_date": None,
            "last_activity_at": "2025-06-20T00:53:32-06:00",
            "last_activity_editor": "vscode/1.99.3/copilot/1.300.0",
            "plan_type": "business",
            "assignee": {"login": "octocat", "id": 1, "type": "User"},
            "assigning_team": {"id": 1, "name": "Justice League", "slug": "justice-league"},
        },
        {
            "created_at": "2025-03-01T00:00:00Z",
            "last_activity_at": None,
            "last_activity_editor": None,
            "plan_type": "business",
            "assignee": {"login": "octokitten", "id": 2, "type": "User"},
        },
    ],
}


def test_seats_give_last_activity_per_login(tmp_path: Path) -> None:
    path = write(tmp_path, SEATS, "seats.json")
    assert detect_format(path) == "github-copilot-seats"
    first, second = github_copilot_seats.parse(path, today=TODAY).records
    assert first.login == "octocat"
    assert first.last_activity_at == datetime(2025, 6, 20, 6, 53, 32, tzinfo=UTC)
    assert (first.assigning_team, first.plan_type) == ("justice-league", "business")
    assert (second.login, second.last_activity_at, second.last_activity_editor) == (
        "octokitten",
        None,
        "",
    )


def test_seat_problems_are_named(tmp_path: Path) -> None:
    not_a_date = json.loads(json.dumps(SEATS))
    not_a_date["seats"][0]["pending_cancellation_date"] = "next month"
    with pytest.raises(UsageFileError, match="'next month' is not a date") as error:
        list(github_copilot_seats.parse(write(tmp_path, not_a_date, "s.json"), today=TODAY).records)
    assert error.value.column == "seats[0].pending_cancellation_date"
    future = json.loads(json.dumps(SEATS))
    future["seats"][1]["last_activity_at"] = "2031-01-01T00:00:00Z"
    with pytest.raises(UsageFileError, match="future") as error:
        list(github_copilot_seats.parse(write(tmp_path, future, "s.json"), today=TODAY).records)
    assert error.value.column == "seats[1].last_activity_at"


def test_a_partial_seat_listing_is_a_warning(tmp_path: Path) -> None:
    partial = {"total_seats": 40, "seats": SEATS["seats"]}
    records, report = github_copilot_seats.parse(write(tmp_path, partial, "s.json"), today=TODAY)
    assert len(list(records)) == 2
    assert "fetch every page" in report.warnings[0]
