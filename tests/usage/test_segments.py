"""Segments in the app: the selector agrees with the engine, and `peerwheel export segments`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from peerwheel.engine.segments import MissingWeeks, UsageSegment, usage_segments
from peerwheel.org.models import Person
from peerwheel.usage.selectors import ladder_all, segments_all
from peerwheel.usage.services import usage_import

Write = Callable[..., Path]
START = date(2025, 1, 6)  # a Monday


def _usage_file(write_file: Write) -> Path:
    """alice: 12 weeks of 20 actions (Power); bob: 9 of 12 weeks at 2 (Habitual); ghost (no
    match): active in weeks 0 and 1 only, then silent (drifts down); agents for bob in week 10."""
    lines = ["email,week,tool,actions,agent_actions"]
    for week in range(12):
        monday = START + timedelta(weeks=week)
        lines.append(f"alice@example.com,{monday},Copilot in Word,12,0")
        lines.append(f"alice@example.com,{monday},ChatGPT Enterprise,8,0")
        if week % 4 != 3:
            lines.append(f"bob@example.com,{monday},ChatGPT Enterprise,2,{3 if week == 10 else 0}")
        else:
            lines.append(f"bob@example.com,{monday},ChatGPT Enterprise,0,0")
    lines.append(f"ghost@example.com,{START},GitHub Copilot,30,0")
    lines.append(f"ghost@example.com,{START + timedelta(weeks=1)},GitHub Copilot,30,0")
    return write_file("usage.csv", "\n".join(lines) + "\n")


@pytest.fixture
def imported(org: dict[str, Person], write_file: Write) -> Path:
    path = _usage_file(write_file)
    usage_import("usage-csv", path)
    return path


def test_selector_segments_match_hand_computed_labels(imported: Path) -> None:
    result = segments_all(four_weeks=True)
    last = result.sort_values("week").groupby("external_id").last()
    assert last.loc["alice@example.com", "segment"] is UsageSegment.POWER
    assert last.loc["bob@example.com", "segment"] is UsageSegment.HABITUAL
    assert last.loc["bob@example.com", "segment_4w"] is UsageSegment.NOVICE  # 3 of 4 weeks
    assert bool(last.loc["bob@example.com", "agent_user"])  # agent actions in week 10
    # ghost's silent weeks count as zero: 60 actions over 12 weeks is a mean of 5 → Novice.
    assert last.loc["ghost@example.com", "segment"] is UsageSegment.NOVICE
    assert len(result[result["external_id"] == "ghost@example.com"]) == 12
    assert pd.isna(last.loc["ghost@example.com", "person_id"])


def test_selector_agrees_with_the_engine_on_the_same_rows(imported: Path) -> None:
    frame = pd.read_csv(imported)
    frame["week"] = pd.to_datetime(frame["week"])
    engine = usage_segments(
        frame, person="email", missing_weeks=MissingWeeks.ZERO, until=date(2025, 3, 24)
    )
    ours = segments_all()
    merged = engine.merge(
        ours, left_on=["person", "week"], right_on=["external_id", "week"], suffixes=("", "_app")
    )
    assert len(merged) == len(engine) == len(ours)
    assert (merged["segment"] == merged["segment_app"]).all()
    assert (merged["agent_user"] == merged["agent_user_app"]).all()


def test_adoption_ladder_counts_people_per_rung(imported: Path) -> None:
    ladder = ladder_all().set_index("week")
    last = ladder.iloc[-1]
    assert (last["heavy"], last["regular"], last["explorer"], last["people"]) == (1, 1, 1, 3)
    assert last["agent_users"] == 1


def test_export_segments_csv_and_json(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("exportdata", "segments")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["person_id", "week", "segment_12w", "segment_4w"]
    assert len(rows) == 36
    by_key = {(r["person_id"], r["week"]): r for r in rows}
    assert by_key[("alice@example.com", "2025-03-24")]["segment_12w"] == "Power User"
    assert by_key[("bob@example.com", "2025-03-24")]["segment_4w"] == "Novice User"
    assert by_key[("ghost@example.com", "2025-01-06")]["segment_12w"] == "Novice User"
    call_command("exportdata", "segments", "--format", "json")
    records = json.loads(capsys.readouterr().out)
    assert records[0].keys() == {"person_id", "week", "segment_12w", "segment_4w"}
    assert len(records) == 36
