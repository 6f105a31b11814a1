"""The wave planner (Run stage): rank the sites (or departments) not live yet by organic
demand, ties to the live part of the organisation and champion coverage, then simulate the next
three waves with the engine's flywheel forecast, calibrated as the insights report calibrates it
(docs/metrics.md, "Forecast"), beside two other plans: largest first, and random.

A wave opens its units: each unit's launch cohort (its active champions, then its
best-connected colleagues who have not adopted, LAUNCH_SHARE of its people in all) adopts, and
the peer model spreads from there. Wave w opens in week w · WAVE_WEEKS (a wave a month); the
median and 90% band are of adopters after HORIZON_WEEKS weeks. docs/program.md says how to read
it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from peerwheel.hub import program_reads
from peerwheel.org.models import Tie
from peerwheel.program.evidence import Snapshot
from peerwheel.program.measures import live_sites
from peerwheel.program.selectors import program_actions

WAVES = 3
HORIZON_WEEKS = 16
WAVE_WEEKS = 4
DEMAND_WEEKS = 8
PUSH_DAYS = 28
LAUNCH_SHARE = 0.1
RUNS = 400
RANDOM_PLANS = 8
WEIGHTS = {"demand": 0.5, "ties": 0.3, "champions": 0.2}


@dataclass(frozen=True)
class Unit:
    """A site or department not live yet, with its evidence."""

    key: int
    name: str
    members: tuple[int, ...]
    starters: int  # adopted in the last DEMAND_WEEKS weeks, outside the scope, no push before
    questions: int  # stage 3–4 questions in the last DEMAND_WEEKS weeks
    ties: float  # tie weight to in-scope colleagues outside the unit
    champions: int
    score: float = 0.0

    @property
    def people(self) -> int:
        return len(self.members)

    def as_dict(self) -> dict[str, Any]:
        hidden = self.people < settings.PEERWHEEL_MIN_GROUP
        return {
            "name": self.name,
            "people": self.people,
            "starters": None if hidden else self.starters,
            "questions": None if hidden else self.questions,
            "ties_per_person": round(self.ties / max(self.people, 1), 2),
            "champions": self.champions,
            "score": round(self.score, 3),
            "hidden": hidden,
        }


def _percentile(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Rank among the units as a share (the top is 1; none of it is 0)."""
    out = np.zeros(values.shape[0])
    some = values > 0
    held = values[some]
    out[some] = (np.searchsorted(np.sort(held), held, side="left") + 1) / max(held.shape[0], 1)
    return out


def candidate_units(snapshot: Snapshot, *, unit: str) -> list[Unit]:
    """The units not live yet, ranked best first (ties broken by name)."""
    key_of = "site_id" if unit == "site" else "department_id"
    name_of = "site" if unit == "site" else "department"
    groups: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for person in snapshot.people.values():
        key = getattr(person, key_of)
        if key is not None:
            groups.setdefault(key, []).append(person.pk)
            names[key] = getattr(person, name_of)
    if unit == "site":
        live, _ = live_sites(snapshot)
    else:
        live = {k for k, m in groups.items() if 2 * len(set(m) & snapshot.in_scope) >= len(m)}
    if snapshot.scope is None:
        live = set(groups)
    since = snapshot.as_of - timedelta(weeks=DEMAND_WEEKS)
    pushes = program_actions(since=since - timedelta(days=PUSH_DAYS), until=snapshot.as_of)
    asked = program_reads.questions_by_author(
        since=snapshot.until - timedelta(weeks=DEMAND_WEEKS), until=snapshot.until, stages=(3, 4)
    )
    unit_of = {p: k for k, members in groups.items() for p in members}
    to_live = _ties_to_live(unit_of, snapshot.in_scope)
    units = []
    for key, members in groups.items():
        if key in live:
            continue
        inside = set(members)
        starters = 0
        for p in members:
            day = snapshot.adoption.get(p)
            if day is None or day < since or p in snapshot.in_scope:
                continue
            home = snapshot.people[p].department_id
            pushed = any(
                (d is None or d == home) and day - timedelta(days=PUSH_DAYS) <= at <= day
                for d, at in pushes
            )
            starters += not pushed
        units.append(
            Unit(
                key=key,
                name=names[key],
                members=tuple(sorted(members)),
                starters=starters,
                questions=sum(1 for p in members if p in asked),
                ties=to_live.get(key, 0.0),
                champions=len(inside & snapshot.champions),
            )
        )
    if not units:
        return []
    size = np.array([max(u.people, 1) for u in units], dtype=np.float64)
    demand = _percentile(np.array([u.starters + u.questions for u in units]) / size)
    tied = _percentile(np.array([u.ties for u in units]) / size)
    covered = np.array([1.0 if u.champions else 0.0 for u in units])
    score = WEIGHTS["demand"] * demand + WEIGHTS["ties"] * tied + WEIGHTS["champions"] * covered
    ranked = [replace(u, score=float(s)) for u, s in zip(units, score.tolist(), strict=True)]
    return sorted(ranked, key=lambda u: (-u.score, u.name))


def _ties_to_live(unit_of: dict[int, int], in_scope: set[int]) -> dict[int, float]:
    """Unit → the weight of its ties to in-scope colleagues outside it (one pass over ties)."""
    found: dict[int, float] = {}
    rows = Tie.objects.values_list("person_a_id", "person_b_id", "weight")
    for a, b, w in rows.iterator(chunk_size=20_000):
        ua, ub = unit_of.get(a), unit_of.get(b)
        if ua == ub:
            continue
        if ua is not None and b in in_scope:
            found[ua] = found.get(ua, 0.0) + float(w)
        if ub is not None and a in in_scope:
            found[ub] = found.get(ub, 0.0) + float(w)
    return found
