"""Writing weekly usage records into `UsageSeries` rows: the import's upsert and the relink.

The engine (`engine.usage_series`) merges; this module loads the series an import touches,
writes back the ones that changed (delete and insert, in the caller's transaction) and leaves
every other row alone, so re-importing the same file writes nothing and its records keep their
original source import. PostgreSQL streams the new rows in with COPY; SQLite takes them in one
`executemany`. Call inside a transaction: the caller decides about atomicity and dry runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from django.db import connection

from peerwheel.engine.usage_series import (
    Entries,
    entries_from_columns,
    merge_import,
    pack,
    unpack,
)
from peerwheel.usage.models import UsageSeries

_BATCH = 900  # SQLite's limit on query parameters, with room to spare
_LOAD_ALL_ABOVE = 5 * _BATCH
_COLUMNS = (
    "subject",
    "person_id",
    "external_id",
    "tool",
    "first_week",
    "last_week",
    "weeks",
    "data",
    "last_source_id",
)
_PG_TYPES = ("varchar", "int8", "varchar", "varchar", "date", "date", "int4", "bytea", "int8")
_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class StoredSeries:
    """Series rows as read for a merge: their ids, keys (subject, tool) and entries."""

    ids: list[int]
    subjects: list[str]
    person_ids: list[int | None]
    tools: list[str]
    external_ids: list[str]
    last_sources: list[int | None]
    entries: Entries
    lengths: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]

    def entries_of(self, row: int) -> Entries:
        start = int(self.starts[row])
        return self.entries[start : start + int(self.lengths[row])]


@dataclass(frozen=True)
class SeriesRows:
    """What written series rows hold besides their entries: one item per row in each list."""

    subjects: list[str]
    person_ids: list[int | None]
    external_ids: list[str]
    tools: list[str]
    last_sources: list[int | None]


@dataclass(frozen=True)
class ImportRecords:
    """An import's records as aligned arrays, one item per record: whose (`subject`, and
    `person_id` < 0 when unmatched), the id the file used, the tool, and the entry itself."""

    subject: np.ndarray | pd.Categorical
    person_id: npt.NDArray[np.int64]
    external_id: np.ndarray | pd.Categorical
    tool: np.ndarray | pd.Categorical
    entries: Entries
    source_id: int | None

    def __len__(self) -> int:
        return len(self.entries)


def import_records(
    *,
    subject: np.ndarray | pd.Categorical,
    person_id: np.ndarray,
    usage: pd.DataFrame,
    source_id: int | None,
) -> ImportRecords:
    """The records of a parsed usage frame (`readers.FRAME_COLUMNS`) for `upsert_usage`."""
    week = usage["week"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    return ImportRecords(
        subject=subject,
        person_id=np.asarray(person_id, dtype=np.int64),
        external_id=usage["external_id"].array,
        tool=usage["tool"].array,
        entries=entries_from_columns(
            week_days=(week - _EPOCH).astype(np.int64),
            actions=usage["actions"].to_numpy(dtype=np.int64),
            agent_actions=usage["agent_actions"].to_numpy(dtype=np.int64),
            active_days=usage["active_days"].to_numpy(dtype=np.float64, na_value=np.nan),
            source=source_id or 0,
        ),
        source_id=source_id,
    )


def upsert_usage(records: ImportRecords, *, keep_existing: bool = False) -> UpsertCounts:
    """Merge an import's records into the stored series: the later import wins a week whose
    values differ, unless `keep_existing` (lower-bound sources)."""
    if len(records) == 0:
        return UpsertCounts(0, 0, 0)
    subject_codes, subjects = pd.factorize(records.subject)
    tool_codes, tools = pd.factorize(records.tool)
    combined = subject_codes.astype(np.int64) * len(tools) + tool_codes
    new_keys, key_values = pd.factorize(combined)
    new_keys = new_keys.astype(np.int64)
    key_subjects = np.asarray(subjects, dtype=object)[key_values // len(tools)]
    key_tools = np.asarray(tools, dtype=object)[key_values % len(tools)]
    code_of = {
        (s, t): k
        for k, (s, t) in enumerate(zip(key_subjects.tolist(), key_tools.tolist(), strict=True))
    }
    _lock_for_writing()
    stored = load_series(subjects=subjects.tolist())
    stored_keys = np.array(
        [code_of.get(key, -1) for key in zip(stored.subjects, stored.tools, strict=True)],
        dtype=np.int64,
    )
    relevant = stored_keys >= 0
    entry_keys = np.repeat(stored_keys, stored.lengths)
    old_mask = np.repeat(relevant, stored.lengths)
    merged = merge_import(
        entry_keys[old_mask],
        stored.entries[old_mask],
        new_keys,
        records.entries,
        keep_existing=keep_existing,
    )
    if len(merged.changed):
        _, first_row = np.unique(new_keys, return_index=True)  # a key's first row
        person = records.person_id[first_row]
        external = np.asarray(records.external_id, dtype=object)[first_row]
        changed = np.isin(merged.keys, merged.changed)
        changed_keys = merged.changed.tolist()
        described = SeriesRows(
            subjects=key_subjects[merged.changed].tolist(),
            person_ids=[p if p >= 0 else None for p in person[merged.changed].tolist()],
            external_ids=external[merged.changed].tolist(),
            tools=key_tools[merged.changed].tolist(),
            last_sources=[records.source_id or None] * len(changed_keys),
        )
        rewritten = set(changed_keys)
        replaced = [
            pk for pk, key in zip(stored.ids, stored_keys.tolist(), strict=True) if key in rewritten
        ]
        write_series(
            delete_ids=replaced,
            rows=described,
            key_codes=merged.changed,
            entry_keys=merged.keys[changed],
            entries=merged.entries[changed],
        )
    return UpsertCounts(merged.created, merged.updated, merged.unchanged)


def load_series(*, subjects: Iterable[str]) -> StoredSeries:
    """The series rows of these subjects, with their entries unpacked."""
    fields = ("id", "subject", "person_id", "tool", "external_id", "last_source_id", "data")
    rows: list[tuple[int, str, int | None, str, str, int | None, bytes]] = []
    wanted = sorted(set(subjects))
    if len(wanted) > _LOAD_ALL_ABOVE:  # one scan beats many IN lists
        chosen = set(wanted)
        rows = [row for row in UsageSeries.objects.values_list(*fields) if row[1] in chosen]
        wanted = []
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        rows += UsageSeries.objects.filter(subject__in=batch).values_list(*fields)
    entries, lengths = unpack([row[6] for row in rows])
    return StoredSeries(
        ids=[row[0] for row in rows],
        subjects=[row[1] for row in rows],
        person_ids=[row[2] for row in rows],
        tools=[row[3] for row in rows],
        external_ids=[row[4] for row in rows],
        last_sources=[row[5] for row in rows],
        entries=entries,
        lengths=lengths,
        starts=np.cumsum(lengths) - lengths,
    )


def write_series(
    *,
    delete_ids: Sequence[int],
    rows: SeriesRows,
    key_codes: npt.NDArray[np.int64],
    entry_keys: npt.NDArray[np.int64],
    entries: Entries,
) -> None:
    """Replace the rows `delete_ids` by one row per key: item i of `rows` describes
    `key_codes[i]`, whose entries are those with that `entry_keys` (sorted by key, then week)."""
    for start in range(0, len(delete_ids), _BATCH):
        UsageSeries.objects.filter(id__in=delete_ids[start : start + _BATCH]).delete()
    packed = pack(entry_keys, entries)
    if not np.array_equal(packed.keys, key_codes):
        raise ValueError("every key written needs entries, and the keys must be sorted")
    postgresql = connection.vendor == "postgresql"
    first_week, last_week = (
        packed.first_week.astype("datetime64[D]"),
        packed.last_week.astype("datetime64[D]"),
    )
    if postgresql:  # dates for the binary COPY; ISO text spares SQLite's adapter
        first, last = first_week.tolist(), last_week.tolist()
    else:
        first = np.datetime_as_string(first_week).tolist()
        last = np.datetime_as_string(last_week).tolist()
    values = list(
        zip(
            rows.subjects,
            rows.person_ids,
            rows.external_ids,
            rows.tools,
            first,
            last,
            packed.counts.tolist(),
            packed.blobs,
            rows.last_sources,
            strict=True,
        )
    )
    table = UsageSeries._meta.db_table
    with connection.cursor() as cursor:
        if postgresql:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            sql = f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            with raw.copy(sql) as copy:
                copy.set_types(_PG_TYPES)
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                values,
            )


def _lock_for_writing() -> None:
    """Two imports at once would each miss the series the other is writing: on PostgreSQL the
    second waits for the first (SQLite has one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {UsageSeries._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
