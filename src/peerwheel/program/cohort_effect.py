"""A cohort's or promptathon's effect on adoption: its members against matched non-members.

Adoption is the insights definition (`insights.selectors.flywheel_inputs`: the first AI action
in any tool's usage, or the first visible use on the hub, whichever is earlier). The window runs
from the cohort's first day to `FOLLOW_WEEKS` weeks after its last. Only people who had not
adopted before the first day count (the "at risk"); each member at risk is matched with the
non-members at risk in the same department and role family, and the matched rate is the
members-weighted mean of those groups' rates (exact matching, the effect on the treated):

    matched rate = sum over groups g of m_g * (a_g / n_g) / sum of m_g

with m_g the members at risk in g, n_g the non-members at risk in g and a_g those of them who
adopted in the window. Members in a group without non-members are left out and counted as
unmatched. Below `PEERWHEEL_MIN_GROUP` matched members or non-members the rates are hidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.conf import settings
from django.utils import timezone

from peerwheel.insights.selectors import flywheel_inputs
from peerwheel.org.selectors import people_current
from peerwheel.program.models_sessions import Cohort
from peerwheel.program.sessions_selectors import cohort_member_ids

FOLLOW_WEEKS = 4


@dataclass(frozen=True)
class EffectWeek:
    """The share adopted by the end of week `week` of the window (members, matched)."""

    week: int
    day: date
    members: float
    matched: float


@dataclass(frozen=True)
class CohortEffect:
    start: date
    end: date  # the window's last day + 1
    complete: bool  # the window has closed
    members: int
    already_adopted: int
    matched_members: int
    unmatched: int
    adopted: int | None  # None when hidden
    pool: int  # non-members at risk in the members' groups
    pool_adopted: int | None
    member_rate: float | None
    matched_rate: float | None
    hidden: str  # why the rates are hidden, or ""
    weeks: tuple[EffectWeek, ...]

    @property
    def difference_points(self) -> float | None:
        if self.member_rate is None or self.matched_rate is None:
            return None
        return 100 * (self.member_rate - self.matched_rate)


def cohort_window(cohort: Cohort, *, follow_weeks: int = FOLLOW_WEEKS) -> tuple[date, date]:
    """[first day, last day + follow weeks + 1) in UTC days, as adoption dates are."""
    start = cohort.starts_at.astimezone(UTC).date()
    last = (cohort.ends_at - timedelta(microseconds=1)).astimezone(UTC).date()
    return start, last + timedelta(days=1) + timedelta(weeks=follow_weeks)


def cohort_effect(
    cohort: Cohort, *, as_of: date | None = None, follow_weeks: int = FOLLOW_WEEKS
) -> CohortEffect:
    """Members' adoption in the window against matched non-members' (see the module)."""
    start, end = cohort_window(cohort, follow_weeks=follow_weeks)
    today = as_of or timezone.now().astimezone(UTC).date()
    until = min(end, today)
    inputs = flywheel_inputs(as_of=until)
    adopted_on: dict[int, date | None] = {
        int(pk): inputs.date_of(int(day)) if day >= 0 else None
        for pk, day in zip(inputs.person_ids, inputs.data.adoption_day, strict=True)
    }
    group_of = {
        pk: (department, family)
        for pk, department, family in people_current().values_list(
            "pk", "department_id", "role_family"
        )
    }
    members = cohort_member_ids(cohort.pk) & group_of.keys()

    def at_risk(pk: int) -> bool:
        day = adopted_on.get(pk)
        return day is None or day >= start

    members_at_risk = [pk for pk in members if at_risk(pk)]
    pool: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for pk, group in group_of.items():
        if pk not in members and at_risk(pk):
            pool[group].append(pk)
    matched = [pk for pk in members_at_risk if pool.get(group_of[pk])]
    weight: dict[tuple[int | None, str], int] = defaultdict(int)
    for pk in matched:
        weight[group_of[pk]] += 1
    pool_people = [pk for group in weight for pk in pool[group]]

    def share_by(day: date) -> tuple[float, float]:
        """(members' share, matched share) adopted before `day`."""
        if not matched:
            return 0.0, 0.0
        mine = sum(1 for pk in matched if _adopted_before(adopted_on.get(pk), day))
        theirs = sum(
            m * sum(1 for pk in pool[g] if _adopted_before(adopted_on.get(pk), day)) / len(pool[g])
            for g, m in weight.items()
        )
        return mine / len(matched), theirs / len(matched)

    minimum = settings.PEERWHEEL_MIN_GROUP
    hidden = ""
    if len(matched) < minimum:
        hidden = f"fewer than {minimum} matched members who had not adopted before the start"
    elif len(pool_people) < minimum:
        hidden = f"fewer than {minimum} matched colleagues outside the {cohort.get_kind_display()}"
    weeks: list[EffectWeek] = []
    if not hidden:
        day, week = start + timedelta(weeks=1), 1
        while day <= until:
            mine, theirs = share_by(day)
            weeks.append(EffectWeek(week=week, day=day, members=mine, matched=theirs))
            day, week = day + timedelta(weeks=1), week + 1
    member_rate, matched_rate = share_by(until)
    return CohortEffect(
        start=start,
        end=end,
        complete=today >= end,
        members=len(members),
        already_adopted=len(members) - len(members_at_risk),
        matched_members=len(matched),
        unmatched=len(members_at_risk) - len(matched),
        adopted=None
        if hidden
        else sum(1 for pk in matched if _adopted_before(adopted_on.get(pk), until)),
        pool=len(pool_people),
        pool_adopted=None
        if hidden
        else sum(1 for pk in pool_people if _adopted_before(adopted_on.get(pk), until)),
        member_rate=None if hidden else member_rate,
        matched_rate=None if hidden else matched_rate,
        hidden=hidden,
        weeks=tuple(weeks),
    )


def _adopted_before(day: date | None, before: date) -> bool:
    return day is not None and day < before
