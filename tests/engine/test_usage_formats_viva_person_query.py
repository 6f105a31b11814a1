"""Viva Insights person query: app totals counted once, breakdowns never, HR attributes kept."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from peerwheel.engine.usage_formats import UsageFileError, detect_format, viva_person_query

TODAY = date(2025, 6, 30)
HEADER = (
    "PersonId,MetricDate,Collaboration_hours,Copilot_actions_taken_in_Teams,"
    "Copilot_actions_taken_in_Copilot_chat_(work),Copilot_actions_taken_in_Word,"
    "Days_of_active_Copilot_usage_in_Teams,Days_of_active_Copilot_chat__work__usage,"
    "Days_of_active_Copilot_usage_in_Loop,Total_Copilot_actions_taken,"
    "Summarise_chat_actions_taken_using_Copilot_in_Teams,"
    "Generate_email_draft_actions_taken_using_Copilot_in_Outlook,Copilot_agent_actions_taken,"
    "Wellbeing,Organization,LevelDesignation\n"
)


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "person_query.csv"
    path.write_text(header + body)
    return path


def test_app_totals_become_tool_records_and_breakdowns_are_not_added(tmp_path: Path) -> None:
    body = (
        "p1,2025-03-30,12.5,4,3,0,2,1,0,7,4,9,0,3,Sales,IC\n"
        "p1,2025-04-06,10.0,0,0,0,0,0,1,0,0,0,2,4,Sales,Manager\n"
        "p2,2025-03-30,3.1,0,0,0,0,0,0,0,0,0,0,2,HR,IC\n"
    )
    records, report = viva_person_query.parse(write(tmp_path, body), today=TODAY)
    rows = {(r.external_id, r.week, r.tool): r for r in records}
    teams = rows[("p1", date(2025, 3, 31), "Copilot in Teams")]
    assert (teams.actions, teams.active_days, teams.line) == (4, 2, 2)
    assert rows[("p1", date(2025, 3, 31), "Copilot Chat (work)")].actions == 3
    assert ("p1", date(2025, 3, 31), "Copilot in Word") not in rows  # nothing to record
    loop = rows[("p1", date(2025, 4, 7), "Copilot in Loop")]
    assert (loop.actions, loop.active_days) == (0, 1)
    agents = rows[("p1", date(2025, 4, 7), "Copilot agents")]
    assert (agents.actions, agents.agent_actions) == (0, 2)
    quiet = rows[("p2", date(2025, 3, 31), "Microsoft 365 Copilot")]
    assert (quiet.actions, quiet.agent_actions) == (0, 0)  # the week is present, with no use
    assert sum(r.actions for r in rows.values()) == 7  # the total and breakdowns not added
    assert report.people == {
        "p1": {"Organization": "Sales", "LevelDesignation": "Manager"},
        "p2": {"Organization": "HR", "LevelDesignation": "IC"},
    }
    assert "Collaboration_hours" in report.columns_ignored
    assert "Wellbeing" in report.columns_ignored
    assert report.complete


def test_total_that_disagrees_with_the_apps_is_a_warning_not_an_addition(tmp_path: Path) -> None:
    body = "p1,2025-03-30,1,4,3,0,2,1,0,99,0,0,0,3,Sales,IC\n"
    records, report = viva_person_query.parse(write(tmp_path, body), today=TODAY)
    assert sum(r.actions for r in records) == 7
    assert any("differs from the sum" in w for w in report.warnings)


def test_a_query_with_only_the_total_uses_it(tmp_path: Path) -> None:
    path = write(
        tmp_path, "p1,2025-03-30,6\n", header="PersonId,MetricDate,Total_Copilot_actions\n"
    )
    (row,) = list(viva_person_query.parse(path, today=TODAY).records)
    assert (row.tool, row.actions) == ("Microsoft 365 Copilot", 6)


def test_spaced_headers_from_the_portal_match_too(tmp_path: Path) -> None:
    header = "PersonId,MetricDate,Copilot actions taken in Teams,Organization\n"
    path = write(tmp_path, "p1,3/30/2025,5,Sales\n", header=header)
    (row,) = list(viva_person_query.parse(path, today=TODAY).records)
    assert (row.tool, row.actions, row.week) == ("Copilot in Teams", 5, date(2025, 3, 31))


def test_no_copilot_columns_is_refused_with_what_to_add(tmp_path: Path) -> None:
    path = write(tmp_path, "p1,2025-03-30,5\n", header="PersonId,MetricDate,Emails_sent\n")
    with pytest.raises(UsageFileError, match="add Copilot metrics"):
        viva_person_query.parse(path, today=TODAY)


def test_duplicate_person_weeks_and_bad_counts_name_the_line(tmp_path: Path) -> None:
    header = "PersonId,MetricDate,Copilot_actions_taken_in_Teams\n"
    path = write(tmp_path, "p1,2025-03-30,1\np1,2025-03-30,2\n", header=header)
    with pytest.raises(UsageFileError, match="already appears on line 2") as error:
        list(viva_person_query.parse(path, today=TODAY).records)
    assert error.value.line == 3
    path = write(tmp_path, "p1,2025-03-30,1\np2,2025-03-30,-4\n", header=header)
    with pytest.raises(UsageFileError, match="negative") as error:
        list(viva_person_query.parse(path, today=TODAY).records)
    assert (error.value.line, error.value.column) == (3, "Copilot_actions_taken_in_Teams")


def test_the_vivainsights_sample_query_parses_to_its_app_totals() -> None:
    spec = importlib.util.find_spec("vivainsights")  # its sample data, without importing it
    if spec is None or spec.origin is None:
        pytest.skip("vivainsights is not installed")
    sample = Path(spec.origin).parent / "data" / "pq_data.csv"
    assert detect_format(sample) == "viva-person-query"
    frames, report = viva_person_query.read_frames(sample, today=TODAY)
    usage = pd.concat(list(frames))
    raw = pd.read_csv(sample)
    apps = [c for c in raw.columns if c.startswith("Copilot_actions_taken_in_")]
    assert usage["actions"].sum() == raw[apps].to_numpy().sum()
    assert usage.groupby(["external_id", "week"]).ngroups == len(raw)  # every row present
    assert len(report.people) == raw["PersonId"].nunique()
