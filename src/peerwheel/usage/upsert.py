"""The bulk upsert of usage records: one statement per batch, on SQLite and PostgreSQL alike.

`INSERT ... ON CONFLICT (subject, week, tool) DO UPDATE ... WHERE <something differs>` (SQLite
3.24+ and PostgreSQL share the syntax), so a later import wins, and re-importing the same file
touches no row (its records keep their original source import). PostgreSQL streams the rows in
with COPY into a temporary table first. A million rows take seconds, where building a million
model instances for `bulk_create(update_conflicts=True)` takes minutes (bench/README.md).

Call inside a transaction: the caller decides about atomicity and dry runs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection

from peerwheel.usage.models import UsageRecord

_COLUMNS = (
    "subject",
    "person_id",
    "external_id",
    "week",
    "tool",
    "actions",
    "agent_actions",
    "active_days",
    "source_id",
)
_UPDATED = ("person_id", "external_id", "actions", "agent_actions", "active_days", "source_id")
_COMPARED = ("person_id", "actions", "agent_actions", "active_days")
_SQLITE_BATCH = 20_000


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    unchanged: int


def records_frame(
    *,
    subject: np.ndarray,
    person_id: np.ndarray,
    usage: pd.DataFrame,
    source_id: int | None,
) -> pd.DataFrame:
    """The rows to write, in `_COLUMNS` order: person ids < 0 and missing days become NULL."""
    return pd.DataFrame(
        {
            "subject": subject,
            "person_id": pd.Series(person_id, dtype="Int64").mask(person_id < 0).array,
            "external_id": usage["external_id"].to_numpy(),
            "week": pd.to_datetime(usage["week"]).dt.strftime("%Y-%m-%d").to_numpy(),
            "tool": usage["tool"].to_numpy(),
            "actions": usage["actions"].to_numpy(dtype=np.int64),
            "agent_actions": usage["agent_actions"].to_numpy(dtype=np.int64),
            "active_days": usage["active_days"].astype("Int64").array,
            "source_id": source_id,
        }
    )


def upsert_usage(rows: pd.DataFrame, *, keep_existing: bool = False) -> UpsertCounts:
    """Write `rows` (from `records_frame`). `keep_existing`: only add records for keys that have
    none (lower-bound sources); otherwise a differing existing record is overwritten."""
    if rows.empty:
        return UpsertCounts(0, 0, 0)
    table = UsageRecord._meta.db_table
    before = _count(table)
    if connection.vendor == "postgresql":
        touched = _upsert_postgresql(table, rows, keep_existing)
    else:
        touched = _upsert_sqlite(table, rows, keep_existing)
    created = _count(table) - before
    updated = max(touched - created, 0)
    return UpsertCounts(created, updated, len(rows) - created - updated)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - our own table name
        return int(cursor.fetchone()[0])


def _conflict_clause(table: str, keep_existing: bool, distinct: str) -> str:
    if keep_existing:
        return "ON CONFLICT (subject, week, tool) DO NOTHING"
    sets = ", ".join(f"{c} = excluded.{c}" for c in _UPDATED)
    differs = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in _COMPARED)
    return f"ON CONFLICT (subject, week, tool) DO UPDATE SET {sets} WHERE {differs}"


def _upsert_sqlite(table: str, rows: pd.DataFrame, keep_existing: bool) -> int:
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    sql = (
        f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({placeholders}) "  # noqa: S608
        + _conflict_clause(table, keep_existing, "IS NOT")
    )
    # Keyed order makes the unique index an append, and a large page cache keeps a million-row
    # import off the disk until it commits (this connection only).
    rows = rows.sort_values(["subject", "week", "tool"], kind="stable")
    columns = []
    for name in _COLUMNS:
        column = rows[name]
        if column.hasnans:
            column = column.astype(object).where(column.notna(), None)
        columns.append(column.tolist())
    records = list(zip(*columns, strict=True))
    touched = 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        for start in range(0, len(records), _SQLITE_BATCH):
            cursor.executemany(sql, records[start : start + _SQLITE_BATCH])
            touched += max(cursor.rowcount, 0)
    return touched


def _upsert_postgresql(table: str, rows: pd.DataFrame, keep_existing: bool) -> int:
    buffer = io.StringIO()
    rows[list(_COLUMNS)].to_csv(buffer, header=False, index=False)
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pw_usage_stage")
        cursor.execute(
            "CREATE TEMPORARY TABLE pw_usage_stage (subject varchar(300), person_id bigint, "
            "external_id varchar(254), week date, tool varchar(120), actions integer, "
            "agent_actions integer, active_days smallint, source_id bigint)"
        )
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY pw_usage_stage ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM pw_usage_stage "  # noqa: S608
            + _conflict_clause(table, keep_existing, "IS DISTINCT FROM")
        )
        touched = max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE pw_usage_stage")
    return touched
