"""Usage series: packing round trips, and both merges against plain dict references."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerwheel.engine.usage_series import (
    ENTRY_DTYPE,
    NO_ACTIVE_DAYS,
    entries_from_columns,
    merge_import,
    merge_ranked,
    pack,
    unpack,
)

Values = tuple[int, int, int, int]  # actions, agent_actions, active_days, source
Records = dict[tuple[int, int], Values]  # (key, week) -> values


def build(records: list[tuple[int, int, Values]]) -> tuple[np.ndarray, np.ndarray]:
    """Keys and entries for (key, week, values) rows, in the order given."""
    keys = np.array([key for key, _, _ in records], dtype=np.int64)
    entries = np.zeros(len(records), dtype=ENTRY_DTYPE)
    for i, (_, week, (actions, agents, days, source)) in enumerate(records):
        entries[i] = (week, actions, agents, days, source)
    return keys, entries


def rows(keys: np.ndarray, entries: np.ndarray) -> list[tuple[int, int, Values]]:
    return [(int(k), e[0], tuple(e[1:])) for k, e in zip(keys, entries.tolist(), strict=True)]


# Small ranges, so that keys, weeks and values collide often.
values = st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(-1, 1), st.integers(1, 3))
records = st.dictionaries(
    keys=st.tuples(st.integers(0, 3), st.integers(-2, 4).map(lambda w: w * 7)),
    values=values,
    max_size=20,
)


# pack / unpack


def test_pack_gives_one_blob_per_key_with_its_bounds() -> None:
    data = [
        (3, 0, (1, 0, 2, 9)),
        (3, 7, (4, 1, NO_ACTIVE_DAYS, 9)),
        (3, 21, (0, 0, 0, 10)),
        (5, -14, (2, 2, 1, 11)),
        (8, 700, (7, 0, 5, 0)),
        (8, 707, (1, 0, 1, 0)),
    ]
    keys, entries = build(data)
    packed = pack(keys, entries)
    assert packed.keys.tolist() == [3, 5, 8]
    assert packed.first_week.tolist() == [0, -14, 700]
    assert packed.last_week.tolist() == [21, -14, 707]
    assert packed.counts.tolist() == [3, 1, 2]
    assert [len(b) for b in packed.blobs] == [3 * 17, 17, 2 * 17]

    back, counts = unpack(packed.blobs)
    assert counts.tolist() == [3, 1, 2]
    assert back.dtype == ENTRY_DTYPE
    assert back.tolist() == entries.tolist()
    # Each blob alone holds exactly its key's entries.
    alone, _ = unpack([packed.blobs[2]])
    assert alone.tolist() == entries[4:].tolist()


def test_entries_are_17_little_endian_bytes() -> None:
    """The stored bytes must not depend on the machine: packed, little-endian fields."""
    keys, entries = build([(1, 7, (258, 3, -1, 65536))])
    (blob,) = pack(keys, entries).blobs
    assert blob == (
        (7).to_bytes(4, "little")
        + (258).to_bytes(4, "little")
        + (3).to_bytes(4, "little")
        + (-1).to_bytes(1, "little", signed=True)
        + (65536).to_bytes(4, "little")
    )


def test_pack_of_a_strided_view_packs_the_viewed_entries() -> None:
    keys, entries = build([(1, w * 7, (w, 0, 1, 2)) for w in range(6)])
    packed = pack(keys[::2], entries[::2])
    back, counts = unpack(packed.blobs)
    assert counts.tolist() == [3]
    assert back["week"].tolist() == [0, 14, 28]
    assert back["actions"].tolist() == [0, 2, 4]


def test_unpack_accepts_memoryviews() -> None:
    keys, entries = build([(1, 0, (1, 0, 1, 1)), (2, 7, (2, 1, -1, 1))])
    packed = pack(keys, entries)
    back, counts = unpack([memoryview(b) for b in packed.blobs])
    assert counts.tolist() == [1, 1]
    assert back.tolist() == entries.tolist()


def test_pack_and_unpack_of_nothing() -> None:
    keys, entries = build([])
    packed = pack(keys, entries)
    assert packed.blobs == []
    assert len(packed.keys) == len(packed.first_week) == len(packed.last_week) == 0
    assert len(packed.counts) == 0
    back, counts = unpack(packed.blobs)
    assert len(back) == 0 and back.dtype == ENTRY_DTYPE
    assert len(counts) == 0


@pytest.mark.parametrize(
    "lengths",
    [
        [ENTRY_DTYPE.itemsize + 1],
        [ENTRY_DTYPE.itemsize - 1],
        [ENTRY_DTYPE.itemsize, 3],
        # Together a whole number of entries, but neither blob is.
        [10, 2 * ENTRY_DTYPE.itemsize - 10],
    ],
)
def test_unpack_refuses_a_blob_that_is_not_whole_entries(lengths: list[int]) -> None:
    with pytest.raises(ValueError, match="not a whole number of entries"):
        unpack([b"\x00" * n for n in lengths])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=records)
def test_pack_unpack_round_trip(data: Records) -> None:
    ordered = [(key, week, v) for (key, week), v in sorted(data.items())]
    keys, entries = build(ordered)
    packed = pack(keys, entries)
    back, counts = unpack(packed.blobs)
    assert back.tolist() == entries.tolist()
    assert counts.tolist() == packed.counts.tolist()

    by_key: dict[int, list[int]] = {}
    for key, week, _ in ordered:
        by_key.setdefault(key, []).append(week)
    assert packed.keys.tolist() == sorted(by_key)
    assert packed.counts.tolist() == [len(by_key[k]) for k in sorted(by_key)]
    assert packed.first_week.tolist() == [by_key[k][0] for k in sorted(by_key)]
    assert packed.last_week.tolist() == [by_key[k][-1] for k in sorted(by_key)]


# entries_from_columns


def test_entries_from_columns_fills_missing_active_days_and_broadcasts_source() -> None:
    entries = entries_from_columns(
        week_days=[0, 7, 14, 21],
        actions=[5, 0, 12, 3],
        agent_actions=np.array([1, 0, 4, 0]),
        active_days=[3.0, np.nan, 0.0, -1.0],
        source=42,
    )
    assert entries.dtype == ENTRY_DTYPE
    assert entries["week"].tolist() == [0, 7, 14, 21]
    assert entries["actions"].tolist() == [5, 0, 12, 3]
    assert entries["agent_actions"].tolist() == [1, 0, 4, 0]
    assert entries["active_days"].tolist() == [3, NO_ACTIVE_DAYS, 0, NO_ACTIVE_DAYS]
    assert entries["source"].tolist() == [42, 42, 42, 42]


def test_entries_from_columns_takes_a_source_per_entry() -> None:
    entries = entries_from_columns(
        week_days=[7, 0],
        actions=[1, 2],
        agent_actions=[0, 0],
        active_days=[np.nan, np.nan],
        source=[3, 4],
    )
    assert entries["source"].tolist() == [3, 4]
    assert entries["active_days"].tolist() == [NO_ACTIVE_DAYS, NO_ACTIVE_DAYS]


def test_entries_from_columns_of_nothing() -> None:
    entries = entries_from_columns(
        week_days=[], actions=[], agent_actions=[], active_days=[], source=1
    )
    assert len(entries) == 0 and entries.dtype == ENTRY_DTYPE


# merge_import


def reference_merge(
    old: Records, new: Records, *, keep_existing: bool
) -> tuple[list[tuple[int, int, Values]], list[int], int, int, int]:
    """The rule read literally: per incoming (key, week), create, update or leave alone."""
    merged = dict(old)
    changed: set[int] = set()
    created = updated = unchanged = 0
    for (key, week), incoming in new.items():
        stored = old.get((key, week))
        if stored is None:
            merged[key, week] = incoming
            changed.add(key)
            created += 1
        elif stored[:3] == incoming[:3] or keep_existing:
            unchanged += 1
        else:
            merged[key, week] = incoming
            changed.add(key)
            updated += 1
    out = [(key, week, v) for (key, week), v in sorted(merged.items())]
    return out, sorted(changed), created, updated, unchanged


# Incoming sources differ from stored ones, so the test can tell whose entry survived.
new_values = st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(-1, 1), st.integers(7, 9))
new_records = st.dictionaries(
    keys=st.tuples(st.integers(0, 3), st.integers(-2, 4).map(lambda w: w * 7)),
    values=new_values,
    max_size=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=records, new=new_records, keep_existing=st.booleans(), shuffle=st.randoms())
def test_merge_import_matches_a_dict_reference(
    old: Records, new: Records, keep_existing: bool, shuffle: random.Random
) -> None:
    old_rows = [(key, week, v) for (key, week), v in sorted(old.items())]
    new_rows = [(key, week, v) for (key, week), v in new.items()]
    shuffle.shuffle(new_rows)
    old_keys, old_entries = build(old_rows)
    new_keys, new_entries = build(new_rows)

    result = merge_import(old_keys, old_entries, new_keys, new_entries, keep_existing=keep_existing)

    expected, changed, created, updated, unchanged = reference_merge(
        old, new, keep_existing=keep_existing
    )
    assert rows(result.keys, result.entries) == expected
    assert result.changed.tolist() == changed
    assert (result.created, result.updated, result.unchanged) == (created, updated, unchanged)
    assert created + updated + unchanged == len(new)
    assert result.entries.dtype == ENTRY_DTYPE


def test_merge_import_hand_worked_case() -> None:
    old_keys, old = build(
        [
            (1, 0, (5, 0, 2, 1)),  # same values again: left alone, keeps source 1
            (1, 7, (5, 0, 2, 1)),  # new values: updated (or kept, with keep_existing)
            (2, 0, (3, 3, -1, 1)),  # not in the import: stays
        ]
    )
    new_keys, new = build(
        [
            (3, 14, (1, 0, 1, 2)),  # a new key: created
            (1, 7, (6, 0, 2, 2)),
            (1, 0, (5, 0, 2, 2)),
        ]
    )

    later_wins = merge_import(old_keys, old, new_keys, new)
    assert rows(later_wins.keys, later_wins.entries) == [
        (1, 0, (5, 0, 2, 1)),
        (1, 7, (6, 0, 2, 2)),
        (2, 0, (3, 3, -1, 1)),
        (3, 14, (1, 0, 1, 2)),
    ]
    assert later_wins.changed.tolist() == [1, 3]
    assert (later_wins.created, later_wins.updated, later_wins.unchanged) == (1, 1, 1)

    kept = merge_import(old_keys, old, new_keys, new, keep_existing=True)
    assert rows(kept.keys, kept.entries) == [
        (1, 0, (5, 0, 2, 1)),
        (1, 7, (5, 0, 2, 1)),
        (2, 0, (3, 3, -1, 1)),
        (3, 14, (1, 0, 1, 2)),
    ]
    assert kept.changed.tolist() == [3]
    assert (kept.created, kept.updated, kept.unchanged) == (1, 0, 2)


def test_merge_import_of_an_identical_import_changes_nothing() -> None:
    keys, entries = build([(1, 0, (5, 1, 2, 1)), (1, 7, (0, 0, -1, 1))])
    again = entries.copy()
    again["source"] = 2
    result = merge_import(keys, entries, keys, again)
    assert result.changed.tolist() == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert result.entries.tolist() == entries.tolist()


def test_merge_import_of_nothing() -> None:
    keys, entries = build([])
    result = merge_import(keys, entries, keys, entries)
    assert len(result.keys) == len(result.entries) == len(result.changed) == 0
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)


def test_merge_import_refuses_a_week_repeated_in_the_import() -> None:
    old_keys, old = build([(1, 0, (1, 0, 1, 1))])
    new_keys, new = build([(2, 7, (1, 0, 1, 2)), (2, 7, (2, 0, 1, 2))])
    with pytest.raises(ValueError, match="a week repeats"):
        merge_import(old_keys, old, new_keys, new)


def test_merge_import_refuses_a_week_repeated_in_the_import_that_is_also_stored() -> None:
    old_keys, old = build([(1, 0, (1, 0, 1, 1))])
    new_keys, new = build([(1, 0, (1, 0, 1, 2)), (1, 0, (3, 0, 1, 2))])
    with pytest.raises(ValueError, match="a week repeats"):
        merge_import(old_keys, old, new_keys, new, keep_existing=True)


def test_merge_import_refuses_a_week_repeated_in_the_stored_entries() -> None:
    old_keys, old = build([(1, 0, (1, 0, 1, 1)), (1, 0, (1, 0, 1, 1))])
    new_keys, new = build([(1, 7, (1, 0, 1, 2))])
    with pytest.raises(ValueError, match="a week repeats"):
        merge_import(old_keys, old, new_keys, new)


def test_the_same_week_under_different_keys_is_not_a_repeat() -> None:
    new_keys, new = build([(1, 0, (1, 0, 1, 2)), (2, 0, (1, 0, 1, 2))])
    old_keys, old = build([])
    result = merge_import(old_keys, old, new_keys, new)
    assert result.keys.tolist() == [1, 2]
    assert result.created == 2


# merge_ranked


def reference_ranked(keys: list[int], weeks: list[int], ranks: list[int]) -> list[int]:
    best: dict[tuple[int, int], int] = {}
    for i, key in enumerate(keys):
        j = best.get((key, weeks[i]))
        if j is None or ranks[i] >= ranks[j]:  # >=: on a tie the later one wins
            best[key, weeks[i]] = i
    return [best[kw] for kw in sorted(best)]


ranked_rows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(-2, 4), st.integers(0, 2)), max_size=30
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ranked_rows)
def test_merge_ranked_matches_a_dict_reference(data: list[tuple[int, int, int]]) -> None:
    keys = [k for k, _, _ in data]
    weeks = [w * 7 for _, w, _ in data]
    ranks = [r for _, _, r in data]
    kept = merge_ranked(np.array(keys, dtype=np.int64), weeks, ranks)
    assert kept.tolist() == reference_ranked(keys, weeks, ranks)


def test_merge_ranked_hand_worked_case() -> None:
    keys = np.array([1, 1, 1, 0, 1, 1], dtype=np.int64)
    weeks = [7, 0, 7, 7, 0, 14]
    rank = [0, 5, 1, 0, 5, 0]
    # (1, 7): rank 1 at 2 beats rank 0 at 0; (1, 0): a tie, the later one (4) wins.
    assert merge_ranked(keys, weeks, rank).tolist() == [3, 4, 2, 5]


def test_merge_ranked_of_nothing() -> None:
    kept = merge_ranked(np.zeros(0, dtype=np.int64), [], [])
    assert kept.tolist() == []
