"""Reading a usage export into one standard frame, whatever the vendor: the "parse" stage.

The engine's parsers (`peerwheel.engine.usage_formats`) do the reading and the checking; this
module only calls the right one for the kind and turns what it yields into a `UsageFrame`:
columns `external_id, week (datetime64, the Monday), tool, actions, agent_actions, active_days
(nullable), line`. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from peerwheel.engine.usage_formats import (
    FORMATS,
    ParseReport,
    UsageFileError,
    chatgpt_enterprise,
    detect_format,
    github_copilot_metrics,
    github_copilot_seats,
    identity_map,
    m365_copilot_usage,
    usage_csv,
    viva_person_query,
)
from peerwheel.engine.usage_formats.github_copilot_metrics import OrgUsageRow
from peerwheel.engine.usage_formats.identity_map import IdentityRow

ProgressCallback = Callable[[int, int], None]
RecordT = TypeVar("RecordT")

#: Every kind `peerwheel import` and the Imports page accept, in the order a person would look.
USAGE_KINDS: dict[str, str] = {
    viva_person_query.FORMAT: "Viva Insights person query with Copilot metrics (CSV)",
    m365_copilot_usage.FORMAT: "Microsoft 365 admin center, Copilot usage user detail (CSV)",
    github_copilot_metrics.FORMAT: "GitHub Copilot metrics API, organisation or team (JSON)",
    github_copilot_seats.FORMAT: "GitHub Copilot seat assignments API (JSON)",
    chatgpt_enterprise.FORMAT: "ChatGPT Enterprise user analytics, weekly or daily (CSV)",
    usage_csv.FORMAT: "generic usage CSV: person, week or date, tool, actions[, agents, days]",
    identity_map.FORMAT: "identity map: external id (email, UPN, login, opaque id), employee id",
}
#: Kinds whose records are lower bounds (a last-activity date, not a count): they add a record
#: where none exists and never overwrite a count another import gave.
LOWER_BOUND_KINDS = frozenset({m365_copilot_usage.FORMAT, github_copilot_seats.FORMAT})
GITHUB_COPILOT_TOOL = "GitHub Copilot"
FRAME_COLUMNS = usage_csv.FRAME_COLUMNS
_PROGRESS_EVERY = 5_000


@dataclass
class ReadResult:
    """What a file held, checked, before anything is matched or written."""

    kind: str
    report: ParseReport
    usage: pd.DataFrame = field(default_factory=lambda: empty_usage_frame())
    org_rows: list[OrgUsageRow] = field(default_factory=list)
    identities: list[IdentityRow] = field(default_factory=list)
    anonymised_skipped: int = 0


def empty_usage_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "external_id": pd.Series([], dtype=object),
            "week": pd.Series([], dtype="datetime64[ns]"),
            "tool": pd.Series([], dtype=object),
            "actions": pd.Series([], dtype=np.int64),
            "agent_actions": pd.Series([], dtype=np.int64),
            "active_days": pd.Series([], dtype="Int64"),
            "line": pd.Series([], dtype=np.int64),
        }
    )


def kind_for(path: Path, kind: str) -> str:
    """The kind to read the file as: the one asked for, or (for "auto") the one detected."""
    if kind != "auto":
        if kind not in FORMATS:
            raise UsageFileError(str(path), None, None, f"unknown kind {kind!r}")
        return kind
    detected = detect_format(path)
    if detected is None:
        raise UsageFileError(
            path.name,
            1,
            None,
            "cannot tell which export this is from its header; choose the kind explicitly ("
            + ", ".join(USAGE_KINDS)
            + ")",
        )
    return detected


def count_rows(path: Path) -> int:
    """Data rows in a text file (lines after the header), to size a progress bar."""
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines, 1)


def concat_frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Chunks one after the other; categorical columns stay categorical (their categories
    joined), where a plain concat would turn a million ids back into strings."""
    frame = pd.concat(parts, ignore_index=True)
    for column in parts[0].columns:
        if all(isinstance(part[column].dtype, pd.CategoricalDtype) for part in parts):
            frame[column] = union_categoricals([part[column] for part in parts])
    return frame


def read_usage(
    path: Path,
    kind: str,
    *,
    file_name: str,
    today: date | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
) -> ReadResult:
    """Read and check the whole file; raise `UsageFileError` (file, line, column) on bad input."""
    total = count_rows(path)

    def progress(done: int) -> None:
        if on_progress is not None:
            on_progress(min(done, total), total)

    if kind in (viva_person_query.FORMAT, usage_csv.FORMAT):
        module = viva_person_query if kind == viva_person_query.FORMAT else usage_csv
        frames, report = module.read_frames(path, today=today, file_name=file_name)
        parts = []
        for frame in frames:
            parts.append(frame)
            progress(report.rows_read)
        usage = concat_frames(parts) if parts else empty_usage_frame()
        return ReadResult(kind, report, usage=usage[list(FRAME_COLUMNS)])
    if kind == chatgpt_enterprise.FORMAT:
        rows, report = chatgpt_enterprise.parse(path, today=today, file_name=file_name)
        usage = _frame_from_rows(
            (r.external_id, r.week, r.tool, r.actions, r.agent_actions, r.active_days, r.line)
            for r in _counted(rows, report, progress)
        )
        return ReadResult(kind, report, usage=usage)
    if kind == m365_copilot_usage.FORMAT:
        return _read_m365(path, file_name, today, progress)
    if kind == github_copilot_seats.FORMAT:
        seats, report = github_copilot_seats.parse(path, today=today, file_name=file_name)
        usage = _frame_from_rows(
            (
                s.login,
                _monday(s.last_activity_at),
                GITHUB_COPILOT_TOOL,
                1,
                0,
                1,
                s.line,
            )
            for s in _counted(seats, report, progress)
            if s.last_activity_at is not None
        )
        return ReadResult(kind, report, usage=usage)
    if kind == github_copilot_metrics.FORMAT:
        org_rows, report = github_copilot_metrics.parse(
            path, scope=scope, today=today, file_name=file_name
        )
        return ReadResult(kind, report, org_rows=list(_counted(org_rows, report, progress)))
    if kind == identity_map.FORMAT:
        identities, report = identity_map.parse(path, today=today, file_name=file_name)
        return ReadResult(kind, report, identities=list(_counted(identities, report, progress)))
    raise UsageFileError(file_name, None, None, f"unknown kind {kind!r}")


def _read_m365(
    path: Path, file_name: str, today: date | None, progress: Callable[[int], None]
) -> ReadResult:
    """The report holds last-activity dates: each app used in the period gives one record of
    one action in the week of its last use (agents: one agent action)."""
    activity, report = m365_copilot_usage.parse(path, today=today, file_name=file_name)
    anonymised = 0
    rows = []
    for row in _counted(activity, report, progress):
        if row.anonymised:
            anonymised += 1
            continue
        if row.tool == m365_copilot_usage.ALL_APPS or row.last_activity is None:
            continue  # the overall date repeats one of the apps' dates
        agents = row.tool == "Copilot agents"
        week = row.last_activity - timedelta(days=row.last_activity.weekday())
        rows.append((row.external_id, week, row.tool, 0 if agents else 1, int(agents), 1, row.line))
    result = ReadResult(m365_copilot_usage.FORMAT, report, usage=_frame_from_rows(rows))
    result.anonymised_skipped = report.anonymised_ids
    return result


def _monday(moment: datetime | None) -> date:
    day = moment.date() if moment is not None else date.min
    return day - timedelta(days=day.weekday())


def _counted(
    records: Iterable[RecordT], report: ParseReport, progress: Callable[[int], None]
) -> Iterator[RecordT]:
    for number, record in enumerate(records, start=1):
        if number % _PROGRESS_EVERY == 0:
            progress(report.rows_read)
        yield record
    progress(report.rows_read)


def _frame_from_rows(rows: Iterable[tuple[object, ...]]) -> pd.DataFrame:
    listed = list(rows)
    if not listed:
        return empty_usage_frame()
    frame = pd.DataFrame(listed, columns=list(FRAME_COLUMNS))
    frame["week"] = pd.to_datetime(frame["week"])
    frame["actions"] = frame["actions"].astype(np.int64)
    frame["agent_actions"] = frame["agent_actions"].astype(np.int64)
    frame["active_days"] = frame["active_days"].astype("Int64")
    frame["line"] = frame["line"].astype(np.int64)
    return frame
