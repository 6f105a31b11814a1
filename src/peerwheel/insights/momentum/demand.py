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
from peerwheel.hub.selectors import question_stage_mix
from peerwheel.insights.momentum.data import MomentumData, monday, months_start
from peerwheel.insights.momentum.groups import GroupFilter

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
    """Every signal of the measured weeks among `members`. For a group (not everyone) an
    anonymous post counts nowhere: named posts show their author's department, so a group's
    count minus its named posts would tell where an anonymous author works."""
    since, until = data.since, data.week
    whole = members >= data.people.keys()
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
    for author, kind, anonymous, at, stage in data.hub.posts:
        day = at.astimezone(UTC).date()
        if author not in members or not inside(day) or (anonymous and not whole):
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


def question_stages(data: MomentumData, group: GroupFilter | None = None) -> dict[str, Any]:
    """`{mix, monthly, by_department}` from `hub.selectors.question_stage_mix` (its privacy
    rules: a cell of fewer askers than the minimum group is hidden; a group's rows leave
    anonymous questions out): the mix of the measured weeks and the as-of week so far, each
    month's mix over MONTHS months, and each department's mix; for a `group`, its own rows."""
    by = group.by if group is not None and group.by else "department"
    window = question_stage_mix(since=data.since, until=data.as_of, group=by)
    months = question_stage_mix(since=months_start(data.as_of), until=data.as_of, group=by)
    if group is None or group.by is None:
        return {
            "mix": window["mix"],
            "monthly": [
                {k: v for k, v in month.items() if not k.startswith("by_")}
                for month in months["monthly"]
            ],
            "by_department": window["by_department"],
        }

    def mine(rows: list[dict[str, Any]]) -> dict[str, Any]:
        found = next((row for row in rows if row[by] == group.name), None)
        return {k: v for k, v in found.items() if k != by} if found else _EMPTY

    return {
        "mix": mine(window[f"by_{by}"]) | {"unclassified": None},
        "monthly": [
            {"month": month["month"], **mine(month[f"by_{by}"])} for month in months["monthly"]
        ],
        "by_department": [],
    }


#: a group without a question in a cell
_EMPTY: dict[str, Any] = {
    "people": 0,
    "questions": 0,
    "counts": {str(s): 0 for s in STAGES},
    "shares": {str(s): None for s in STAGES},
    "mean": None,
    "suppressed": False,
}
