"""GitHub Copilot usage metrics reports (the API that replaced the metrics API on 2026-04-02):
per-user NDJSON and the wrapped organisation/enterprise report, from the fixtures written in
the shape of GitHub's documentation ("Example schema for Copilot usage metrics")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import (
    UsageFileError,
    UsageFileProblemsError,
    detect_format,
    github_copilot_metrics,
    github_copilot_usage_report,
)

TODAY = date(2026, 12, 3)
FIXTURES = Path(__file__).parents[1] / "fixtures" / "github_copilot"
USERS = FIXTURES / "users-1-day.ndjson"
ENTERPRISE = FIXTURES / "enterprise-28-day.json"
LEGACY_DAY = {"date": "2026-03-02", "total_active_users": 4, "total_engaged_users": 3}


def test_per_user_ndjson_gives_one_record_per_login_and_week() -> None:
    read = github_copilot_usage_report.read(USERS, today=TODAY)
    rows = read.usage.to_dict("records")
    assert [(r["external_id"], r["week"].date(), r["tool"]) for r in rows] == [
        ("bob-codes", date(2026, 11, 16), "GitHub Copilot"),
        ("carol-gh", date(2026, 11, 16), "GitHub Copilot"),
    ]
    # bob: 5 + 2 interactions and 3 + 1 accepted suggestions over two days, 4 in agent mode
    assert [(r["actions"], r["agent_actions"], r["active_days"]) for r in rows] == [
        (11, 4, 2),
        (6, 0, 1),
    ]
    assert read.org_rows == []
    assert (read.report.rows_read, read.report.records) == (3, 2)


def test_wrapped_enterprise_report_gives_organisation_rows_per_week() -> None:
    read = github_copilot_usage_report.read(ENTERPRISE, today=TODAY)
    assert read.usage.empty
    first, second = read.org_rows
    assert (first.scope, first.week, first.actions, first.active_users, first.days) == (
        "enterprise 1",
        date(2026, 11, 16),
        50,  # (15 + 20) + (5 + 10)
        11,
        2,
    )
    assert first.engaged_users == 13  # the busiest day's weekly active users
    assert (second.week, second.actions, second.days) == (date(2026, 11, 23), 3, 1)


def test_wrapped_report_as_one_ndjson_line_and_a_named_scope(tmp_path: Path) -> None:
    document = json.loads(ENTERPRISE.read_text())[0]
    path = tmp_path / "organization-1-day.ndjson"
    path.write_text(json.dumps(document) + "\n")
    assert detect_format(path) == github_copilot_usage_report.FORMAT
    read = github_copilot_usage_report.read(path, today=TODAY, scope="acme")
    assert {row.scope for row in read.org_rows} == {"acme"}
    assert sum(row.actions for row in read.org_rows) == 53


def test_both_forms_are_detected_and_the_legacy_form_still_is(tmp_path: Path) -> None:
    assert detect_format(USERS) == github_copilot_usage_report.FORMAT
    assert detect_format(ENTERPRISE) == github_copilot_usage_report.FORMAT
    legacy = tmp_path / "metrics.json"
    legacy.write_text(json.dumps([LEGACY_DAY], indent=2))
    assert detect_format(legacy) == github_copilot_metrics.FORMAT


@pytest.mark.parametrize("path", [USERS, ENTERPRISE])
def test_the_retired_reader_says_a_report_is_a_newer_format(path: Path) -> None:
    with pytest.raises(UsageFileError, match="this is a newer GitHub format"):
        list(github_copilot_metrics.parse(path, today=TODAY).records)


def test_the_report_reader_says_a_metrics_api_file_is_an_older_format(tmp_path: Path) -> None:
    legacy = tmp_path / "metrics.json"
    legacy.write_text(json.dumps([LEGACY_DAY], indent=2))
    with pytest.raises(UsageFileError, match="this is an older GitHub format"):
        github_copilot_usage_report.read(legacy, today=TODAY)


def test_a_bad_line_is_named_by_its_number(tmp_path: Path) -> None:
    lines = USERS.read_text().splitlines()
    broken = tmp_path / "users.ndjson"
    broken.write_text("\n".join([lines[0], lines[1][:80], lines[2]]) + "\n")
    with pytest.raises(UsageFileError, match="invalid JSON on this line") as error:
        github_copilot_usage_report.read(broken, today=TODAY)
    assert error.value.line == 2


def test_every_bad_record_is_reported_with_its_line(tmp_path: Path) -> None:
    records = [json.loads(line) for line in USERS.read_text().splitlines()]
    records[0]["user_initiated_interaction_count"] = -3
    records[2]["day"] = "2031-01-01"
    records.append(records[1])  # the same login and day again
    path = tmp_path / "users.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with pytest.raises(UsageFileProblemsError) as error:
        github_copilot_usage_report.read(path, today=TODAY)
    found = [(p.line, p.column) for p in error.value.problems]
    assert found == [(1, "user_initiated_interaction_count"), (3, "day"), (4, "day")]
    assert "first on line 2" in error.value.problems[2].message


def test_a_file_mixing_users_and_organisations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    path.write_text(USERS.read_text() + json.dumps(json.loads(ENTERPRISE.read_text())[0]) + "\n")
    with pytest.raises(UsageFileError, match="mixes per-user and per-organisation"):
        github_copilot_usage_report.read(path, today=TODAY)


def test_a_bad_day_total_in_a_pretty_printed_report_names_its_own_line(tmp_path: Path) -> None:
    text = ENTERPRISE.read_text()
    path = tmp_path / "enterprise.json"
    path.write_text(text.replace('"daily_active_users" : 11', '"daily_active_users" : -1'))
    with pytest.raises(UsageFileError, match="negative") as error:
        github_copilot_usage_report.read(path, today=TODAY)
    day_line = text.splitlines().index('    "day" : "2026-11-17",') + 1
    assert (error.value.line, error.value.column) == (
        day_line,
        "day_totals[1].daily_active_users",
    )


def test_a_cut_off_pretty_printed_report_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "enterprise.json"
    path.write_text("\n".join(ENTERPRISE.read_text().splitlines()[:20]))
    with pytest.raises(UsageFileError, match="invalid JSON") as error:
        github_copilot_usage_report.read(path, today=TODAY)
    assert error.value.line == 20
