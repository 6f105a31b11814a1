"""Buddies (nearness, never the manager, at most three, both told, the outcome) and the wave
planner's ranking on a small organisation worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from peerwheel.hub.services import post_publish
from peerwheel.org.models import Tie
from peerwheel.program import buddies, services
from peerwheel.program.evidence import Snapshot
from peerwheel.program.status import snapshot_on
from peerwheel.program.wave_simulation import simulate
from peerwheel.program.waves import candidate_units
from tests.program.conftest import AS_OF, Company


def _at(weeks_before: int, hour: int = 12) -> datetime:
    return datetime.combine(AS_OF - timedelta(weeks=weeks_before), time(hour), tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_r(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Snapshot, "weekly_r", lambda self, weeks: [])


def _ask(company: Company, key: str, stage: int, weeks_before: int) -> None:
    post_publish(
        author=company.people[key], kind="question", title=f"What is it, {key}?",
        body="Where do I start?", question_stage=stage, at=_at(weeks_before, hour=9),
    )  # fmt: skip


def _tie(a: Any, b: Any, weight: float) -> None:
    first, second = sorted([a, b], key=lambda p: p.pk)
    Tie.objects.create(person_a=first, person_b=second, weight=weight)


def test_the_nearest_volunteer_with_room_is_suggested_never_the_manager(
    company: Company, cast: dict[str, User]
) -> None:
    p = company.people
    p["p06"].manager = p["p01"]
    p["p06"].save()
    company.usage({k: range(1, 11) for k in ("p01", "p02", "p07")})  # regular users
    for key in ("p01", "p02", "p03", "p07"):  # p03 offers but is not a regular user
        buddies.buddy_opt(person=p[key], opt_in=True, at=_at(10))
    _tie(p["p05"], p["p02"], 0.8)
    _ask(company, "p05", 1, 3)
    _ask(company, "p06", 2, 2)
    _ask(company, "p08", 1, 1)
    _ask(company, "p09", 3, 1)  # stage 3: not a newcomer
    for key in ("p10", "p11", "p12"):  # p07 already has three newcomers
        buddies.buddy_pair_create(
            newcomer_id=p[key].pk, buddy_id=p["p07"].pk, actor=cast["carol"], at=_at(5)
        )

    suggested = buddies.suggested_pairs(snapshot_on(AS_OF))

    # p05: a tie with p02 (2 + 0.8) and the same role family (1.5) beats p01 (role family, 1.5);
    # p06: p01 is their manager, so p02; p08 (sales): p07 is full, nobody else is near
    assert [(s.newcomer.pk, s.buddy.pk) for s in suggested] == [
        (p["p05"].pk, p["p02"].pk),
        (p["p06"].pk, p["p02"].pk),
    ]
    assert suggested[0].reason.startswith("they work together (a tie), same role family")


def test_a_pair_tells_both_and_the_rules_hold(
    company: Company, cast: dict[str, User], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    p = company.people
    p["p06"].manager = p["p01"]
    p["p06"].save()
    buddies.buddy_opt(person=p["p01"], opt_in=True)
    with django_capture_on_commit_callbacks(execute=True):
        buddies.buddy_pair_create(
            newcomer_id=p["p05"].pk, buddy_id=p["p01"].pk, actor=cast["carol"]
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["p01@example.com", "p05@example.com"]
    with pytest.raises(services.ProgramError, match="manager"):
        buddies.buddy_pair_create(
            newcomer_id=p["p06"].pk, buddy_id=p["p01"].pk, actor=cast["carol"]
        )
    with pytest.raises(services.ProgramError, match="not opted in"):
        buddies.buddy_pair_create(
            newcomer_id=p["p07"].pk, buddy_id=p["p02"].pk, actor=cast["carol"]
        )
    with pytest.raises(services.ProgramError, match="already has a buddy"):
        buddies.buddy_pair_create(
            newcomer_id=p["p05"].pk, buddy_id=p["p01"].pk, actor=cast["carol"]
        )
    for key in ("p07", "p08"):
        buddies.buddy_pair_create(newcomer_id=p[key].pk, buddy_id=p["p01"].pk, actor=cast["carol"])
    with pytest.raises(services.ProgramError, match="already has 3"):
        buddies.buddy_pair_create(
            newcomer_id=p["p09"].pk, buddy_id=p["p01"].pk, actor=cast["carol"]
        )


def test_paired_newcomers_are_compared_with_unpaired_askers(
    company: Company, cast: dict[str, User]
) -> None:
    p = company.people
    paired, unpaired = ["p02", "p03", "p04", "p05", "p06"], ["p08", "p09", "p10", "p11", "p12"]
    for key in paired + unpaired:
        _ask(company, key, 1, 6)
    for key in ("p01", "p07"):
        buddies.buddy_opt(person=p[key], opt_in=True, at=_at(8))
    for i, key in enumerate(paired):
        buddy = "p01" if i < 3 else "p07"
        buddies.buddy_pair_create(
            newcomer_id=p[key].pk, buddy_id=p[buddy].pk, actor=cast["carol"], at=_at(6)
        )
    # adopted two weeks after: three of the paired, one of the unpaired; p12 only after 5 weeks
    company.usage({"p02": [4], "p03": [4, 3], "p04": [5], "p08": [4], "p12": [1]})

    with_buddy, without = buddies.outcomes(snapshot_on(AS_OF))

    assert (with_buddy.adopted, with_buddy.of) == (3, 5)
    assert (without.adopted, without.of) == (1, 5)


def test_units_are_ranked_by_demand_ties_and_champions_as_worked_out_by_hand(
    company: Company, cast: dict[str, User]
) -> None:
    p = company.people
    services.scope_entry_add(
        unit="department",
        name="Engineering",
        stage="walk",
        since=AS_OF - timedelta(weeks=20),
        actor=cast["carol"],
    )
    company.usage({"p11": [3, 2, 1], "p12": [3, 2], "p09": [2, 1], "p01": range(1, 12)})
    _ask(company, "p13", 3, 2)
    _tie(p["p07"], p["p01"], 1.0)
    _tie(p["p08"], p["p02"], 2.0)
    _tie(p["p11"], p["p03"], 1.0)
    _tie(p["p11"], p["p12"], 5.0)  # inside Support: not a tie to the live part

    units = candidate_units(snapshot_on(AS_OF), unit="department")

    # demand per person: Support (2 starters + 1 question) / 4 = 0.75, Sales 1 / 7: ranks 1, 1/2
    # ties to in-scope colleagues per person: Sales 3 / 7, Support 1 / 4: ranks 1, 1/2
    # score: Support 0.5·1 + 0.3·0.5 = 0.65; Sales 0.5·0.5 + 0.3·1 = 0.55; no champions
    assert [(u.name, u.starters, u.questions, u.ties) for u in units] == [
        ("Support", 2, 1, 1.0),
        ("Sales", 1, 0, 3.0),
    ]
    assert [u.score for u in units] == pytest.approx([0.65, 0.55])


@pytest.mark.slow
def test_every_plan_adds_to_the_baseline(company: Company, cast: dict[str, User]) -> None:
    p = company.people
    services.scope_entry_add(
        unit="department",
        name="Engineering",
        stage="walk",
        since=AS_OF - timedelta(weeks=20),
        actor=cast["carol"],
    )
    company.usage({k: range(1, 8) for k in ("p01", "p02", "p03", "alice", "bob")} | {"p07": [2, 1]})
    keys = list(p)
    for a, b in zip(keys, keys[1:] + keys[:1], strict=True):
        _tie(p[a], p[b], 1.0)

    result = simulate(as_of=AS_OF, unit="department", per_wave=1)

    assert [plan["key"] for plan in result["plans"]] == ["demand", "largest", "random"]
    assert [len(plan["by_wave"]) for plan in result["plans"]] == [2, 2, 2]  # two units left
    base = result["baseline"]["median"]
    for plan in result["plans"]:
        medians = [band["median"] for band in plan["by_wave"]]
        assert base <= medians[0] <= medians[1]
        assert all(band["low"] <= band["median"] <= band["high"] for band in plan["by_wave"])
