"""Cohorts and promptathons: outputs by their tag, trials by non-members, and adoption among
members against matched non-members, computed here a second way from the same story."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from peerwheel.core.errors import ForbiddenError
from peerwheel.hub.services import post_publish, trial_record
from peerwheel.program import sessions as services
from peerwheel.program.cohort_effect import cohort_effect
from peerwheel.program.models_sessions import Cohort
from peerwheel.program.selectors import program_actions, trained_person_ids
from peerwheel.program.sessions import SessionInputError
from peerwheel.program.sessions_selectors import cohort_outputs
from tests.program.conftest import AS_OF, Company, monday

START = datetime.combine(monday(8), datetime.min.time(), tzinfo=UTC)  # 6 April 2026
END = START + timedelta(weeks=2)
MEMBERS = ("alice", "p01", "p02", "p03", "p07", "p08", "p11")
#: weeks before AS_OF with usage (the first is the adoption week); the window is the cohort's
#: two weeks and four more: weeks 8 to 3 before AS_OF
USAGE = {
    "alice": [10, 9],  # adopted before the start: not at risk
    "p01": [6, 5],
    "p02": [5],
    "p07": [7],
    "p08": [1],  # after the window
    "bob": [12],  # before the start
    "p04": [4],
    "p09": [3],
    "p10": [9],  # before the start
    "p13": [2],  # the window's end is exclusive
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=hour)


@pytest.fixture
def promptathon(company: Company, cast: dict[str, User]) -> Cohort:
    company.usage(USAGE)
    people = company.people
    cohort = services.cohort_create(
        actor=cast["carol"],
        kind="promptathon",
        name="Q2 prompt sprint",
        theme="Prompts for month-end",
        tag="#Q2-Prompts",
        starts_at=START,
        ends_at=END,
        members=[people[key] for key in MEMBERS],
        at=START - timedelta(days=3),
    )
    # p11's output is its first visible use (adoption in the window); alice's counts too.
    first = post_publish(
        author=people["p11"],
        kind="prompt",
        title="Reconcile in one go",
        body="Paste the ledger.",
        prompt_text="Reconcile these two ledgers and list the differences.",
        tags=["q2-prompts"],
        at=_at(monday(8) + timedelta(days=2)),
    )
    second = post_publish(
        author=people["alice"],
        kind="win",
        title="Close in a day",
        body="It worked.",
        tags=["q2-prompts", "finance"],
        at=_at(monday(8) + timedelta(days=4)),
    )
    # Not outputs: a non-member's tagged post, a member's post after the end, another tag, and
    # a member's anonymous post (listed beside the members, it would narrow down its author).
    post_publish(author=people["dan"], kind="tip", title="Mine", body="b", tags=["q2-prompts"])
    post_publish(
        author=people["p03"],
        kind="fail",
        title="Anonymous in the sprint",
        body="b",
        tags=["q2-prompts"],
        anonymous=True,
        at=_at(monday(8) + timedelta(days=3)),
    )
    post_publish(
        author=people["p01"],
        kind="tip",
        title="Too late",
        body="b",
        tags=["q2-prompts"],
        at=END + timedelta(hours=1),
    )
    post_publish(
        author=people["p07"],
        kind="tip",
        title="Other tag",
        body="b",
        tags=["q2-prompt"],
        at=_at(monday(7)),
    )
    # Trials: two non-members (outside every matched group) and one member.
    for key in ("dan", "erin"):
        trial_record(post=first, person=people[key], outcome="worked", at=_at(monday(6)))
    trial_record(post=second, person=people["p01"], outcome="worked", at=_at(monday(6)))
    return cohort


def test_outputs_are_the_members_tagged_posts_in_its_dates(promptathon: Cohort) -> None:
    outputs = cohort_outputs(promptathon)
    assert promptathon.tag == "q2-prompts"
    assert [p.title for p in outputs.posts] == ["Reconcile in one go", "Close in a day"]
    assert (outputs.trials_by_others, outputs.people_trying) == (2, 2)


def _expected(company: Company) -> tuple[int, float, float]:
    """The effect from the story, a second way: adoption days by hand, groups by the Person
    rows, the matched rate as the members-weighted mean of each group's rate."""
    adopted = {key: monday(max(weeks)) for key, weeks in USAGE.items()}
    adopted["p11"] = monday(8) + timedelta(days=2)  # the first output
    adopted["p01"] = min(adopted["p01"], monday(6))  # the trial of alice's win
    for key in ("dan", "erin"):
        adopted[key] = monday(6)
    start, end = monday(8), monday(2)
    people = company.people

    def at_risk(key: str) -> bool:
        return key not in adopted or adopted[key] >= start

    def adopts(key: str) -> bool:
        return key in adopted and start <= adopted[key] < end

    groups: dict[tuple[int | None, str], list[str]] = defaultdict(list)
    for key, person in people.items():
        if key not in MEMBERS and at_risk(key):
            groups[(person.department_id, person.role_family)].append(key)
    matched = [
        k
        for k in MEMBERS
        if at_risk(k) and groups.get((people[k].department_id, people[k].role_family))
    ]
    mine = sum(adopts(k) for k in matched) / len(matched)
    theirs = 0.0
    for k in matched:
        pool = groups[(people[k].department_id, people[k].role_family)]
        theirs += sum(adopts(p) for p in pool) / len(pool)
    return len(matched), mine, theirs / len(matched)


def test_adoption_among_members_against_matched_non_members(
    company: Company, promptathon: Cohort
) -> None:
    effect = cohort_effect(promptathon, as_of=AS_OF)
    matched, mine, theirs = _expected(company)
    assert effect.complete
    assert (effect.members, effect.already_adopted, effect.matched_members) == (7, 1, matched)
    assert effect.member_rate == pytest.approx(mine)
    assert effect.matched_rate == pytest.approx(theirs)
    # By hand: p01, p02, p07, p11 of six adopt; engineering 1/3 (p04) weighs 3, sales 1/3
    # (p09 of carol, charlie, p09) weighs 2, support 0/3 weighs 1.
    assert effect.member_rate == pytest.approx(4 / 6)
    assert effect.matched_rate == pytest.approx((3 / 3 + 2 / 3) / 6)
    assert effect.difference_points == pytest.approx(100 * (4 / 6 - 5 / 18))
    assert (effect.adopted, effect.pool, effect.pool_adopted) == (4, 9, 2)
    assert [round(w.members, 3) for w in effect.weeks] == [
        round(x / 6, 3) for x in (1, 2, 3, 4, 4, 4)
    ]


def test_the_effect_is_hidden_below_the_minimum_group(
    company: Company, promptathon: Cohort, settings: object
) -> None:
    settings.PEERWHEEL_MIN_GROUP = 7  # type: ignore[attr-defined]
    effect = cohort_effect(promptathon, as_of=AS_OF)
    assert effect.hidden.startswith("fewer than 7 matched members")
    assert effect.member_rate is None and effect.adopted is None and effect.weeks == ()


def test_a_completed_cohort_trains_its_members_and_starts_are_pushes(
    company: Company, cast: dict[str, User], promptathon: Cohort
) -> None:
    assert trained_person_ids() == set()  # a promptathon is not training
    people = company.people
    cohort = services.cohort_create(
        actor=cast["erin"],
        kind="cohort",
        name="AI for support",
        theme="Drafting replies",
        tag="support-ai",
        starts_at=START,
        ends_at=START + timedelta(weeks=4),
        members=[people["p12"], people["p13"], people["p14"]],
    )
    services.cohort_leave(cohort=cohort, person=people["p14"], at=START + timedelta(days=3))
    assert trained_person_ids() == company.ids("p12", "p13")
    day = START.date()
    support = people["p12"].department_id
    actions = program_actions(since=day, until=day)
    assert (support, day) in actions  # the cohort's members' department
    assert (people["p07"].department_id, day) in actions  # the promptathon's too


def test_who_may_create_and_bad_input_names_the_field(
    company: Company, cast: dict[str, User], promptathon: Cohort
) -> None:
    fields = {
        "kind": "cohort",
        "name": "N",
        "theme": "T",
        "tag": "fresh",
        "starts_at": START,
        "ends_at": END,
    }
    with pytest.raises(ForbiddenError):
        services.cohort_create(actor=cast["bob"], **fields)  # a champion runs sessions only
    for change, field in [
        ({"tag": "q2-prompts"}, "tag"),  # taken
        ({"tag": "no spaces!"}, "tag"),
        ({"kind": "hackday"}, "kind"),
        ({"ends_at": START}, "ends_at"),
        ({"kind": "promptathon", "ends_at": START + timedelta(days=30)}, "ends_at"),
    ]:
        with pytest.raises(SessionInputError) as bad:
            services.cohort_create(actor=cast["carol"], **{**fields, **change})
        assert bad.value.field == field, change
    assert Cohort.objects.count() == 1
    with pytest.raises(SessionInputError, match="has ended"):
        services.cohort_join(cohort=promptathon, person=company.people["p05"])
