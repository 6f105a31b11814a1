"""Organic demand (four weekly signals) and the question-stage mix (docs/metrics.md,
"Momentum").

Signals, each counted in the week it happened among the people of the group (by the person's
department for the before-any-push test):

- `first_use_or_access`: a first AI use, a catalogue use request, or a question at stage 2
  ("How do I get access?"), by someone outside the rollout scope or without training (a use
  request the catalogue marks as asked from outside the scope counts as such);
- `cross_department_influence`: an influence event between two departments that no session
  organised (every kind but "attended a demo"), counted in the target's group;
- `non_champion_help`: an answer to someone else's question, or a tip, by someone who was not
  an active champion that week (champions are asked to help; anyone else is unprompted);
- `advanced_questions`: questions at stage 3 or 4.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

import numpy as np

from peerwheel.engine.momentum import before_push, per_100, share
from peerwheel.insights.momentum.data import MomentumData, monday, months_start
from peerwheel.insights.momentum.groups import group_rows

SIGNALS = (
    "first_use_or_access",
    "cross_department_influence",
    "non_champion_help",
    "advanced_questions",
)
STAGES = (1, 2, 3, 4)


@dataclass(frozen=True)
class Signal:
    name: str
    person: int
    day: date


def signals(data: MomentumData, members: set[int]) -> list[Signal]:
    """Every signal of the measured weeks among `members`."""
    since, until = data.since, data.week
    out: list[Signal] = []

    def inside(day: date) -> bool:
        return since <= day < until

    for person, day in data.first_use.items():
        if person in members and inside(day) and _untrained_or_outside(data, person):
            out.append(Signal("first_use_or_access", person, day))
    for person, day, reason in data.access_requests:
        outside = reason == "outside_scope" or _untrained_or_outside(data, person)
        if person in members and inside(day) and outside:
            out.append(Signal("first_use_or_access", person, day))
    for author, kind, _anonymous, at, stage in data.hub.posts:
        day = at.astimezone(UTC).date()
        if author not in members or not inside(day):
            continue
        if kind == "question" and stage == 2 and _untrained_or_outside(data, author):
            out.append(Signal("first_use_or_access", author, day))
        if kind == "question" and stage in (3, 4):
            out.append(Signal("advanced_questions", author, day))
        if kind == "tip" and author not in data.champions.get(monday(day), set()):
            out.append(Signal("non_champion_help", author, day))
    for author, kind, own, at in data.hub.answers:
        day = at.astimezone(UTC).date()
        helping = author in members and inside(day) and kind == "question" and not own
        if helping and author not in data.champions.get(monday(day), set()):
            out.append(Signal("non_champion_help", author, day))
    people = data.people
    for source, target, kind, day in data.events:
        if target not in members or not inside(day) or kind == "attended" or source not in people:
            continue
        a, b = people[source].department_id, people[target].department_id
        if a is not None and b is not None and a != b:
            out.append(Signal("cross_department_influence", target, day))
    return out


def _untrained_or_outside(data: MomentumData, person: int) -> bool:
    return person not in data.trained or not data.in_scope(person)


def _free(data: MomentumData, found: list[Signal]) -> np.ndarray:
    """Which signals came before any push (no program action in their department or the
    organisation in the 28 days before)."""
    origin = data.since - timedelta(days=400)
    department = [data.people[s.person].department_id for s in found]
    return before_push(
        [(s.day - origin).days for s in found],
        [-1 if d is None else d for d in department],
        [(day - origin).days for _, day in data.actions],
        [-1 if d is None else d for d, _ in data.actions],
    )


def organic_demand(data: MomentumData, members: set[int]) -> list[dict[str, Any]]:
    """`[{week, signals: {name: count}, per_100: {name: rate}, before_push: {name: share},
    in_scope}]`, one per measured week, oldest first."""
    found = signals(data, members)
    free = _free(data, found)
    in_scope = data.scope_count(members)
    counts: dict[date, Counter[str]] = {week: Counter() for week in data.weeks}
    early: dict[date, Counter[str]] = {week: Counter() for week in data.weeks}
    for signal, before in zip(found, free.tolist(), strict=True):
        counts[monday(signal.day)][signal.name] += 1
        early[monday(signal.day)][signal.name] += int(before)
    weeks = []
    for week in data.weeks:
        weeks.append(
            {
                "week": week.isoformat(),
                "signals": {name: counts[week][name] for name in SIGNALS},
                "per_100": {
                    name: _round(per_100(counts[week][name], in_scope)) for name in SIGNALS
                },
                "before_push": {
                    name: _round(share(early[week][name], counts[week][name])) for name in SIGNALS
                },
                "in_scope": in_scope,
            }
        )
    return weeks


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _mix(stages: list[int]) -> dict[str, Any]:
    counts = Counter(stages)
    total = len(stages)
    return {
        "questions": total,
        "counts": {str(s): counts[s] for s in STAGES},
        "shares": {str(s): _round(share(counts[s], total)) for s in STAGES},
        "mean": _round(float(np.mean(stages)) if stages else None, 2),
    }


def question_stages(data: MomentumData, members: set[int]) -> dict[str, Any]:
    """`{mix, monthly, by_department}`: the stage mix of questions asked in the measured weeks
    and the as-of week so far (classified ones; `unclassified` beside), each month's mix, and
    each department's mix, hidden below the minimum group of askers."""
    since = data.since
    start = months_start(data.as_of)
    window: list[int] = []
    unclassified = 0
    monthly: dict[str, list[int]] = {}
    askers: dict[str, set[int]] = {}
    by_group: dict[str, list[int]] = {}
    for author, kind, _anonymous, at, stage in data.hub.posts:
        day = at.astimezone(UTC).date()
        if kind != "question" or author not in members:
            continue
        if day >= since:
            if stage is None:
                unclassified += 1
            else:
                window.append(stage)
                department = data.people[author].department if author in data.people else None
                if department is not None:
                    by_group.setdefault(department, []).append(stage)
                    askers.setdefault(department, set()).add(author)
        if day >= start and stage is not None:
            monthly.setdefault(day.strftime("%Y-%m"), []).append(stage)
    months = []
    cursor = start
    while cursor <= data.as_of:
        key = cursor.strftime("%Y-%m")
        months.append({"month": key, **_mix(monthly.get(key, []))})
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    rows = group_rows(
        "department",
        {name: len(people) for name, people in askers.items()},
        {name: _mix(stages) for name, stages in by_group.items()},
    )
    return {
        "mix": _mix(window) | {"unclassified": unclassified},
        "monthly": months,
        "by_department": rows,
    }
