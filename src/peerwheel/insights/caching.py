"""The Flywheel page's report, cached until the data it reads changes.

The report takes a second or two at the target size (the shuffled baseline re-runs attribution
20 times, the forecast 1,000 runs twice per strategy); the page and its what-if panel are read
far more often than the data changes. The key holds the as-of date, the what-if's k and a
fingerprint of every table the report reads, so a new import, post, trial, answer, tie, event
or person change gives a new report at once.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Field, Model

from peerwheel.catalog.selectors import change_columns as catalog_change_columns
from peerwheel.core.models import Import
from peerwheel.hub.models import Answer, InfluenceEvent, Post, Trial
from peerwheel.insights.models import Nudge
from peerwheel.insights.report import flywheel_report
from peerwheel.org.models import Person, Tie
from peerwheel.program.selectors import change_columns as program_change_columns

CACHE_SECONDS = 15 * 60


def _columns() -> list[tuple[type[Model], tuple[str, ...]]]:
    """Every table the reports read, and the columns whose latest value moves when it
    changes (each table's row count is taken too)."""
    return [
        (Import, ("id", "finished")),
        (Person, ("id", "updated")),
        (Tie, ("id",)),
        (InfluenceEvent, ("id",)),
        (Post, ("id", "edited")),
        (Trial, ("id", "updated")),
        (Answer, ("id",)),
        (Nudge, ("id", "shared_at")),  # momentum's nudges
        *program_change_columns(),  # the program's scope, stage moves and champions
        *catalog_change_columns(),  # the catalogue's demand
    ]


def data_fingerprint() -> str:
    """A digest of how many rows each table the reports read holds and its latest change, in
    one query (scalar subqueries: SQLite and PostgreSQL alike)."""
    quote = connection.ops.quote_name  # names from the models only: nothing from a request
    parts = []
    for model, columns in _columns():
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        for name in columns:
            field = model._meta.get_field(name)
            if not isinstance(field, Field) or field.column is None:
                raise TypeError(f"{model.__name__}.{name}: not a column of its table")
            column = quote(field.column)
            parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:32]


def flywheel_report_cached(*, as_of: date, what_if_k: int) -> dict[str, Any]:
    """`flywheel_report(...).data`, from the cache when the data has not changed since."""
    key = f"insights:flywheel:{as_of.isoformat()}:{what_if_k}:{data_fingerprint()}"
    report: dict[str, Any] | None = cache.get(key)
    if report is None:
        report = flywheel_report(as_of=as_of, what_if_k=what_if_k).data
        cache.set(key, report, CACHE_SECONDS)
    return report
