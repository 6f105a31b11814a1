"""Usage segments, the adoption ladder and the agent-user flag, vectorised over everyone at once.

Definitions (docs/metrics.md, DESIGN.md "Metric definitions"), compatible with Microsoft's
`vivainsights.identify_usage_segments`:

- x = a person's AI actions in a week, summed over tools.
- Over the person's last `window` weekly rows (fewer at the start), habit = at least
  `habit_weeks` of them with x >= 1, and mean = the mean of x over those rows.
- Power user: habit and mean >= 15. Habitual: habit. Novice: mean >= 1. Low: mean > 0.
  Non-user: mean = 0.
- The 12-week rule uses 9 of 12; the 4-week rule uses 4 of 4 (Viva's `version="4w"`:
  threshold 1, width 4, max_window 4, power threshold 15).

Missing weeks: Viva's function works on the rows present, so a gap is simply skipped and the
window reaches further back. That is the default here too (`MissingWeeks.SKIP`), and what the
benchmark checks label for label. Sources that only list active weeks (a generic CSV with no zero
rows) should use `MissingWeeks.ZERO`, which inserts a zero row for every absent week from the
person's first week to `until` (default: the last week in the data), so a person who stops
using AI drifts down to Non-user instead of keeping their old segment.

Actions are counts. Sums, habit counts and comparisons are done on exact integers (mean >= 15 is
tested as sum >= 15 * n), so no rounding can move a person across a boundary.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "FOUR_WEEKS",
    "RUNG_DTYPE",
    "SEGMENT_DTYPE",
    "TWELVE_WEEKS",
    "AdoptionRung",
    "MissingWeeks",
    "SegmentInputError",
    "SegmentRule",
    "UsageSegment",
    "adoption_ladder",
    "agent_user_flags",
    "segment_codes",
    "usage_segments",
    "weekly_totals",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class UsageSegment(enum.Enum):
    """A person-week's usage segment, from least to most use."""

    NON_USER = "non_user"
    LOW = "low"
    NOVICE = "novice"
    HABITUAL = "habitual"
    POWER = "power"

    @property
    def label(self) -> str:
        """The label Viva Insights uses for this segment."""
        return _VIVA_LABELS[self]

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER: tuple[UsageSegment, ...] = tuple(UsageSegment)
_VIVA_LABELS = {
    UsageSegment.NON_USER: "Non-user",
    UsageSegment.LOW: "Low User",
    UsageSegment.NOVICE: "Novice User",
    UsageSegment.HABITUAL: "Habitual User",
    UsageSegment.POWER: "Power User",
}


class AdoptionRung(enum.Enum):
    """The model's adoption states (DESIGN.md "The model"): none → explorer → regular → heavy."""

    NONE = "none"
    EXPLORER = "explorer"
    REGULAR = "regular"
    HEAVY = "heavy"

    @classmethod
    def for_segment(cls, segment: UsageSegment) -> AdoptionRung:
        return _RUNG_FOR_SEGMENT[segment]


_RUNG_FOR_SEGMENT = {
    UsageSegment.NON_USER: AdoptionRung.NONE,
    UsageSegment.LOW: AdoptionRung.EXPLORER,
    UsageSegment.NOVICE: AdoptionRung.EXPLORER,
    UsageSegment.HABITUAL: AdoptionRung.REGULAR,
    UsageSegment.POWER: AdoptionRung.HEAVY,
}


_RUNG_CODES = np.array(
    [list(AdoptionRung).index(_RUNG_FOR_SEGMENT[segment]) for segment in _ORDER], dtype=np.int64
)


SEGMENT_DTYPE = pd.CategoricalDtype(list(_ORDER), ordered=True)
RUNG_DTYPE = pd.CategoricalDtype(list(AdoptionRung), ordered=True)


class MissingWeeks(enum.Enum):
    """What a week with no row means for a person."""

    SKIP = "skip"  # Viva: only rows present count; the window reaches further back.
    ZERO = "zero"  # An absent week is a week with zero actions.


@dataclass(frozen=True)
class SegmentRule:
    """The window, the habit requirement and the power-user threshold."""

    window: int
    habit_weeks: int
    active_threshold: int = 1
    power_mean: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.habit_weeks <= self.window:
            raise ValueError("habit_weeks must be between 1 and window")


TWELVE_WEEKS = SegmentRule(window=12, habit_weeks=9)
FOUR_WEEKS = SegmentRule(window=4, habit_weeks=4)


_EMPTY_TOTALS = pd.DataFrame(
    {
        "person": pd.Series([], dtype=object),
        "week": pd.Series([], dtype="datetime64[ns]"),
        "actions": pd.Series([], dtype=np.int64),
        "agent_actions": pd.Series([], dtype=np.int64),
    }
)


class SegmentInputError(ValueError):
    """The usage table handed to the segment functions is not usable."""


def _as_days(weeks: pd.Series | npt.ArrayLike) -> IntArray:
    values = pd.to_datetime(pd.Series(weeks), errors="coerce")
    if values.isna().any():
        bad = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise SegmentInputError(f"row {bad}: week is missing or not a date")
    return values.to_numpy().astype("datetime64[D]").astype(np.int64)


def _as_counts(values: pd.Series | npt.ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if np.isnan(array).any():
            raise SegmentInputError(f"{name} has missing values; use 0 for no activity")
        if not np.array_equal(array, np.floor(array)):
            raise SegmentInputError(f"{name} must be whole numbers of actions")
    elif array.dtype.kind not in "iub":
        raise SegmentInputError(f"{name} must be numeric, got {array.dtype}")
    counts = array.astype(np.int64)
    if (counts < 0).any():
        raise SegmentInputError(f"{name} cannot be negative")
    return counts


def weekly_totals(
    person: npt.ArrayLike,
    week: npt.ArrayLike,
    actions: npt.ArrayLike,
    agent_actions: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Sum actions over tools: one row per (person, week), sorted by person then week.

    Returns columns `person`, `week` (datetime64), `actions`, `agent_actions` (int64).
    """
    return _weekly_totals(person, week, actions, agent_actions)[0]


def _weekly_totals(
    person: npt.ArrayLike,
    week: npt.ArrayLike,
    actions: npt.ArrayLike,
    agent_actions: npt.ArrayLike | None,
) -> tuple[pd.DataFrame, IntArray]:
    """`weekly_totals` and each row's person number (0, 1, ... in the output's order)."""
    person_codes, person_values = pd.factorize(pd.Series(person), sort=True)
    if (person_codes < 0).any():
        raise SegmentInputError("person is missing on some rows")
    days = _as_days(week)
    counts = _as_counts(actions, "actions")
    agents = np.zeros_like(counts) if agent_actions is None else _as_counts(agent_actions, "agents")
    if not len(counts) == len(days) == len(person_codes) == len(agents):
        raise SegmentInputError("person, week and actions must have the same length")
    if len(counts) == 0:
        return _EMPTY_TOTALS.copy(), np.zeros(0, dtype=np.int64)
    day0 = days.min()
    span = int(days.max() - day0) + 1
    key = person_codes.astype(np.int64) * span + (days - day0)
    if len(key) < 2 or bool((key[1:] > key[:-1]).all()):
        # Already one row per person-week, in order (a sorted export): nothing to sum.
        unique, summed, summed_agents = key, counts, agents
    else:
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        summed = np.add.reduceat(counts[order], starts)
        summed_agents = np.add.reduceat(agents[order], starts)
        unique = key[starts]
    group = unique // span
    frame = pd.DataFrame(
        {
            "person": person_values.take(group),
            "week": (unique % span + day0).astype("datetime64[D]").astype("datetime64[ns]"),
            "actions": summed,
            "agent_actions": summed_agents,
        }
    )
    return frame, group


def _group_starts(group: IntArray) -> IntArray:
    """For rows sorted by group: the index of the first row of each row's group."""
    n = len(group)
    is_start = np.ones(n, dtype=bool)
    is_start[1:] = group[1:] != group[:-1]
    start_idx = np.flatnonzero(is_start)
    return np.repeat(start_idx, np.diff(np.r_[start_idx, n]))


def segment_codes(
    group: IntArray, x: IntArray, rule: SegmentRule = TWELVE_WEEKS
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """The segment rank (0 = Non-user … 4 = Power) of each row, for rows sorted by group and week.

    Returns (rank, window_sum, window_rows, active_rows). Works on the rows present: the caller
    decides what missing weeks mean. Everything is exact integer arithmetic on running sums: a
    handful of passes over the rows, with no Python loop over people.
    """
    n = len(x)
    row = np.arange(n, dtype=np.int64)
    first = np.maximum(row - (rule.window - 1), _group_starts(group))  # window's first row
    active = (x >= rule.active_threshold).astype(np.int64)
    # Exact integer running sums: a window's sum is a difference of two of them.
    running = np.concatenate(([0], np.cumsum(x, dtype=np.int64)))
    running_active = np.concatenate(([0], np.cumsum(active)))
    window_sum = running[row + 1] - running[first]
    active_rows = running_active[row + 1] - running_active[first]
    window_rows = row - first + 1
    habit = active_rows >= rule.habit_weeks
    rank = np.select(
        [
            habit & (window_sum >= rule.power_mean * window_rows),
            habit,
            window_sum >= window_rows,
            window_sum > 0,
        ],
        [4, 3, 2, 1],
        default=0,
    ).astype(np.int64)
    return rank, window_sum, window_rows, active_rows


def _fill_missing_weeks(totals: pd.DataFrame, until: int | None) -> pd.DataFrame:
    """Insert zero rows for absent weeks, from each person's first week to `until`."""
    if totals.empty:
        return totals
    days = totals["week"].to_numpy().astype("datetime64[D]").astype(np.int64)
    if ((days + 3) % 7 != 0).any():  # 1970-01-05 was a Monday: day number ≡ 4 (mod 7).
        raise SegmentInputError(
            "MissingWeeks.ZERO needs weeks as the Monday of each ISO week; "
            "normalise dates with the usage parsers first"
        )
    codes, persons = pd.factorize(totals["person"], sort=False)
    first = np.full(len(persons), np.iinfo(np.int64).max)
    np.minimum.at(first, codes, days)
    end = int(days.max()) if until is None else until
    end = end - ((end + 3) % 7)  # back to its Monday
    n_weeks = np.maximum((end - first) // 7 + 1, 0)
    last_row = np.maximum.reduceat(days, np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]))
    n_weeks = np.maximum(n_weeks, (last_row - first) // 7 + 1)
    grid_person = np.repeat(np.arange(len(persons)), n_weeks)
    offsets = np.arange(int(n_weeks.sum())) - np.repeat(np.cumsum(n_weeks) - n_weeks, n_weeks)
    grid_days = first[grid_person] + 7 * offsets
    grid_start = np.cumsum(n_weeks) - n_weeks
    slot = grid_start[codes] + (days - first[codes]) // 7
    actions = np.zeros(len(grid_days), dtype=np.int64)
    agents = np.zeros(len(grid_days), dtype=np.int64)
    actions[slot] = totals["actions"].to_numpy()
    agents[slot] = totals["agent_actions"].to_numpy()
    return pd.DataFrame(
        {
            "person": persons.take(grid_person),
            "week": grid_days.astype("datetime64[D]").astype("datetime64[ns]"),
            "actions": actions,
            "agent_actions": agents,
        }
    )


def agent_user_flags(group: IntArray, days: IntArray, agent_actions: IntArray) -> BoolArray:
    """Agent user: any agent action in this week or the three before it (28 calendar days).

    Rows sorted by group then day, one row per group-week. Calendar-based, so a gap never
    stretches the window.
    """
    has = agent_actions > 0
    flag = has.copy()
    for lag in range(1, 4):
        same = (group[lag:] == group[:-lag]) & (days[lag:] - days[:-lag] <= 21)
        flag[lag:] |= same & has[:-lag]
    return flag


def usage_segments(
    usage: pd.DataFrame,
    *,
    rule: SegmentRule = TWELVE_WEEKS,
    missing_weeks: MissingWeeks = MissingWeeks.SKIP,
    until: date | str | None = None,
    person: str = "person",
    week: str = "week",
    actions: str = "actions",
    agent_actions: str | None = "agent_actions",
) -> pd.DataFrame:
    """Segment every person-week of a usage table.

    `usage` has one row per person, week and tool (several tools per week are summed). The
    result has one row per person-week, sorted by person then week, with columns `person`,
    `week`, `actions` (x), `mean` (rolling mean of x), `active_weeks` (rows with x >= 1 in the
    window), `segment` (an ordered categorical of `UsageSegment` members), `rung`
    (`AdoptionRung`) and `agent_user` (bool).
    """
    for column in (person, week, actions):
        if column not in usage.columns:
            raise SegmentInputError(f"usage table has no {column!r} column")
    agents = usage[agent_actions] if agent_actions and agent_actions in usage.columns else None
    totals, group = _weekly_totals(usage[person], usage[week], usage[actions], agents)
    if missing_weeks is MissingWeeks.ZERO:
        end = None if until is None else int(_as_days(pd.Series([pd.Timestamp(until)]))[0])
        totals = _fill_missing_weeks(totals, end)
        group = pd.factorize(totals["person"], sort=False)[0].astype(np.int64)
    x = totals["actions"].to_numpy(dtype=np.int64)
    rank, window_sum, window_rows, active_rows = segment_codes(group, x, rule)
    days = totals["week"].to_numpy().astype("datetime64[D]").astype(np.int64)
    agent = agent_user_flags(group, days, totals["agent_actions"].to_numpy(dtype=np.int64))
    rung_codes = _RUNG_CODES[rank]
    return pd.DataFrame(
        {
            "person": totals["person"].to_numpy(),
            "week": totals["week"].to_numpy(),
            "actions": x,
            "mean": window_sum / np.maximum(window_rows, 1),
            "active_weeks": active_rows,
            "segment": pd.Categorical.from_codes(rank, dtype=SEGMENT_DTYPE),
            "rung": pd.Categorical.from_codes(rung_codes, dtype=RUNG_DTYPE),
            "agent_user": agent,
        }
    )


def adoption_ladder(segments: pd.DataFrame) -> pd.DataFrame:
    """People per week on each rung of the ladder, and how many are agent users.

    Input: the frame `usage_segments` returns. Output: one row per week, a column per
    `AdoptionRung` value (counts, zero-filled), `agent_users`, `people`, and `at_least_<rung>`
    cumulative counts (people on that rung or above), the shape a ladder chart draws.
    """
    counts = (
        pd.crosstab(segments["week"], segments["rung"], dropna=False)
        .reindex(columns=list(AdoptionRung), fill_value=0)
        .astype(np.int64)
    )
    counts.columns = [rung.value for rung in AdoptionRung]
    ladder = counts.copy()
    above = counts[[r.value for r in reversed(AdoptionRung)]].cumsum(axis=1)
    for rung in AdoptionRung:
        ladder[f"at_least_{rung.value}"] = above[rung.value]
    ladder["agent_users"] = segments.groupby("week")["agent_user"].sum().astype(np.int64)
    ladder["people"] = counts.sum(axis=1)
    ladder.index.name = "week"
    return ladder.reset_index()
