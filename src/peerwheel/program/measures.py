"""The measures a gate can be set on: each reads a `Snapshot` and gives its value and the
evidence in words ("14 of 18 pilots habitual for 4 weeks: 78% ≥ 70%").

A gate is met when its value is at least its target (docs/metrics.md, "Rollout gates", defines
each). A share over fewer than PEERWHEEL_MIN_GROUP people is hidden, never met: it would tell
a few people's usage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from peerwheel.hub import program_reads
from peerwheel.program.evidence import HABITUAL, NOVICE_OR_ABOVE, Snapshot

#: the window of question-stage and organic-demand measures
QUESTION_WEEKS = 12
R_WEEKS = 8
#: people outside the scope who started alone in the last R_WEEKS: organic demand
DEMAND_PEOPLE = 5


@dataclass(frozen=True)
class Reading:
    """A measure's value on a day, whether it meets the target, and why, in words."""

    value: float | None
    met: bool
    evidence: str


@dataclass(frozen=True)
class Measure:
    key: str
    description: str
    unit: str  # "share" (0–1), "count" or "ratio"
    read: Callable[[Snapshot, float], Reading]

    def show(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "share":
            return f"{value:.0%}"
        if self.unit == "ratio":
            return f"{value:.2f}"
        return f"{value:g}"


def _cmp(value: float, target: float) -> str:
    return "≥" if value >= target else "<"


def share(part: int, whole: int, target: float, what: str) -> Reading:
    """`part` of `whole` as a share against `target`, hidden below the minimum group."""
    minimum = settings.PEERWHEEL_MIN_GROUP
    if whole == 0:
        return Reading(None, False, f"no {what.split(' ', 1)[-1]} yet")
    if whole < minimum:
        return Reading(None, False, f"hidden: fewer than {minimum} people to count")
    value = part / whole
    return Reading(
        value,
        value >= target,
        f"{part} of {whole} {what}: {value:.0%} {_cmp(value, target)} {target:.0%}",
    )


def count(value: int, target: float, what: str) -> Reading:
    return Reading(
        float(value), value >= target, f"{value} {what}: {value} {_cmp(value, target)} {target:g}"
    )


def _pilots_habitual(s: Snapshot, target: float) -> Reading:
    people = s.in_scope
    habitual = s.segment_count(people, HABITUAL, four=True)
    return share(habitual, len(people), target, "pilots habitual for 4 weeks")


def _habitual_share(s: Snapshot, target: float) -> Reading:
    people = s.in_scope
    return share(
        s.segment_count(people, HABITUAL, four=False),
        len(people),
        target,
        "people in scope habitual",
    )


def _novice_or_above(s: Snapshot, target: float) -> Reading:
    people = set(s.people)
    found = s.segment_count(people, NOVICE_OR_ABOVE, four=False)
    return share(found, len(people), target, "people novice or above")


def _wins(s: Snapshot, target: float) -> Reading:
    authors = None if s.scope is None else s.in_scope
    wins = program_reads.wins_with_time_saved(until=s.until, authors=authors)
    return count(wins, target, "wins with time saved")


def ceo(s: Snapshot) -> int | None:
    """The head of the organisation: a current leader with no manager (the one with most
    reports if several), or None."""
    tops = [p for p in s.people.values() if p.is_leader and p.manager_id is None]
    if not tops:
        return None
    reports = {p.pk: 0 for p in tops}
    for person in s.people.values():
        if person.manager_id in reports:
            reports[person.manager_id] += 1
    return max(tops, key=lambda p: (reports[p.pk], -p.pk)).pk


def _ceo_shared(s: Snapshot, target: float) -> Reading:
    head = ceo(s)
    if head is None:
        return Reading(None, False, "no CEO in the HR data (a leader without a manager)")
    shared = program_reads.public_shares(author_id=head, until=s.until)
    who = s.people[head].name
    return count(shared, target, f"posts shared publicly by the CEO ({who})")


def _fails(s: Snapshot, target: float) -> Reading:
    authors = None if s.scope is None else s.in_scope
    return count(program_reads.fails_shared(until=s.until, authors=authors), target, "fails shared")


def _coverage(s: Snapshot, target: float) -> Reading:
    departments = {s.people[p].department_id for p in s.in_scope} - {None}
    covered = {s.people[p].department_id for p in s.champions} & departments
    if not departments:
        return Reading(None, False, "no department in the scope yet")
    value = len(covered) / len(departments)
    return Reading(
        value,
        value >= target,
        f"{len(covered)} of {len(departments)} in-scope departments have an active champion: "
        f"{value:.0%} {_cmp(value, target)} {target:.0%}",
    )


def organic_starters(s: Snapshot, weeks: int = R_WEEKS) -> int:
    """People outside the scope who adopted in the last `weeks` weeks: organic demand."""
    if s.scope is None:
        return 0
    start = s.as_of - timedelta(weeks=weeks)
    outside = set(s.people) - s.in_scope
    return sum(1 for p, day in s.adoption.items() if p in outside and start <= day < s.as_of)


def mean_r(s: Snapshot, weeks: int = R_WEEKS) -> float | None:
    points = s.weekly_r(weeks)
    if not points:
        return None
    return sum(float(p["value"]) for p in points) / len(points)


def _r_or_demand(s: Snapshot, target: float) -> Reading:
    r = mean_r(s)
    starters = organic_starters(s)
    demand = starters >= DEMAND_PEOPLE
    demand_words = (
        f"{starters} people outside the scope started using AI in the last {R_WEEKS} weeks"
        f" (organic demand {_cmp(starters, DEMAND_PEOPLE)} {DEMAND_PEOPLE})"
    )
    if r is None:
        return Reading(None, demand, f"R not estimable yet; {demand_words}")
    words = f"R {r:.2f} over the last {R_WEEKS} weeks {_cmp(r, target)} {target:g}"
    return Reading(r, r >= target or demand, f"{words}; {demand_words}")


def _r_sustained(s: Snapshot, target: float) -> Reading:
    r = mean_r(s)
    if r is None:
        return Reading(None, False, f"R not estimable over the last {R_WEEKS} weeks")
    return Reading(
        r, r >= target, f"R {r:.2f} over the last {R_WEEKS} weeks {_cmp(r, target)} {target:g}"
    )


def _stage_share(s: Snapshot, target: float, stages: set[int], what: str) -> Reading:
    counts = program_reads.question_stage_counts(
        since=s.until - timedelta(weeks=QUESTION_WEEKS), until=s.until
    )
    total = sum(counts.values())
    part = sum(n for stage, n in counts.items() if stage in stages)
    if total == 0:
        return Reading(None, False, f"no questions in the last {QUESTION_WEEKS} weeks")
    value = part / total
    return Reading(
        value,
        value >= target,
        f"{part} of {total} questions in the last {QUESTION_WEEKS} weeks {what}: "
        f"{value:.0%} {_cmp(value, target)} {target:.0%}",
    )


def _stage3(s: Snapshot, target: float) -> Reading:
    return _stage_share(s, target, {3, 4}, "at stage 3 or 4")


def _stage4_share(s: Snapshot, target: float) -> Reading:
    return _stage_share(s, target, {4}, "at stage 4")


def _stage4_count(s: Snapshot, target: float) -> Reading:
    counts = program_reads.question_stage_counts(
        since=s.until - timedelta(weeks=QUESTION_WEEKS), until=s.until
    )
    return count(counts.get(4, 0), target, f"stage-4 questions in the last {QUESTION_WEEKS} weeks")


def live_sites(s: Snapshot) -> tuple[set[int], set[int]]:
    """(live sites, sites with people): a site is live when at least half its current people
    are in the scope."""
    people: dict[int, int] = {}
    inside: dict[int, int] = {}
    for person in s.people.values():
        if person.site_id is None:
            continue
        people[person.site_id] = people.get(person.site_id, 0) + 1
        if person.pk in s.in_scope:
            inside[person.site_id] = inside.get(person.site_id, 0) + 1
    live = {site for site, n in people.items() if 2 * inside.get(site, 0) >= n}
    return live, set(people)


def _sites_live(s: Snapshot, target: float) -> Reading:
    live, sites = live_sites(s)
    if not sites:
        return Reading(None, False, "no sites in the HR data")
    value = len(live) / len(sites)
    return Reading(
        value,
        value >= target,
        f"{len(live)} of {len(sites)} sites live: {value:.0%} {_cmp(value, target)} {target:.0%}",
    )


def _agent_users(s: Snapshot, target: float) -> Reading:
    people = s.in_scope
    return share(len(s.agent_users & people), len(people), target, "people in scope using agents")


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "pilots_habitual_4w", "people in scope habitual for 4 weeks", "share", _pilots_habitual
        ),
        Measure("wins_time_saved", "wins with time saved", "count", _wins),
        Measure("ceo_shared", "posts the CEO shared publicly", "count", _ceo_shared),
        Measure("fails_shared", "fails shared", "count", _fails),
        Measure(
            "champion_coverage", "in-scope departments with an active champion", "share", _coverage
        ),
        Measure("habitual_share", "people in scope habitual (12 weeks)", "share", _habitual_share),
        Measure(
            "r_or_demand",
            "R over 8 weeks, or organic demand from outside the scope",
            "ratio",
            _r_or_demand,
        ),
        Measure("stage3_share", "questions at stage 3 or 4 (12 weeks)", "share", _stage3),
        Measure("sites_live", "sites live", "share", _sites_live),
        Measure("novice_or_above", "people novice or above", "share", _novice_or_above),
        Measure("stage4_questions", "stage-4 questions (12 weeks)", "count", _stage4_count),
        Measure("r_sustained", "R over 8 weeks", "ratio", _r_sustained),
        Measure("agent_users", "people in scope using agents (4 weeks)", "share", _agent_users),
        Measure("stage4_share", "questions at stage 4 (12 weeks)", "share", _stage4_share),
    )
}
