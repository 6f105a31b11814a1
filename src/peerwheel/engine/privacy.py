"""Small-group suppression for aggregates, including complementary suppression.

A group (a department, a site) smaller than `min_group` people is never shown. That alone is not
enough when a total is shown too: with one small group hidden, total − Σ shown groups gives it
back exactly. So groups are hidden together: whenever anything in a partition is hidden, at least
two groups are, holding at least `min_group` people between them, so subtracting the shown
groups from the total recovers only an aggregate that is itself large enough. The extra groups
are the smallest shown ones (the least information lost). When the total itself is under
`min_group`, everything is hidden.

Scope: one partition of one total at a time (each week of each breakdown). Differencing across
two breakdowns of the same people (department and site) would need a joint table to check;
Peerwheel shows each breakdown of whole groups only, never their cross-tabulation.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["suppress_counts", "suppressed_groups"]


def suppressed_groups(sizes: npt.ArrayLike, *, min_group: int) -> npt.NDArray[np.bool_]:
    """Which groups of one partition to hide (True), given each group's number of people.

    Empty groups are never marked (there is nothing to hide in them, and hiding one hides no
    one). The result satisfies: no shown group has fewer than `min_group` people, and the hidden
    groups are either none, or at least two holding at least `min_group` people in all.
    """
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    people = np.asarray(sizes, dtype=np.int64)
    if (people < 0).any():
        raise ValueError("group sizes cannot be negative")
    present = people > 0
    if people.sum() < min_group:
        return present.copy()
    hide = present & (people < min_group)
    # Shown groups, smallest first: the complementary candidates.
    order = np.argsort(np.where(hide | ~present, np.iinfo(np.int64).max, people), kind="stable")
    candidates = iter(order[: int((present & ~hide).sum())])
    while hide.any() and (hide.sum() < 2 or people[hide].sum() < min_group):
        extra = next(candidates, None)
        if extra is None:  # every group is hidden already
            break
        hide[extra] = True
    return hide


def suppress_counts(
    counts: pd.DataFrame,
    *,
    period: str,
    group: str,
    categories: Sequence[str],
    min_group: int,
) -> pd.DataFrame:
    """Hide the groups `suppressed_groups` marks, period by period, and add shares.

    `counts`: one row per (period, group) with a count per category (people in it). Returns the
    rows with `people` (the group's size), `suppressed` (bool), and `share_<category>` columns;
    a suppressed row has its counts, size and shares set to missing (NaN), so nothing of it can
    leave the server. Rows are sorted by period, then group.
    """
    columns = list(categories)
    frame = counts.sort_values([period, group]).reset_index(drop=True)
    people = frame[columns].sum(axis=1).to_numpy(dtype=np.int64)
    hide = np.zeros(len(frame), dtype=bool)
    periods = frame[period].to_numpy()
    starts: list[int] = (
        np.flatnonzero(np.r_[True, periods[1:] != periods[:-1]]).tolist() if len(frame) else []
    )
    for start, end in itertools.pairwise([*starts, len(frame)]):
        hide[start:end] = suppressed_groups(people[start:end], min_group=min_group)
    out = frame[[period, group]].copy()
    values = frame[columns].to_numpy(dtype=np.float64, copy=True)
    values[hide] = np.nan
    sizes = people.astype(np.float64)
    sizes[hide] = np.nan
    out[columns] = values
    out["people"] = sizes
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = values / np.where(sizes > 0, sizes, np.nan)[:, None]
    for index, category in enumerate(columns):
        out[f"share_{category}"] = shares[:, index]
    out["suppressed"] = hide
    return out
