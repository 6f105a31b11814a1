"""Weekly usage stored as series: every week of one subject (a person or an unmatched id) with
one tool, packed into bytes; and the merge that decides which week wins when imports overlap.

A usage record (DESIGN.md: person, week, tool, actions, active days, agent actions, source
import) is one `ENTRY_DTYPE` entry of a series. An organisation has people x tools series and
people x weeks x tools records, so storing a series per row writes a few thousand rows where a
record per row writes a million (bench/README.md). Everything here works on whole arrays: the
entries of many series side by side, with an integer `keys` array saying whose each entry is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: One weekly record: the week as days since 1970-01-01 (a Monday), counts, active days (-1 when
#: the source gave none) and the id of the import that wrote it (0: none). Little-endian and
#: packed, so the bytes are the same on every machine.
ENTRY_DTYPE = np.dtype(
    [
        ("week", "<i4"),
        ("actions", "<i4"),
        ("agent_actions", "<i4"),
        ("active_days", "i1"),
        ("source", "<i4"),
    ]
)
NO_ACTIVE_DAYS = -1
_VALUES = ("actions", "agent_actions", "active_days")

Keys = npt.NDArray[np.int64]
Entries = npt.NDArray[np.void]


def entries_from_columns(
    *,
    week_days: npt.ArrayLike,
    actions: npt.ArrayLike,
    agent_actions: npt.ArrayLike,
    active_days: npt.ArrayLike,
    source: npt.ArrayLike,
) -> Entries:
    """Entries from aligned columns (`active_days` < 0 or NaN: none given)."""
    week = np.asarray(week_days, dtype=np.int64)
    entries = np.empty(len(week), dtype=ENTRY_DTYPE)
    entries["week"] = week
    entries["actions"] = np.asarray(actions, dtype=np.int64)
    entries["agent_actions"] = np.asarray(agent_actions, dtype=np.int64)
    days = np.asarray(active_days, dtype=np.float64)
    entries["active_days"] = np.where(np.isnan(days), NO_ACTIVE_DAYS, days).astype(np.int8)
    entries["source"] = np.broadcast_to(np.asarray(source, dtype=np.int64), week.shape)
    return entries


@dataclass(frozen=True)
class Packed:
    """One blob per key, with the first and last week (days since 1970) and the entry count."""

    keys: Keys
    blobs: list[bytes]
    first_week: npt.NDArray[np.int64]
    last_week: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]


def pack(keys: Keys, entries: Entries) -> Packed:
    """Pack entries sorted by key, then week, into one blob per key."""
    if len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Packed(empty, [], empty, empty, empty)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    contiguous = np.ascontiguousarray(entries)
    blobs = [contiguous[s:e].tobytes() for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    weeks = contiguous["week"].astype(np.int64)
    return Packed(keys[starts], blobs, weeks[starts], weeks[ends - 1], ends - starts)


def unpack(blobs: Sequence[bytes | memoryview]) -> tuple[Entries, npt.NDArray[np.int64]]:
    """Every blob's entries, one after the other, and how many each blob held."""
    lengths = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
    if lengths.sum() % ENTRY_DTYPE.itemsize or (lengths % ENTRY_DTYPE.itemsize).any():
        raise ValueError("a usage series is not a whole number of entries: the data is damaged")
    entries = np.frombuffer(b"".join(blobs), dtype=ENTRY_DTYPE)
    return entries, lengths // ENTRY_DTYPE.itemsize


@dataclass(frozen=True)
class Merged:
    """The series after a merge: entries of every key involved, sorted by key and week;
    `changed`, the keys whose series differ from before; counts of the incoming entries."""

    keys: Keys
    entries: Entries
    changed: Keys
    created: int
    updated: int
    unchanged: int


def merge_import(
    old_keys: Keys, old: Entries, new_keys: Keys, new: Entries, *, keep_existing: bool = False
) -> Merged:
    """An import's entries over the stored ones. A week the series lacks is created; a week it
    has is updated when a value differs (the later import wins) — unless `keep_existing`, for
    sources that only give a lower bound — and otherwise left alone, keeping its source.

    Keys must not repeat a week within `old`, nor within `new`.
    """
    keys = np.concatenate([old_keys, new_keys]).astype(np.int64, copy=False)
    entries = np.concatenate([old, new])
    origin = np.r_[np.zeros(len(old), np.int8), np.ones(len(new), np.int8)]
    order = _order_by(keys, entries["week"], origin)
    keys, entries, origin = keys[order], entries[order], origin[order]
    same = (keys[1:] == keys[:-1]) & (entries["week"][1:] == entries["week"][:-1])
    first = np.flatnonzero(same)  # the stored entry of a pair; first + 1 is the incoming one
    if ((origin[first] != 0) | (origin[first + 1] != 1)).any():
        raise ValueError("a week repeats within the stored or within the incoming entries")
    differs = np.zeros(len(first), dtype=bool)
    for name in _VALUES:
        differs |= entries[name][first] != entries[name][first + 1]
    replace = differs & (not keep_existing)
    keep = np.ones(len(keys), dtype=bool)
    keep[first[replace]] = False  # the incoming entry wins
    keep[first[~replace] + 1] = False  # the stored entry stays, with its source
    paired_incoming = np.zeros(len(keys), dtype=bool)
    paired_incoming[first + 1] = True
    created = (origin == 1) & ~paired_incoming
    written = created.copy()
    written[first[replace] + 1] = True
    return Merged(
        keys=keys[keep],
        entries=entries[keep],
        changed=np.unique(keys[written]),
        created=int(created.sum()),
        updated=int(replace.sum()),
        unchanged=int(len(first) - replace.sum()),
    )


def _order_by(keys: Keys, weeks: npt.NDArray[np.integer], origin: npt.NDArray[np.int8]) -> Keys:
    """The order by key, week, origin: one stable sort of a combined integer when it fits
    (several times faster than `np.lexsort` on a million entries), else `np.lexsort`."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    week = weeks.astype(np.int64)
    low, span = int(week.min()), int(week.max() - week.min()) + 1
    if int(keys.min()) >= 0 and (int(keys.max()) + 1) * span * 2 < 2**62:
        combined = (keys * span + (week - low)) * 2 + origin
        return np.argsort(combined, kind="stable").astype(np.int64, copy=False)
    return np.lexsort((origin, week, keys)).astype(np.int64, copy=False)


def merge_ranked(keys: Keys, weeks: npt.ArrayLike, rank: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Series joined into one: where a key has a week more than once, the highest `rank` wins
    (ties: the one given last). Returns the positions kept, sorted by key and week. Used when
    the records of an unmatched id move to a person who may have records of their own."""
    weeks = np.asarray(weeks, dtype=np.int64)
    rank = np.asarray(rank, dtype=np.int64)
    order = np.lexsort((np.arange(len(keys)), rank, weeks, keys))
    k, w = keys[order], weeks[order]
    last_of_week = np.r_[(k[1:] != k[:-1]) | (w[1:] != w[:-1]), True] if len(k) else k.astype(bool)
    return order[last_of_week]
