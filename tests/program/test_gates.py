"""The gates' values against the same data counted here by hand: usage weeks, scope, posts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.hub.services import answer_post, post_publish
from peerwheel.insights.report import flywheel_report
from peerwheel.org.models import Tie
from peerwheel.program import services
from peerwheel.program.evidence import Snapshot
from peerwheel.program.measures import MEASURES
from peerwheel.program.models import Gate
from peerwheel.program.status import halts, snapshot_on
from tests.program.conftest import AS_OF, Company

pytestmark = pytest.mark.slow  # the status reads the flywheel report


def _at(weeks_before: int, hour: int = 12) -> datetime:
    return datetime.combine(AS_OF - timedelta(weeks=weeks_before), time(hour), tzinfo=UTC)


@pytest.fixture
def no_r(monkeypatch: pytest.MonkeyPatch) -> None:
    """R cannot be estimated (the gates that read it are tested on their own below)."""
    monkeypatch.setattr(Snapshot, "weekly_r", lambda self, weeks: [])


def _gates(status: Any) -> dict[str, Any]:
    return {g.key: g for g in status.gates}


def test_the_crawl_gates_match_a_count_by_hand(
    company: Company, cast: dict[str, User], no_r: None
) -> None:
    p = company.people
    pilots = ["boss", "p01", "p02", "p03", "p04", "p05", "p06", "p07"]
    for key in pilots:
        services.scope_entry_add(
            unit="person",
            name=p[key].employee_id,
            stage="crawl",
            since=AS_OF - timedelta(weeks=10),
            actor=cast["carol"],
        )
    weeks = {
        "p01": [1, 2, 3, 4],
        "p02": [1, 2, 3, 4, 5],
        "p03": [1, 2, 3, 4],
        "p04": [1, 2, 3, 4],
        "p05": [1, 2, 3, 4],
        "p06": [1, 2, 4],  # a gap: not 4 of 4
        "p07": [2, 3, 4, 5],  # not last week
        "p11": [1, 2, 3, 4],  # outside the scope
    }
    company.usage(weeks)
    wins = [("p01", 10), ("p02", 5), ("p03", None), ("p11", 20), ("p04", 15)]
    for key, minutes in wins:
        post_publish(
            author=p[key],
            kind="win",
            title=f"Win of {key}",
            body="It saved time.",
            minutes_saved=minutes,
            at=_at(3),
        )
    post_publish(
        author=p["boss"], kind="question", title="What is this?", body="Tell me.", at=_at(2)
    )
    post_publish(
        author=p["p02"],
        kind="fail",
        title="It made things up",
        body="Check.",
        anonymous=True,
        at=_at(2),
    )

    status = services.program_status_refresh(as_of=AS_OF)

    habitual = [k for k in pilots if {1, 2, 3, 4} <= set(weeks.get(k, []))]
    counted_wins = [k for k, m in wins if k in pilots and m]
    gates = _gates(status)
    assert status.stage == "crawl" and status.next_stage == "walk"
    assert gates["pilots_habitual"].value == pytest.approx(len(habitual) / len(pilots))
    assert gates["pilots_habitual"].evidence == (
        f"{len(habitual)} of {len(pilots)} pilots habitual for 4 weeks: "
        f"{len(habitual) / len(pilots):.0%} < 70%"
    )
    assert not gates["pilots_habitual"].met
    assert gates["wins"].value == len(counted_wins) and not gates["wins"].met
    assert (
        gates["ceo_shared"].value == 0 and not gates["ceo_shared"].met
    )  # a question is not sharing
    assert gates["fail_shared"].value == 1 and gates["fail_shared"].met
    assert gates["fail_shared"].met_since == AS_OF
    assert not status.all_met

    post_publish(
        author=p["boss"], kind="tip", title="How I use it", body="Every morning.", at=_at(1)
    )
    later = services.program_status_refresh(as_of=AS_OF + timedelta(days=3))
    again = _gates(later)
    assert again["ceo_shared"].met and again["ceo_shared"].met_since == AS_OF + timedelta(days=3)
    assert again["fail_shared"].met_since == AS_OF  # first met stays
    assert "(Ada Boss)" in again["ceo_shared"].evidence


def test_the_walk_gates_match_a_count_by_hand(
    company: Company, cast: dict[str, User], no_r: None
) -> None:
    p = company.people
    services.stage_move(
        to_stage="walk", actor=cast["carol"], reason="The pilots went well.", as_of=AS_OF
    )
    for name in ("Engineering", "Sales"):
        services.scope_entry_add(
            unit="department",
            name=name,
            stage="walk",
            since=AS_OF - timedelta(weeks=20),
            actor=cast["carol"],
        )
    in_scope = [k for k, person in p.items() if person.department.name in ("Engineering", "Sales")]
    weeks = {
        **{k: range(1, 11) for k in ("p01", "p02", "p03", "p04", "p05", "alice", "bob")},
        "p06": range(1, 9),  # 8 weeks: not 9 of 12
        "p07": [1, 2, 3, 4, 5, 6, 7, 8, 10, 11],  # 10 rows from week 11: a gap, still 10 of 11
        **{k: range(1, 6) for k in ("p11", "p12", "p13", "p14")},  # outside: started 5 weeks ago
    }
    company.usage(weeks)
    services.champion_invite(person_id=p["p01"].pk, actor=cast["carol"], at=_at(4))
    accepted = services.champion_invite(person_id=p["bob"].pk, actor=cast["carol"], at=_at(4))
    services.champion_respond(champion=accepted, user=cast["bob"], accept=True, at=_at(3))
    services.champion_invite(
        person_id=p["p07"].pk, actor=cast["carol"], at=_at(4)
    )  # invited, not accepted
    stages = [3, 3, 4, 1, 2, 2, 1, 3]
    for i, stage in enumerate(stages):
        post_publish(
            author=p[f"p{i + 1:02d}"],
            kind="question",
            title=f"Q{i}",
            body="How?",
            question_stage=stage,
            at=_at(2),
        )

    status = services.program_status_refresh(as_of=AS_OF)

    def habit(before: Any) -> bool:
        active = set(before)
        rows = range(1, min(max(active), 12) + 1)
        return sum(1 for w in rows if w in active) >= 9

    habitual = [k for k in in_scope if k in weeks and habit(weeks[k])]
    gates = _gates(status)
    # champions: bob (Engineering) accepted; p01 and p07 only invited
    assert (
        gates["champion_coverage"].value == pytest.approx(1 / 2)
        and not gates["champion_coverage"].met
    )
    assert gates["habitual"].value == pytest.approx(len(habitual) / len(in_scope))
    assert gates["habitual"].met == (len(habitual) / len(in_scope) >= 0.6)
    share = sum(1 for s in stages if s >= 3) / len(stages)
    assert gates["stage3_questions"].value == pytest.approx(share) and gates["stage3_questions"].met
    demand = gates["r_or_demand"]
    assert demand.value is None and not demand.met
    assert "4 people outside the scope started using AI in the last 8 weeks" in demand.evidence


def test_r_or_demand_and_the_r_halt_read_the_weekly_r(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    series = [0.9, 0.8, 0.95, 0.7, 0.9, 0.85, 0.99, 0.6]
    points = [
        {"week": (AS_OF - timedelta(weeks=8 - i)).isoformat(), "value": v, "low": 0, "high": 2}
        for i, v in enumerate(series)
    ]
    monkeypatch.setattr(Snapshot, "r_series", property(lambda self: points))
    snapshot = snapshot_on(AS_OF)
    reading = MEASURES["r_or_demand"].read(snapshot, 1.0)
    assert reading.value == pytest.approx(sum(series) / len(series)) and not reading.met
    assert [h.kind for h in halts(snapshot)] == ["r_below_one"]
    series[3] = 1.2  # one week at or above 1: no halt
    points[3]["value"] = 1.2
    assert halts(snapshot_on(AS_OF)) == []


def test_a_fail_without_a_follow_up_is_a_halt_until_answered(company: Company, no_r: None) -> None:
    p = company.people
    fail = post_publish(
        author=p["p01"], kind="fail", title="Wrong totals", body="It added badly.", at=_at(2)
    )
    post_publish(
        author=p["p02"],
        kind="fail",
        title="Too new",
        body="Yesterday.",
        at=_at(0, hour=0) - timedelta(days=1),
    )
    found = halts(snapshot_on(AS_OF))
    assert [(h.kind, h.post_id) for h in found] == [("fail_without_follow_up", fail.pk)]
    answer_post(post=fail, author=p["p03"], body="Check the sums with a formula.", at=_at(1))
    assert halts(snapshot_on(AS_OF)) == []


def test_small_groups_are_hidden_and_never_met(
    company: Company, cast: dict[str, User], no_r: None
) -> None:
    for key in ("p01", "p02", "p03"):
        services.scope_entry_add(
            unit="person",
            name=company.people[key].employee_id,
            stage="crawl",
            since=AS_OF - timedelta(weeks=5),
            actor=cast["carol"],
        )
    company.usage({"p01": [1, 2, 3, 4], "p02": [1, 2, 3, 4], "p03": [1, 2, 3, 4]})
    gate = _gates(services.program_status_refresh(as_of=AS_OF))["pilots_habitual"]
    assert gate.value is None and not gate.met and "hidden" in gate.evidence


def test_a_lead_edits_a_gate_and_a_share_target_above_one_is_refused(
    company: Company, cast: dict[str, User]
) -> None:
    services.gates_ensure_defaults()
    gate = Gate.objects.get(stage="crawl", key="wins")
    services.gate_update(gate=gate, actor=cast["carol"], target=3, label="Three wins")
    gate.refresh_from_db()
    assert (gate.target, gate.label) == (3.0, "Three wins")
    share = Gate.objects.get(stage="crawl", key="pilots_habitual")
    with pytest.raises(services.ProgramError, match="between 0 and 1"):
        services.gate_update(gate=share, actor=cast["carol"], target=70)
    added = services.gate_add(
        stage="crawl", measure="fails_shared", label="", target=3, actor=cast["carol"]
    )
    twice = services.gate_add(
        stage="crawl", measure="fails_shared", label="", target=5, actor=cast["carol"]
    )
    assert (added.key, twice.key, twice.label) == ("fails_shared", "fails_shared_2", "Fails shared")
    with pytest.raises(services.ProgramError, match="no measure 'vibes'"):
        services.gate_add(stage="crawl", measure="vibes", label="", target=1, actor=cast["carol"])


def test_the_weekly_r_is_the_flywheel_reports_r_over_time(company: Company) -> None:
    """The gates read R from the same pieces as Insights → Flywheel: the same weeks, values."""
    p = company.people
    keys = [k for k in p if k.startswith("p")]
    company.usage({k: range(1, 12 - i // 2) for i, k in enumerate(keys)})
    for a, b in itertools.pairwise(keys):
        first, second = sorted([p[a], p[b]], key=lambda person: person.pk)
        Tie.objects.create(person_a=first, person_b=second, weight=1.0)

    ours = snapshot_on(AS_OF).r_series
    theirs = flywheel_report(as_of=AS_OF, runs=20).data["flywheel_r"]["over_time"]

    assert ours and ours == theirs
