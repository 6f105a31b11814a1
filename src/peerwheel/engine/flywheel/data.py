"""What the flywheel math reads: adoptions, ties and influence events as dense arrays.

Time is in integer days since an origin (a Monday, day 0); week w is days [7w, 7w + 7).
People are dense indices 0..n-1. Only data strictly before `as_of_day` is present.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EVENT_KINDS: tuple[str, ...] = (
    "tried",
    "answered",
    "attended",
    "adapted",
    "commented",
    "reacted",
    "mentioned",
)  # an event's kind code is its index here

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


class FlywheelDataError(ValueError):
    """The arrays handed to the flywheel math do not fit together; the message says which."""


def seeded_first_week(adoption_day: npt.ArrayLike) -> B:
    """Adopters in the first week of the data (the week of the earliest adoption)."""
    days = np.asarray(adoption_day, dtype=np.int64)
    adopted = days >= 0
    if not adopted.any():
        return np.zeros(days.shape, dtype=bool)
    first_week = int(days[adopted].min()) // 7
    return adopted & (days // 7 == first_week)


@dataclass(frozen=True)
class AdoptionData:
    """Adoptions, the undirected tie network (CSR, symmetric, no self-loops) and the events.

    `adoption_day` is -1 for people who had not adopted before `as_of_day`; `seeded` marks
    adopters never counted as brought in. Event codes index EVENT_KINDS.
    """

    n_people: int
    indptr: I64
    indices: I32
    weights: F64 | None
    department: I32
    adoption_day: I32
    seeded: B
    event_source: I32
    event_target: I32
    event_kind: I8
    event_day: I32
    as_of_day: int

    def __post_init__(self) -> None:
        n = self.n_people
        if self.indptr.shape != (n + 1,) or self.indptr[0] != 0:
            raise FlywheelDataError(f"indptr: expected {n + 1} offsets starting at 0")
        if int(self.indptr[-1]) != self.indices.shape[0]:
            raise FlywheelDataError("indices: length differs from indptr[-1]")
        if self.weights is not None and self.weights.shape != self.indices.shape:
            raise FlywheelDataError("weights: one per CSR entry expected")
        if self.indices.size and (self.indices.min() < 0 or self.indices.max() >= n):
            raise FlywheelDataError("indices: a tie names a person outside 0..n_people-1")
        for name in ("department", "adoption_day", "seeded"):
            if getattr(self, name).shape != (n,):
                raise FlywheelDataError(f"{name}: expected one value per person ({n})")
        m = self.event_source.shape
        for name in ("event_target", "event_kind", "event_day"):
            if getattr(self, name).shape != m:
                raise FlywheelDataError(f"{name}: expected one value per event ({m[0]})")
        if m[0] and (
            min(self.event_source.min(), self.event_target.min()) < 0
            or max(self.event_source.max(), self.event_target.max()) >= n
        ):
            raise FlywheelDataError("event_source/event_target: outside 0..n_people-1")
        if m[0] and (self.event_kind.min() < 0 or self.event_kind.max() >= len(EVENT_KINDS)):
            raise FlywheelDataError("event_kind: a code outside EVENT_KINDS")
        if (self.adoption_day >= self.as_of_day).any() or (self.event_day >= self.as_of_day).any():
            raise FlywheelDataError("adoption_day/event_day: data on or after as_of_day")
        if (self.seeded & (self.adoption_day < 0)).any():
            raise FlywheelDataError("seeded: a seeded person has no adoption")

    @property
    def adopted(self) -> B:
        return self.adoption_day >= 0

    @property
    def adoption_week(self) -> I32:
        """Week of adoption (-1 for none)."""
        days = self.adoption_day
        return np.where(days >= 0, days // 7, -1).astype(np.int32)

    @property
    def tie_weights(self) -> F64:
        """The weight of each CSR entry (1 where the network is unweighted)."""
        if self.weights is None:
            return np.ones(self.indices.shape[0], dtype=np.float64)
        return self.weights

    @property
    def degree(self) -> I64:
        return np.diff(self.indptr)

    def truncate(self, as_of_day: int) -> AdoptionData:
        """The same data as seen on an earlier day (adoptions and events before it only)."""
        if as_of_day > self.as_of_day:
            raise FlywheelDataError(
                f"as_of_day {as_of_day} is after the data's own as_of_day {self.as_of_day}"
            )
        adoption = np.where(self.adoption_day < as_of_day, self.adoption_day, -1).astype(np.int32)
        keep = self.event_day < as_of_day
        return AdoptionData(
            n_people=self.n_people,
            indptr=self.indptr,
            indices=self.indices,
            weights=self.weights,
            department=self.department,
            adoption_day=adoption,
            seeded=self.seeded & (adoption >= 0),
            event_source=self.event_source[keep],
            event_target=self.event_target[keep],
            event_kind=self.event_kind[keep],
            event_day=self.event_day[keep],
            as_of_day=int(as_of_day),
        )


def csr_from_edges(
    n_people: int, a: npt.ArrayLike, b: npt.ArrayLike, weight: npt.ArrayLike | None = None
) -> tuple[I64, I32, F64 | None]:
    """Symmetric CSR from undirected pairs: self-loops dropped, (a, b) and (b, a) one tie.

    A repeated tie keeps the largest weight.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    keep = a != b
    a, b = a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * n_people + hi
    if w is not None:
        w = w[keep]
        order = np.lexsort((-w, key))
        key, w = key[order], w[order]
        first = np.ones(key.shape[0], dtype=bool)
        first[1:] = key[1:] != key[:-1]
        key, w = key[first], w[first]
    else:
        key = np.unique(key)
    lo, hi = key // n_people, key % n_people
    rows = np.concatenate([lo, hi])
    cols = np.concatenate([hi, lo])
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    indptr = np.zeros(n_people + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_people), out=indptr[1:])
    weights = None if w is None else np.concatenate([w, w])[order]
    return indptr, cols.astype(np.int32), weights


def no_events() -> tuple[I32, I32, I8, I32]:
    """Empty event arrays (source, target, kind, day)."""
    empty = np.zeros(0, dtype=np.int32)
    return empty, empty.copy(), np.zeros(0, dtype=np.int8), empty.copy()
