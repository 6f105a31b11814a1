"""The usage parts of `peerwheel import` (every usage kind) and `peerwheel export segments`."""

from __future__ import annotations

from typing import Any, TextIO

from django.core.management.base import CommandError

from peerwheel.core.commands import ImportOptions, bar_callback, progress_bar
from peerwheel.core.export import ExportTargetError, write_frame
from peerwheel.usage.selectors import (
    EXPORT_FIELDS,
    USAGE_EXPORT_FIELDS,
    segments_export_frame,
    usage_export_frame,
)
from peerwheel.usage.services import UsageImportError, usage_import


def _run(kind: str, options: ImportOptions, **extra: Any) -> str:
    bar = progress_bar(f"importing {kind}")
    try:
        report = usage_import(
            kind,
            options.path,
            dry_run=options.dry_run,
            on_progress=bar_callback(bar),
            **extra,
        )
    except UsageImportError as exc:
        raise CommandError(
            f"{exc.report.summary()}\nnothing was written (fix the file and import it again)",
            returncode=2,
        ) from None
    finally:
        bar.close()
    return report.summary() + ("\ndry run: nothing was written" if options.dry_run else "")


def import_viva_person_query(options: ImportOptions) -> str:
    return _run("viva-person-query", options)


def import_m365_copilot_usage(options: ImportOptions) -> str:
    return _run("m365-copilot-usage", options)


def import_github_copilot_metrics(options: ImportOptions) -> str:
    """`--map scope=ORG/TEAM` names what the file covers (default: organisation)."""
    return _run(
        "github-copilot-metrics", options, scope=options.mapping.get("scope", "organisation")
    )


def import_github_copilot_seats(options: ImportOptions) -> str:
    return _run("github-copilot-seats", options)


def import_chatgpt_enterprise(options: ImportOptions) -> str:
    return _run("chatgpt-enterprise", options)


def import_usage_csv(options: ImportOptions) -> str:
    return _run("usage-csv", options)


def import_identity_map(options: ImportOptions) -> str:
    return _run("identity-map", options)


def import_slack_export(options: ImportOptions) -> str:
    channels = options.channels
    if not channels:
        raise CommandError(
            "name the channels to import: --channels ai-tips,ai-questions", returncode=2
        )
    return _run("slack-export", options, channels=tuple(channels))


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
