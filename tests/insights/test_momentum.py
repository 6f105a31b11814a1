"""The momentum measures on a small organisation whose story is known (momentum_org.py): every
expected value below is worked out by hand from that story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.hub.services import post_publish
from peerwheel.insights.models import Nudge
from peerwheel.insights.momentum import momentum_blocks, momentum_data
from peerwheel.insights.momentum.groups import GroupFilter, GroupNotShownError, members_of
from peerwheel.insights.momentum.people import leader_own
from peerwheel.insights.selectors import invisible_successes, nudges_for_person
from peerwheel.insights.services import nudges_create
from peerwheel.org.models import Person
from tests.insights.momentum_org import AS_OF, MomentumOrg, build, noon, week

SIGNALS = (
    "first_use_or_access",
    "cross_department_influence",
    "non_champion_help",
    "advanced_questions",
)


@pytest.fixture
def mo(org: dict[str, Person], cast: dict[str, User], tmp_path: Path) -> MomentumOrg:
    return build(org, cast, tmp_path)


@pytest.fixture
def blocks(mo: MomentumOrg) -> dict[str, Any]:
    data = momentum_data(as_of=AS_OF)
    return momentum_blocks(data, set(data.people))


def _by_week(series: list[dict[str, Any]], key: str) -> dict[int, dict[str, Any]]:
    weeks = {w["week"]: w[key] for w in series}
    return {k: weeks[week(k).isoformat()] for k in range(12)}


def test_organic_demand_counts_each_signal_in_its_week(blocks: dict[str, Any]) -> None:
    series = blocks["organic_demand"]
    assert [w["week"] for w in series] == [week(k).isoformat() for k in range(12)]
    counts = _by_week(series, "signals")
    expected = {name: [0] * 12 for name in SIGNALS}
    # first uses (usage or visible hub use) and the stage-2 question, nobody being trained
    for k in (0, 2, 3, 4, 5, 6, 8, 8, 9, 10):
        expected["first_use_or_access"][k] += 1
    # answers and reactions across departments; the demo's attendance is organised
    for k in (0, 7, 7, 8, 9, 9):
        expected["cross_department_influence"][k] += 1
    # bob before he became a champion, dan's tip, eng2 and sal3, the boss; not bob in W7
    for k in (0, 3, 7, 7, 9):
        expected["non_champion_help"][k] += 1
    for k in (5, 6, 7, 10):
        expected["advanced_questions"][k] += 1
    for name in SIGNALS:
        assert [counts[k][name] for k in range(12)] == expected[name], name


def test_per_100_in_scope_and_the_share_before_any_push(blocks: dict[str, Any]) -> None:
    series = blocks["organic_demand"]
    assert {w["in_scope"] for w in series} == {23}  # Engineering 15 + Sales 8 on the as-of day
    per_100 = _by_week(series, "per_100")
    assert per_100[8]["first_use_or_access"] == pytest.approx(round(100 * 2 / 23, 3))
    assert per_100[1]["first_use_or_access"] == 0.0
    before = _by_week(series, "before_push")
    # Sales was pushed on 20 May: its signals in the 28 days after are not organic
    assert before[9]["first_use_or_access"] == 0.0  # carol's access question, 26 May
    assert before[10]["first_use_or_access"] == 0.0  # sal5's first post, 3 June
    assert before[6]["first_use_or_access"] == 1.0  # sal1, 4 May: before the push
    assert before[8]["cross_department_influence"] == 0.0  # dan tried on 21 May
    assert before[9]["cross_department_influence"] == 0.5  # Marketing free, Sales pushed
    assert before[1]["first_use_or_access"] is None  # nothing arrived


def test_question_stages_mix_monthly_and_small_groups_hidden(blocks: dict[str, Any]) -> None:
    stages = blocks["question_stages"]
    mix = stages["mix"]  # five askers: charlie, erin, dan, carol, eng6
    assert mix["people"] == 5 and mix["suppressed"] is False
    assert mix["counts"] == {"1": 1, "2": 1, "3": 2, "4": 2}
    assert mix["mean"] == round(17 / 6, 2)
    assert mix["unclassified"] == 0
    monthly = {m["month"]: m for m in stages["monthly"]}
    assert list(monthly) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert monthly["2026-01"]["questions"] == 0  # nobody asked: nothing to hide
    # every other month had fewer than five askers
    for month in ("2026-02", "2026-03", "2026-04", "2026-05", "2026-06"):
        assert monthly[month]["suppressed"] is True and monthly[month]["counts"] is None
    # Sales (3 named askers) and Engineering (2): every department's mix is hidden
    assert {r["department"] for r in stages["by_department"]} == {"Engineering", "Sales"}
    assert all(r["suppressed"] and r["people"] is None for r in stages["by_department"])


def test_invisible_successes_are_heavy_users_with_nothing_visible_in_12_weeks(
    mo: MomentumOrg, blocks: dict[str, Any]
) -> None:
    # eng1 posted, eng2 answered, alice tried; eng5 only posted anonymously; sal2's tip is
    # older than 12 weeks; eng4 missed a week (not heavy); mar1's usage is in the as-of week
    expected = sorted(mo.id(k) for k in ("eng3", "eng5", "sal1", "sal2"))
    assert invisible_successes(AS_OF) == expected
    block = blocks["invisible_successes"]
    assert block["count"] == 4
    rows = {r["department"]: r for r in block["by_group"]}
    assert rows["Engineering"] == {
        "department": "Engineering",
        "people": 15,
        "count": 2,
        "suppressed": False,
    }
    assert rows["Sales"]["count"] == 2
    # Legal (2 people) is hidden, and Marketing with it as cover against subtraction
    assert rows["Legal"] == {
        "department": "Legal",
        "people": None,
        "count": None,
        "suppressed": True,
    }
    assert rows["Marketing"]["suppressed"] is True
    assert block["nudged"] == 0


def test_nudges_go_to_invisible_successes_once_and_count_who_shared(mo: MomentumOrg) -> None:
    early = datetime(2026, 5, 13, 9, 0, tzinfo=UTC)
    made = nudges_create(as_of=early.date(), now=early)
    # on 13 May: eng2 had not answered yet (noon), sal2's tip was within 12 weeks, eng5 and
    # sal1 were not yet heavy for four weeks
    assert sorted(n.person_id for n in made) == sorted([mo.id("eng2"), mo.id("eng3")])
    assert nudges_create(as_of=early.date(), now=early) == []  # idempotent
    data = momentum_data(as_of=AS_OF)
    block = momentum_blocks(data, set(data.people))["invisible_successes"]
    assert (block["nudged"], block["shared_after_nudge"]) == (2, 1)  # eng2 answered at noon

    later = nudges_create(as_of=AS_OF, now=datetime(2026, 6, 17, 8, tzinfo=UTC))
    assert sorted(n.person_id for n in later) == sorted(
        mo.id(k) for k in ("eng3", "eng5", "sal1", "sal2")
    )
    assert Nudge.objects.get(person=mo.people["eng2"]).shared_at == datetime(
        2026, 5, 13, 12, tzinfo=UTC
    )
    eng3 = Nudge.objects.filter(person=mo.people["eng3"]).first()
    assert eng3 is not None
    assert eng3.message == (
        "Your way of using ChatGPT could help 8 colleagues in your role — share it in two minutes."
    )
    sal1 = Nudge.objects.get(person=mo.people["sal1"])
    assert "help 5 colleagues in your role" in sal1.message


def test_a_person_sees_only_their_own_open_nudges(mo: MomentumOrg) -> None:
    now = datetime(2026, 6, 17, 8, tzinfo=UTC)
    nudges_create(as_of=AS_OF, now=now)
    mine = nudges_for_person(mo.people["eng3"], now=now)
    assert len(mine) == 1
    url = mine[0].draft_url
    assert url.startswith("/hub/new/?kind=tip&title=How+I+use+ChatGPT")
    assert nudges_for_person(mo.people["eng1"], now=now) == ()
    assert nudges_for_person(mo.people["alice"], now=now) == ()


def test_leader_consistency_is_a_distribution_and_a_leaders_own(
    mo: MomentumOrg, blocks: dict[str, Any]
) -> None:
    block = blocks["leader_consistency"]
    assert block["leaders"] == 11
    bins = {b["weeks"]: b["leaders"] for b in block["active_weeks"]}
    assert bins == {"0": 5, "1–3": 6, "4–6": 0, "7–9": 0, "10–12": 0}
    assert block["active_share"] == {"p25": 0.0, "median": 0.083, "p75": 0.083}
    assert block["burstiness"] is None  # one leader with a rhythm: quartiles would name them
    assert block["rhythm"] == {"steady": None, "bursty": 0, "too_few_actions": None}
    # a distribution only: no row per leader, nobody's id
    assert set(block) == {
        "leaders",
        "weeks",
        "active_share",
        "burstiness",
        "active_weeks",
        "rhythm",
        "suppressed",
    }
    own = leader_own(momentum_data(as_of=AS_OF), mo.id("boss"))
    # 25 March, 22 April (demo), 27 May: gaps of 28 and 35 days, mean 31.5, sd 3.5
    assert own == {
        "active_weeks": 3,
        "weeks": 12,
        "share": 0.25,
        "actions": 3,
        "burstiness": -0.8,
    }


def test_psychological_safety_per_active_contributor(blocks: dict[str, Any]) -> None:
    block = blocks["psychological_safety"]
    # 14 contributors: 7 named in Engineering, 6 in Sales, and eng5 (an anonymous post only)
    assert block["organisation"] == {
        "people": 14,
        "fails": 1,
        "questions": 6,
        "posts": 12,
        "anonymous_share": round(1 / 12, 3),
        "fails_per_contributor": round(1 / 14, 3),
        "questions_per_contributor": round(6 / 14, 3),
        "suppressed": False,
    }
    rows = {r["department"]: r for r in block["by_department"]}
    assert set(rows) == {"Engineering", "Sales"}  # Marketing only reacted
    # a department's row: named posts and their authors only, no anonymous share
    assert (rows["Engineering"]["people"], rows["Engineering"]["posts"]) == (7, 4)
    assert rows["Engineering"]["anonymous_share"] is None
    assert rows["Engineering"]["questions_per_contributor"] == round(2 / 7, 3)
    assert rows["Sales"]["questions_per_contributor"] == round(4 / 6, 3)
    assert rows["Sales"]["fails_per_contributor"] == round(1 / 6, 3)


def test_a_groups_figures_never_count_anonymous_posts(mo: MomentumOrg) -> None:
    def measure(group: str | None) -> dict[str, Any]:
        data = momentum_data(as_of=AS_OF)
        chosen = GroupFilter.parse(group)
        return momentum_blocks(data, members_of(data, chosen), chosen)

    before = {g: measure(g) for g in (None, "department:Engineering")}
    post_publish(
        author=mo.people["eng8"],
        kind="question",
        title="An agent for our releases?",
        body="Could we?",
        question_stage=4,
        anonymous=True,
        at=noon(week(3) + timedelta(days=1)),
    )
    after = {g: measure(g) for g in (None, "department:Engineering")}
    org = [w["signals"]["advanced_questions"] for w in after[None]["organic_demand"]]
    org_before = [w["signals"]["advanced_questions"] for w in before[None]["organic_demand"]]
    assert org[3] == org_before[3] + 1  # the organisation counts it
    assert after[None]["psychological_safety"]["organisation"]["posts"] == 13
    engineering = "department:Engineering"
    assert after[engineering]["organic_demand"] == before[engineering]["organic_demand"]
    assert after[engineering]["psychological_safety"] == before[engineering]["psychological_safety"]
    assert (
        after[None]["psychological_safety"]["by_department"]
        == before[None]["psychological_safety"]["by_department"]
    )


def test_training_completions_are_labelled_vanity(blocks: dict[str, Any]) -> None:
    block = blocks["training_completions"]
    assert block["trained"] == 0 and block["people"] == 31 and block["vanity_metric"] is True


def test_a_group_filter_measures_its_people_and_refuses_hidden_groups(mo: MomentumOrg) -> None:
    data = momentum_data(as_of=AS_OF)
    sales = members_of(data, GroupFilter.parse("department:Sales"))
    assert len(sales) == 8
    series = momentum_blocks(data, sales)["organic_demand"]
    counts = _by_week(series, "signals")
    assert [counts[k]["first_use_or_access"] for k in range(12)] == [
        0,
        0,
        0,
        1,
        1,
        0,
        1,
        0,
        0,
        1,
        1,
        0,
    ]
    assert series[0]["in_scope"] == 8
    for hidden in ("department:Legal", "department:Marketing", "department:Nowhere"):
        with pytest.raises(GroupNotShownError, match="not shown on its own"):
            members_of(data, GroupFilter.parse(hidden))
    with pytest.raises(GroupNotShownError, match="write department:NAME or site:NAME"):
        GroupFilter.parse("team:Platform")
    assert len(members_of(data, GroupFilter.parse("site:Berlin"))) == 16
