"""The home page's department × site headcount, with small cells hidden.

Everyone signed in sees this table, and the page also shows the total number of people, so each
row (a department's people across sites), each column (a site's people across departments) and
the whole table are partitions of a total someone may know. In each of them the rule of
`peerwheel.engine.privacy.suppressed_groups` holds: a cell under the minimum group is hidden,
and whenever anything is hidden, at least two cells are, holding at least the minimum group
between them, so subtracting the shown cells from any total recovers only a group that is
itself large enough. Hiding a cell for one partition can leave another with one hidden cell, so
the three are applied in turn until nothing changes (cells are only ever added, so it ends).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peerwheel.engine.privacy import suppressed_groups


@dataclass(frozen=True)
class Headcount:
    """Shown cells only; `hidden` counts the cells (not the people) left out."""

    cells: list[tuple[str, str, int]]
    hidden: int


def _complete(
    sizes: npt.NDArray[np.int64], hide: npt.NDArray[np.bool_], *, min_group: int
) -> npt.NDArray[np.bool_]:
    """`hide` plus what one partition needs: its small groups and their complements."""
    present = sizes > 0
    hide = (hide & present) | suppressed_groups(sizes, min_group=min_group)
    shown_smallest_first = [int(i) for i in np.argsort(sizes, kind="stable") if present[i]]
    for extra in shown_smallest_first:
        if not hide.any() or (hide.sum() >= 2 and sizes[hide].sum() >= min_group):
            break
        hide[extra] = True
    return hide


def suppressed_headcount(rows: list[tuple[str, str, int]], *, min_group: int) -> Headcount:
    """The (department, site, people) cells that may be shown, given every non-empty cell."""
    departments = sorted({d for d, _, _ in rows})
    sites = sorted({s for _, s, _ in rows})
    table = np.zeros((len(departments), len(sites)), dtype=np.int64)
    for department, site, people in rows:
        table[departments.index(department), sites.index(site)] = people
    hide = np.zeros(table.shape, dtype=bool)
    while True:
        before = hide.copy()
        for i in range(table.shape[0]):
            hide[i, :] = _complete(table[i, :], hide[i, :], min_group=min_group)
        for j in range(table.shape[1]):
            hide[:, j] = _complete(table[:, j], hide[:, j], min_group=min_group)
        hide = _complete(table.ravel(), hide.ravel(), min_group=min_group).reshape(table.shape)
        if (hide == before).all():
            break
    cells = [
        (department, site, int(table[i, j]))
        for i, department in enumerate(departments)
        for j, site in enumerate(sites)
        if table[i, j] > 0 and not hide[i, j]
    ]
    return Headcount(cells=cells, hidden=int((hide & (table > 0)).sum()))
