"""The usage part of `peerwheel export`: `segments` and `usage` (the usage kinds of `peerwheel
import` are rows of the one table, `peerwheel.core.imports.IMPORT_KINDS`, run by
`services.usage_import`)."""

from __future__ import annotations

from typing import Any, TextIO

from django.core.management.base import CommandError

from peerwheel.core.export import ExportTargetError, write_frame
from peerwheel.usage.selectors import (
    EXPORT_FIELDS,
    USAGE_EXPORT_FIELDS,
    segments_export_frame,
    usage_export_frame,
)


def export_segments(target: TextIO, file_format: str, **_: Any) -> None:
    """`person_id,week,segment_12w,segment_4w`, one row per person-week; CSV cells that would
    run as formulas are neutralised (peerwheel.core.export)."""
    write_frame(target, file_format, segments_export_frame(), EXPORT_FIELDS)


def export_usage(target: TextIO, file_format: str, **_: Any) -> None:
    """Every weekly usage record, one row per person, week and tool (`USAGE_EXPORT_FIELDS`), for
    pandas, polars and BI tools: CSV (formula cells neutralised), JSON or Parquet (typed: the
    week a date, the counts integers). An admin's or analyst's command on the server, like
    `export segments`: it names people by employee id (docs/usage.md, "Exporting usage")."""
    try:
        write_frame(
            target, file_format, usage_export_frame(), USAGE_EXPORT_FIELDS, date_columns=("week",)
        )
    except ExportTargetError as exc:  # parquet to a terminal
        raise CommandError(str(exc), returncode=2) from None
