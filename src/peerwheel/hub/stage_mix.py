"""The monthly mix of question stages: how far the organisation's questions have come
(docs/metrics.md, "Question stages"). Read by insights (the report's `question_stages`, the
dashboard) through `hub.selectors.question_stage_mix`.

Privacy: a mix is an aggregate over the people who asked. A cell (the whole window, a month, a
group in a month) with fewer askers than `PEERWHEEL_MIN_GROUP` is hidden, and the groups of one
partition (a month's departments) are hidden together by complementary suppression
(`engine.privacy.suppressed_groups`), so no hidden group comes back by subtraction. The
organisation's figures count anonymous questions; the per-group rows leave them out: every
named question shows its author's department on the hub, so a department's count would tell
where an anonymous asker works by subtracting the named ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone

from peerwheel.engine.privacy import suppressed_groups
from peerwheel.hub.models import Post, PostKind

STAGES = (1, 2, 3, 4)
GROUPS = {"department": "author__department__name", "site": "author__site__name"}
NO_GROUP = "(none)"


def _month(day: date) -> date:
    return day.replace(day=1)


def _months(since: date, until: date) -> list[date]:
    """The first days of the months that [since, until) touches."""
    months = []
    cursor = _month(since)
    while cursor < until:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def _mix(stages: list[int], askers: set[int]) -> dict[str, Any]:
    total = len(stages)
    counts = {str(stage): stages.count(stage) for stage in STAGES}
    return {
        "people": len(askers),
        "questions": total,
        "counts": counts,
        "shares": {k: round(v / total, 3) if total else None for k, v in counts.items()},
        "mean": round(sum(stages) / total, 2) if total else None,
        "suppressed": False,
    }


def _hidden(cell: dict[str, Any]) -> dict[str, Any]:
    return {**cell, "people": None, "questions": None, "counts": None, "shares": None,
            "mean": None, "suppressed": True}  # fmt: skip


def _partition(
    by: str, cells: dict[str, tuple[list[int], set[int]]], min_group: int
) -> list[dict[str, Any]]:
    """One row per group, hidden below the minimum group with complementary suppression."""
    names = sorted(cells)
    hide = suppressed_groups([len(cells[name][1]) for name in names], min_group=min_group)
    rows = []
    for name, hidden in zip(names, hide.tolist(), strict=True):
        row = {by: name, **_mix(*cells[name])}
        rows.append(_hidden(row) if hidden else row)
    return rows


def _whole(stages: list[int], askers: set[int], min_group: int) -> dict[str, Any]:
    cell = _mix(stages, askers)
    return _hidden(cell) if len(askers) < min_group and stages else cell


def _collect(
    rows: Iterable[tuple[Any, ...]], months: list[date]
) -> tuple[list[tuple[int, int, int, bool, str | None]], int]:
    """(stage, asker, month index, anonymous, group) per classified question; unclassified."""
    index = {month: i for i, month in enumerate(months)}
    kept = []
    unclassified = 0
    for stage, asker, created, anonymous, group in rows:
        if stage is None:
            unclassified += 1
            continue
        month = _month(timezone.localtime(created).date())
        kept.append((int(stage), int(asker), index[month], bool(anonymous), group))
    return kept, unclassified


def question_stage_mix(*, since: date, until: date, group: str | None = None) -> dict[str, Any]:
    """The stage mix of live questions asked from `since` (inclusive) to `until` (exclusive),
    local days: JSON-ready.

    `{"since", "until", "mix": {...}, "monthly": [{"month": "YYYY-MM", ...}]}`, each mix being
    `{people (askers), questions, counts {"1".."4"}, shares, mean, suppressed}` with
    `unclassified` (questions without a stage yet) beside the window's mix. With `group`
    ("department" or "site"), also `by_<group>` (the window's mix per group) and each month's
    `by_<group>`: a hidden row is `{<group>: name, "people": null, ..., "suppressed": true}`.
    """
    if group is not None and group not in GROUPS:
        raise ValueError(f"group must be one of {', '.join(GROUPS)} or None, not {group!r}")
    if until <= since:
        raise ValueError(f"until ({until}) must be after since ({since})")
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=zone)
    end = datetime.combine(until, time.min, tzinfo=zone)
    months = _months(since, until)
    rows = Post.objects.filter(
        kind=PostKind.QUESTION, deleted__isnull=True, created__gte=start, created__lt=end
    ).values_list("question_stage", "author_id", "created", "anonymous", GROUPS[group or "site"])
    kept, unclassified = _collect(rows.order_by(), months)
    min_group = settings.PEERWHEEL_MIN_GROUP

    every: tuple[list[int], set[int]] = ([], set())
    per_month: list[tuple[list[int], set[int]]] = [([], set()) for _ in months]
    per_group: dict[str, tuple[list[int], set[int]]] = defaultdict(lambda: ([], set()))
    per_month_group: list[dict[str, tuple[list[int], set[int]]]] = [
        defaultdict(lambda: ([], set())) for _ in months
    ]
    for stage, asker, index, anonymous, name in kept:
        for stages, askers in (every, per_month[index]):
            stages.append(stage)
            askers.add(asker)
        if group is not None and not anonymous:
            for cells in (per_group, per_month_group[index]):
                cells[name or NO_GROUP][0].append(stage)
                cells[name or NO_GROUP][1].add(asker)

    result: dict[str, Any] = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "mix": {**_whole(*every, min_group), "unclassified": unclassified},
        "monthly": [],
    }
    for month, (stages, askers), groups in zip(months, per_month, per_month_group, strict=True):
        row = {"month": month.strftime("%Y-%m"), **_whole(stages, askers, min_group)}
        if group is not None:
            row[f"by_{group}"] = _partition(group, groups, min_group)
        result["monthly"].append(row)
    if group is not None:
        result[f"by_{group}"] = _partition(group, per_group, min_group)
    return result
