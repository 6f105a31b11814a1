"""Invisible successes, the nudges' follow-up and leader consistency (docs/metrics.md,
"Momentum").

A *visible AI action* is a post under one's own name, an answer, an "I tried this" or a demo
presented. An anonymous post is nobody's visible action: nobody sees who wrote it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from django.conf import settings

from peerwheel.engine.momentum import active_weeks, burstiness, quartiles
from peerwheel.engine.privacy import suppressed_groups
from peerwheel.hub.activity import HubActivity
from peerwheel.insights.momentum.data import (
    NUDGE_WINDOW,
    WEEKS,
    MomentumData,
    midnight,
)
from peerwheel.insights.momentum.groups import group_rows, partition

#: leaders' active weeks, binned for the organisation's distribution
WEEK_BINS = ((0, 0), (1, 3), (4, 6), (7, 9), (10, 12))


def visible_actions(hub: HubActivity) -> dict[int, list[datetime]]:
    """Person → the times of their visible AI actions in the hub rows."""
    out: dict[int, list[datetime]] = defaultdict(list)
    for author, _kind, anonymous, at, _stage in hub.posts:
        if not anonymous:
            out[author].append(at)
    for author, _kind, _own, at in hub.answers:
        out[author].append(at)
    for person, at in [*hub.trials, *hub.demos]:
        out[person].append(at)
    return out


def shares(data: MomentumData) -> dict[int, list[datetime]]:
    """Person → the times they *shared* (a post under their name that is not a question, an
    answer, a demo): what a nudge asks for (a trial or a question is not sharing)."""
    hub = data.hub
    out: dict[int, list[datetime]] = defaultdict(list)
    for author, kind, anonymous, at, _stage in hub.posts:
        if not anonymous and kind != "question":
            out[author].append(at)
    for author, _kind, _own, at in hub.answers:
        out[author].append(at)
    for person, at in hub.demos:
        out[person].append(at)
    return out


def invisible_success_ids(data: MomentumData, members: set[int] | None = None) -> list[int]:
    """People (among `members`) who are Power or Habitual users now (4-week rule) and took no
    visible AI action in the last 12 weeks (from the Monday 12 weeks before the as-of week to
    the as-of date), ascending."""
    start = midnight(data.since)
    seen = {p for p, times in visible_actions(data.hub).items() if any(t >= start for t in times)}
    pool = data.people.keys() if members is None else members & data.people.keys()
    return sorted(p for p in pool if p in data.heavy and p not in seen)


def nudge_follow_up(data: MomentumData, members: set[int]) -> tuple[int, int]:
    """(people nudged in the measured weeks and the as-of week so far, of them those who shared
    within 4 weeks of their first such nudge, before the as-of date)."""
    start = midnight(data.since)
    first: dict[int, datetime] = {}
    for person, created in sorted(data.nudges, key=lambda row: row[1]):
        if person in members and created >= start:
            first.setdefault(person, created)
    shared_times = shares(data)
    answered = sum(
        1
        for person, created in first.items()
        if any(created <= t < created + NUDGE_WINDOW for t in shared_times.get(person, ()))
    )
    return len(first), answered


def invisible_successes(data: MomentumData, members: set[int]) -> dict[str, Any]:
    """`{count, by_group: [{department, people, count, suppressed}], nudged,
    shared_after_nudge}`; departments hidden by headcount (complementary suppression)."""
    ids = invisible_success_ids(data, members)
    nudged, shared = nudge_follow_up(data, members)
    groups = {
        name: people & members
        for name, people in partition(data.people, "department").items()
        if people & members
    }
    found = set(ids)
    return {
        "count": len(ids),
        "by_group": group_rows(
            "department",
            {name: len(people) for name, people in groups.items()},
            {name: {"count": len(people & found)} for name, people in groups.items()},
        ),
        "nudged": nudged,
        "shared_after_nudge": shared,
    }


def _leader_days(data: MomentumData, person: int, actions: dict[int, list[datetime]]) -> list[int]:
    return days_in_weeks(actions.get(person, ()), since=data.since, until=data.week)


def days_in_weeks(times: Iterable[datetime], *, since: date, until: date) -> list[int]:
    """The days (since `since`) of the times that fall in [since, until)."""
    days = (at.astimezone(UTC).date() for at in times)
    return [(day - since).days for day in days if since <= day < until]


def consistency(days: list[int]) -> dict[str, Any]:
    """Active weeks of the WEEKS measured (days since their first Monday), their share, the
    number of actions and burstiness (None under two gaps)."""
    weeks = active_weeks(days, start=0, weeks=WEEKS)
    b = burstiness(days)
    return {
        "active_weeks": weeks,
        "weeks": WEEKS,
        "share": round(weeks / WEEKS, 3),
        "actions": len(days),
        "burstiness": None if np.isnan(b) else round(b, 3),
    }


def leader_own(data: MomentumData, person: int) -> dict[str, Any]:
    """One leader's own consistency: active weeks of the last 12, their share, burstiness."""
    return consistency(_leader_days(data, person, visible_actions(data.hub)))


def leader_consistency(data: MomentumData, members: set[int]) -> dict[str, Any]:
    """The organisation's distribution (never a ranking): leaders, quartiles of the active
    share and of burstiness, leaders per band of active weeks and steady / bursty / too few
    actions, bands hidden as small groups; everything hidden under the minimum group."""
    min_group = settings.PEERWHEEL_MIN_GROUP
    leaders = sorted(p for p in members if p in data.people and data.people[p].is_leader)
    if len(leaders) < min_group:
        return {"leaders": None, "suppressed": True}
    actions = visible_actions(data.hub)
    weeks, bs = [], []
    for person in leaders:
        days = _leader_days(data, person, actions)
        weeks.append(active_weeks(days, start=0, weeks=WEEKS))
        bs.append(burstiness(days))
    weeks_a = np.array(weeks)
    b_a = np.array(bs)
    bins = np.array([((weeks_a >= lo) & (weeks_a <= hi)).sum() for lo, hi in WEEK_BINS])
    hide = suppressed_groups(bins, min_group=min_group)
    kinds = np.array(
        [
            (b_a < 0).sum(),
            (b_a >= 0).sum(),  # NaN compares False in both
            np.isnan(b_a).sum(),
        ]
    )
    hide_kinds = suppressed_groups(kinds, min_group=min_group)
    share_q = quartiles(weeks_a / WEEKS)
    # quartiles of fewer values than the minimum group would show single leaders' rhythm
    b_q = quartiles(b_a) if np.isfinite(b_a).sum() >= min_group else None
    return {
        "leaders": len(leaders),
        "weeks": WEEKS,
        "active_share": _q(share_q),
        "burstiness": _q(b_q),
        "active_weeks": [
            {"weeks": f"{lo}" if lo == hi else f"{lo}–{hi}", "leaders": None if h else int(n)}
            for (lo, hi), n, h in zip(WEEK_BINS, bins.tolist(), hide.tolist(), strict=True)
        ],
        "rhythm": {
            name: None if h else int(n)
            for name, n, h in zip(
                ("steady", "bursty", "too_few_actions"),
                kinds.tolist(),
                hide_kinds.tolist(),
                strict=True,
            )
        },
        "suppressed": False,
    }


def _q(q: Any) -> dict[str, float] | None:
    if q is None:
        return None
    return {"p25": round(q.low, 3), "median": round(q.median, 3), "p75": round(q.high, 3)}
