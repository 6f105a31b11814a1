"""The champions network, read: suggestions from the natural-champion evidence, coverage of the
in-scope departments and sites with the best suggestion for each gap, load (questions waiting)
and a champion's own impact.

The ranking is the insights report's natural champions (docs/metrics.md, "Natural champion
score"), over everyone with evidence rather than its top 15, so that a gap in a small
department still gets its best person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.core.cache import cache

from peerwheel.engine.flywheel.attribution import attribute
from peerwheel.engine.flywheel.champions import champion_scores
from peerwheel.hub import program_reads
from peerwheel.hub.program_reads import Impact
from peerwheel.insights.caching import data_fingerprint
from peerwheel.insights.selectors import flywheel_inputs
from peerwheel.program.evidence import PersonRow, Snapshot, at_midnight
from peerwheel.program.models import Champion

CACHE_SECONDS = 15 * 60
SUGGESTIONS_SHOWN = 15
#: the window of questions waiting for an answer
LOAD_WEEKS = 12
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Suggestion:
    """A person the evidence ranks as a natural champion: their rank, score and evidence."""

    person_id: int
    rank: int
    score: float
    evidence: str


def natural_ranking(*, as_of: date) -> list[Suggestion]:
    """Everyone with natural-champion evidence, best first (cached until the data changes)."""
    key = f"program:ranking:{as_of.isoformat()}:{data_fingerprint()}"
    found = cache.get(key)
    if found is None:
        found = _ranking(as_of)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _ranking(as_of: date) -> list[Suggestion]:
    inputs = flywheel_inputs(as_of=as_of)
    n = inputs.headcount
    if n == 0:
        return []
    if inputs.adopters and (inputs.ties or inputs.events):
        brought_in = attribute(inputs.data).brought_in(n)
    else:
        brought_in = np.zeros(n)
    ev = inputs.evidence
    help_ = np.array([ev[i].help if i in ev else 0 for i in range(n)], dtype=np.float64)
    reach = np.array([ev[i].reach if i in ev else 0 for i in range(n)], dtype=np.float64)
    outside = np.array([ev[i].reach_outside if i in ev else 0 for i in range(n)], dtype=np.float64)
    weeks = np.array([ev[i].active_weeks if i in ev else 0 for i in range(n)], dtype=np.float64)
    bridging = np.divide(outside, reach, out=np.zeros(n), where=reach > 0)
    ranking = champion_scores(brought_in, help_, reach, bridging, weeks)
    return [
        Suggestion(
            person_id=int(inputs.person_ids[i]),
            rank=rank + 1,
            score=round(float(ranking.score[i]), 3),
            evidence=ranking.evidence(int(i)),
        )
        for rank, i in enumerate(ranking.order.tolist())
    ]


@dataclass(frozen=True)
class ChampionView:
    pk: int
    person_id: int
    name: str
    department: str
    site: str
    status: str
    status_label: str
    evidence: str
    invited_at: datetime
    accepted_at: datetime | None
    waiting: int  # questions without an answer in their department (shared among its champions)


def network(snapshot: Snapshot) -> list[ChampionView]:
    """Every champion row (invited, active, declined, stepped down) with their load."""
    waiting = waiting_by_department(snapshot)
    active_in: dict[int | None, int] = {}
    for pk in snapshot.champions:
        home = snapshot.people[pk].department_id
        active_in[home] = active_in.get(home, 0) + 1
    rows = []
    for champion in Champion.objects.select_related("person__department", "person__site"):
        person = champion.person
        department = person.department_id
        load = 0
        if champion.status == Champion.Status.ACTIVE and department is not None:
            load = -(-waiting.get(department, 0) // max(active_in.get(department, 1), 1))
        rows.append(
            ChampionView(
                pk=champion.pk,
                person_id=person.pk,
                name=person.display_name,
                department=person.department.name if person.department else "(no department)",
                site=person.site.name if person.site else "(no site)",
                status=champion.status,
                status_label=champion.get_status_display(),
                evidence=champion.evidence,
                invited_at=champion.invited_at,
                accepted_at=champion.accepted_at,
                waiting=load,
            )
        )
    order = {"active": 0, "invited": 1, "stepped_down": 2, "declined": 3}
    return sorted(rows, key=lambda r: (order[r.status], r.department, r.name))


def waiting_by_department(snapshot: Snapshot) -> dict[int | None, int]:
    """Questions of the last LOAD_WEEKS weeks without an answer, by the asker's department."""
    return program_reads.unanswered_questions(
        since=snapshot.until - timedelta(weeks=LOAD_WEEKS), until=snapshot.until
    )


def _taken() -> set[int]:
    """People a suggestion must skip: champions already (or invited), and those who declined."""
    return set(
        Champion.objects.filter(
            status__in=[Champion.Status.ACTIVE, Champion.Status.INVITED, Champion.Status.DECLINED]
        ).values_list("person_id", flat=True)
    )


def suggestions(
    snapshot: Snapshot, ranking: list[Suggestion]
) -> list[tuple[PersonRow, Suggestion]]:
    """The best natural champions not yet in the network (nor having declined)."""
    taken = _taken()
    found = [
        (snapshot.people[s.person_id], s)
        for s in ranking
        if s.person_id in snapshot.people and s.person_id not in taken
    ]
    return found[:SUGGESTIONS_SHOWN]


@dataclass(frozen=True)
class CoverageRow:
    """One in-scope department or site: its active champions, and for a gap the best person."""

    kind: str  # "department" or "site"
    name: str
    people: int
    champions: tuple[str, ...]
    invited: tuple[str, ...]
    best: PersonRow | None
    best_evidence: str

    @property
    def gap(self) -> bool:
        return not self.champions


def coverage(snapshot: Snapshot, ranking: list[Suggestion]) -> list[CoverageRow]:
    """Every in-scope department and site, gaps first: a gap is one without an active champion;
    its best suggestion is the highest-ranked person of that unit not in the network already."""
    taken = _taken()
    invited = set(
        Champion.objects.filter(status=Champion.Status.INVITED).values_list("person_id", flat=True)
    )
    rank = {s.person_id: s for s in ranking}
    rows = []
    for kind, key, name_of in (
        ("department", "department_id", "department"),
        ("site", "site_id", "site"),
    ):
        units: dict[int, list[PersonRow]] = {}
        for pk in snapshot.in_scope:
            person = snapshot.people[pk]
            unit = getattr(person, key)
            if unit is not None:
                units.setdefault(unit, [])
        for person in snapshot.people.values():
            unit = getattr(person, key)
            if unit in units:
                units[unit].append(person)
        for members in units.values():
            champions = sorted(p.name for p in members if p.pk in snapshot.champions)
            pending = sorted(p.name for p in members if p.pk in invited)
            candidates = [p for p in members if p.pk in rank and p.pk not in taken]
            best = min(candidates, key=lambda p: rank[p.pk].rank) if candidates else None
            rows.append(
                CoverageRow(
                    kind=kind,
                    name=getattr(members[0], name_of),
                    people=len(members),
                    champions=tuple(champions),
                    invited=tuple(pending),
                    best=best if not champions else None,
                    best_evidence=rank[best.pk].evidence if best and not champions else "",
                )
            )
    return sorted(rows, key=lambda r: (not r.gap, r.kind, r.name))


def impact(*, person_id: int, until: date) -> Impact:
    """A person's own impact, all time until `until`: counts only."""
    return program_reads.impact_of(person_id=person_id, since=_EPOCH, until=at_midnight(until))
