"""Momentum math (docs/metrics.md, "Momentum"): burstiness, active-week shares, rates per 100
people, the share of signals that arrived before any program push, and quantiles.

Pure numpy on days since an origin (integers); the insights app reads the data and calls these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "PUSH_WINDOW_DAYS",
    "Quartiles",
    "active_weeks",
    "before_push",
    "burstiness",
    "per_100",
    "quartiles",
    "share",
]

#: a signal is "before any push" when its group saw no program action in the 28 days before it
PUSH_WINDOW_DAYS = 28


def burstiness(days: npt.ArrayLike) -> float:
    """Goh and Barabási's (2008) burstiness B = (σ − μ)/(σ + μ) of the gaps between the sorted,
    distinct event days: −1 a metronome, near 0 random (Poisson), towards 1 bursty.

    σ is the population standard deviation of the gaps. Fewer than three distinct days (under
    two gaps) give NaN: one gap has no spread to speak of.
    """
    distinct = np.unique(np.asarray(days, dtype=np.float64))
    if distinct.size < 3:
        return float("nan")
    gaps = np.diff(distinct)
    mu = float(gaps.mean())
    sigma = float(gaps.std())
    return (sigma - mu) / (sigma + mu)


def active_weeks(days: npt.ArrayLike, *, start: int, weeks: int) -> int:
    """How many of the `weeks` weeks [start + 7k, start + 7k + 7) hold at least one event day."""
    values = np.asarray(days, dtype=np.int64)
    inside = values[(values >= start) & (values < start + 7 * weeks)]
    return int(np.unique((inside - start) // 7).size)


def per_100(count: float, people: int) -> float | None:
    """`count` per 100 people; None when there is no one to divide by."""
    if people <= 0:
        return None
    return 100.0 * float(count) / people


def share(part: float, whole: float) -> float | None:
    """part / whole, None when the whole is zero."""
    return None if whole <= 0 else float(part) / float(whole)


def before_push(
    event_day: npt.ArrayLike,
    event_group: npt.ArrayLike,
    action_day: npt.ArrayLike,
    action_group: npt.ArrayLike,
    *,
    window: int = PUSH_WINDOW_DAYS,
) -> npt.NDArray[np.bool_]:
    """For each event, True when no program action touched its group in the `window` days
    before it: no action of the same group, nor an organisation-wide one (group −1), on a day
    in [day − window, day). Groups are integer codes; an event of group −1 (unknown) is touched
    by organisation-wide actions only."""
    days = np.asarray(event_day, dtype=np.int64)
    groups = np.asarray(event_group, dtype=np.int64)
    adays = np.asarray(action_day, dtype=np.int64)
    agroups = np.asarray(action_group, dtype=np.int64)
    free = np.ones(days.shape, dtype=bool)
    if days.size == 0 or adays.size == 0:
        return free
    for group in np.unique(groups):
        mine = groups == group
        relevant = np.sort(adays[(agroups == -1) | ((agroups == group) & (group != -1))])
        if relevant.size == 0:
            continue
        # actions with day in [d − window, d): count = #(< d) − #(< d − window)
        d = days[mine]
        inside = np.searchsorted(relevant, d, side="left") - np.searchsorted(
            relevant, d - window, side="left"
        )
        free[mine] = inside == 0
    return free


@dataclass(frozen=True)
class Quartiles:
    low: float
    median: float
    high: float


def quartiles(values: npt.ArrayLike) -> Quartiles | None:
    """The 25th, 50th and 75th percentiles of the finite values (linear interpolation), or None
    when there are none."""
    array = np.asarray(values, dtype=np.float64)
    array = array[np.isfinite(array)]
    if array.size == 0:
        return None
    low, median, high = np.percentile(array, [25, 50, 75])
    return Quartiles(float(low), float(median), float(high))
