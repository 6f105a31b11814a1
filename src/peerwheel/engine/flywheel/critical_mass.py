"""Critical mass: the adopted share of the organisation and of each group against a band.

Diffusion tends to become self-sustaining once 10–25% of a population has adopted (Rogers'
innovators and early adopters; Centola et al., 2018, found tipping points near 25%). The band is
a reference, not a law: the numbers here only say where the organisation stands against it and
the week each one crossed the band's lower edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peerwheel.engine.flywheel.data import AdoptionData


@dataclass(frozen=True)
class GroupMass:
    """One group's standing. `crossed_week`: the first week (index, day // 7) by whose end the
    group's adopted share reached the band's lower edge, or None."""

    group: int
    people: int
    adopters: int
    share: float
    crossed_week: int | None


@dataclass(frozen=True)
class CriticalMass:
    """The organisation's adopted share against the band, and each group's.

    Attributes:
        adopters: adopters before the as-of day.
        headcount: the denominator (HR's headcount, or the people in the data).
        share: adopters / headcount.
        band: the (lower, upper) critical-mass band, as shares.
        crossed_week: first week by whose end the share reached band[0], or None.
        upper_week: the same for band[1].
        groups: per group label (unknown, -1, left out), in label order.
    """

    adopters: int
    headcount: int
    share: float
    band: tuple[float, float]
    crossed_week: int | None
    upper_week: int | None
    groups: tuple[GroupMass, ...]

    @property
    def position(self) -> str:
        """'below', 'inside' or 'above' the band."""
        if self.share < self.band[0]:
            return "below"
        return "inside" if self.share < self.band[1] else "above"


def _crossing(weeks: npt.NDArray[np.int64], need: float) -> int | None:
    """The week by whose end the count of adoption weeks `weeks` reaches `need` (> 0)."""
    count = int(np.ceil(need - 1e-9))
    if count < 1:
        count = 1
    if weeks.size < count:
        return None
    return int(np.sort(weeks)[count - 1])


def critical_mass(
    data: AdoptionData,
    *,
    band: tuple[float, float] = (0.10, 0.25),
    headcount: int | None = None,
    department: npt.ArrayLike | None = None,
) -> CriticalMass:
    """Where the organisation and each group (default: data.department) stand against the band.

    `headcount` defaults to the people in the data; a group's denominator is its people in the
    data. Shares use adoptions before data.as_of_day only.
    """
    lower, upper = band
    if not 0.0 < lower <= upper <= 1.0:
        raise ValueError(f"band must satisfy 0 < lower <= upper <= 1, got {band}")
    n = data.n_people
    heads = n if headcount is None else int(headcount)
    adopted = data.adoption_day >= 0
    adopters = int(adopted.sum())
    if heads < max(adopters, 1):
        raise ValueError(f"headcount {heads} is less than the {adopters} adopters (or zero)")
    groups = data.department if department is None else np.asarray(department)
    if groups.shape != (n,):
        raise ValueError(f"department: expected one label per person ({n}), got {groups.shape}")
    groups = groups.astype(np.int64)
    weeks = (data.adoption_day[adopted] // 7).astype(np.int64)
    per_group = []
    for g in np.unique(groups[groups >= 0]):
        members = groups == g
        took = members & adopted
        size = int(members.sum())
        per_group.append(
            GroupMass(
                group=int(g),
                people=size,
                adopters=int(took.sum()),
                share=float(took.sum()) / size,
                crossed_week=_crossing(
                    (data.adoption_day[took] // 7).astype(np.int64), lower * size
                ),
            )
        )
    return CriticalMass(
        adopters=adopters,
        headcount=heads,
        share=adopters / heads,
        band=(float(lower), float(upper)),
        crossed_week=_crossing(weeks, lower * heads),
        upper_week=_crossing(weeks, upper * heads),
        groups=tuple(per_group),
    )
