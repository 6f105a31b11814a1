"""`usage-csv`: the generic format, `person,week|date,tool,actions[,agent_actions,active_days]`.

- `week` rows are weekly: the date is moved to the Monday of its ISO week, and a second row for
  the same person, week and tool is a duplicate (an error).
- `date` rows are daily: they are summed into ISO weeks (Monday), and `active_days` (when the
  file has none) is the number of days in the week with at least one action. A repeated person,
  date and tool is a duplicate. Daily files are gathered before they are summed, so they are
  held in memory; weekly files stream.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from peerwheel.engine.tabular import Column, normalise_header

from ._base import (
    MAX_WEEKLY_ACTIONS,
    ParsedUsageRow,
    ParseReport,
    ParseResult,
    Source,
    UsageFileError,
    duplicate_error,
    source_name,
    today_utc,
)
from ._csv import (
    CsvFile,
    DuplicateTracker,
    TextColumn,
    date_column,
    note_bad,
    numeric_column,
    open_csv,
    read_chunks,
    to_monday,
)
from ._frame import FRAME_COLUMNS, Progress, ProgressCallback, UsageRead, read_chunked

FORMAT = "usage-csv"

COLUMNS = (
    Column(
        "person",
        aliases=(
            "email",
            "user",
            "user_email",
            "upn",
            "user_principal_name",
            "login",
            "employee_id",
            "person_id",
            "external_id",
        ),
        required=True,
    ),
    Column("week", aliases=("week_start", "week_of", "week_starting", "week_commencing")),
    Column("date", aliases=("day", "activity_date", "usage_date")),
    Column("tool", aliases=("app", "application", "product"), required=True),
    Column("actions", aliases=("action_count", "count", "prompts", "events"), required=True),
    Column("agent_actions", aliases=("agents", "agent_action_count")),
    Column("active_days", aliases=("days_active", "active_day_count")),
)
_MIX_TOOL = np.uint64(0x9E3779B97F4A7C15)  # odd constants to mix three hashes into one
_MIX_DAY = np.uint64(0xC2B2AE3D27D4EB4F)


def detect(header: Sequence[str]) -> bool:
    """A header with a person, a week or date, a tool and an action count."""
    names = {normalise_header(h) for h in header}

    def has(column: Column) -> bool:
        return any(normalise_header(s) in names for s in column.spellings())

    person, week, day, tool, actions = COLUMNS[:5]
    return has(person) and (has(week) or has(day)) and has(tool) and has(actions)


def _open(source: Source, name: str, overrides: Mapping[str, str] | None) -> tuple[CsvFile, bool]:
    csv_file = open_csv(source, COLUMNS, name=name, overrides=overrides)
    has_week = csv_file.position("week") is not None
    has_date = csv_file.position("date") is not None
    if has_week == has_date:
        which = "both 'week' and 'date'" if has_week else "no 'week' or 'date' column"
        accepted = ", ".join(repr(s) for s in (*COLUMNS[1].spellings(), *COLUMNS[2].spellings()))
        raise UsageFileError(name, 1, None, f"the file has {which}; give one of: {accepted}")
    return csv_file, has_date


def read_frames(
    source: Source,
    *,
    today: date | None = None,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
    chunksize: int = 262_144,
) -> ParseResult[pd.DataFrame]:
    """Validated chunks with columns `FRAME_COLUMNS` (`week` as datetime64, the Monday;
    `active_days` as nullable Int64). The fast path for large files."""
    name = source_name(source, file_name)
    csv_file, daily = _open(source, name, overrides)
    positions = csv_file.header_map.positions
    report = ParseReport(
        format=FORMAT,
        file=name,
        columns_used=tuple(csv_file.headers[p] for p in positions.values()),
        columns_ignored=csv_file.header_map.unknown,
    )
    limit = pd.Timestamp(today or today_utc())
    frames = _frames(csv_file, daily, report, limit, chunksize)
    if daily:
        frames = _weekly_from_daily(frames, report)
    return ParseResult(_finish(frames, report), report)


def _frames(
    csv_file: CsvFile, daily: bool, report: ParseReport, today: pd.Timestamp, chunksize: int
) -> Iterator[pd.DataFrame]:
    pos = csv_file.header_map.positions
    when = pos["date" if daily else "week"]
    text = [pos["person"], pos["tool"], when]
    wanted = sorted(pos.values())
    duplicates = DuplicateTracker()
    chunks = read_chunks(
        csv_file, wanted, text_positions=text, chunksize=chunksize, text_as_category=True
    )
    for first_line, raw_chunk in chunks:
        chunk = raw_chunk.reset_index(drop=True)
        lines = np.arange(first_line, first_line + len(chunk), dtype=np.int64)
        person, tool = TextColumn.of(chunk, pos["person"]), TextColumn.of(chunk, pos["tool"])
        blank = person.empty() & tool.empty() & chunk[pos["actions"]].isna().to_numpy()
        if blank.any():
            keep = ~blank
            chunk, lines = chunk[keep].reset_index(drop=True), lines[keep]
            person = TextColumn(person.codes[keep], person.uniques)
            tool = TextColumn(tool.codes[keep], tool.uniques)
            report.skipped += int(blank.sum())
        if chunk.empty:
            continue
        report.rows_read += len(chunk)
        found: list[UsageFileError] = []
        out = _convert(chunk, csv_file, daily, today, person, tool, found)
        for problem in found:  # lines inside the chunk → lines in the file
            line = None if problem.line is None else int(lines[problem.line])
            report.problem(UsageFileError(problem.file, line, problem.column, problem.message))
        out["line"] = lines
        days = out["week"].to_numpy().astype("datetime64[D]").astype(np.uint64)
        mixed = person.hashes() ^ (tool.hashes() * _MIX_TOOL) ^ (days * _MIX_DAY)
        duplicates.add_hashes(mixed, lines)
        yield out
    repeat = duplicates.first_repeat()
    if repeat is not None:
        what = "the same person, date and tool" if daily else "the same person, week and tool"
        report.problems.append(duplicate_error(csv_file.name, repeat[0], repeat[1], what))
    report.raise_problems()


def _convert(
    chunk: pd.DataFrame,
    csv_file: CsvFile,
    daily: bool,
    today: pd.Timestamp,
    person: TextColumn,
    tool: TextColumn,
    problems: list[UsageFileError],
) -> pd.DataFrame:
    """Check and convert one chunk; each problem is noted with its row in the chunk as `line`."""
    pos = csv_file.header_map.positions
    for column, field in ((person, "person"), (tool, "tool")):
        empty = column.empty()
        if not empty.any():
            continue
        note_bad(
            problems,
            empty,
            pd.Series(column.values()),
            first_line=0,
            csv_file=csv_file,
            header=csv_file.headers[pos[field]],
            describe="is empty",
        )
    when = pos["date" if daily else "week"]
    dates = date_column(
        chunk, when, first_line=0, csv_file=csv_file, today=today, problems=problems
    )
    return pd.DataFrame(
        {
            "external_id": person.categorical(),
            "week": dates if daily else to_monday(dates),
            "tool": tool.categorical(),
            "actions": _counts(chunk, csv_file, "actions", problems),
            "agent_actions": _counts(chunk, csv_file, "agent_actions", problems),
            "active_days": _active_days(chunk, csv_file, problems),
        }
    )


def _counts(
    chunk: pd.DataFrame, csv_file: CsvFile, field: str, problems: list[UsageFileError]
) -> pd.Series:
    position = csv_file.position(field)
    if position is None:
        return pd.Series(np.zeros(len(chunk), dtype=np.int64))
    return numeric_column(
        chunk,
        position,
        first_line=0,
        csv_file=csv_file,
        maximum=MAX_WEEKLY_ACTIONS,
        problems=problems,
    )


def _active_days(
    chunk: pd.DataFrame, csv_file: CsvFile, problems: list[UsageFileError]
) -> pd.Series:
    position = csv_file.position("active_days")
    if position is None:
        size = len(chunk)
        return pd.Series(pd.arrays.IntegerArray(np.zeros(size, np.int64), np.ones(size, bool)))
    days = numeric_column(
        chunk, position, first_line=0, csv_file=csv_file, maximum=7, problems=problems
    )
    return days.astype("Int64").where(chunk[position].notna(), None)


def _weekly_from_daily(
    frames: Iterator[pd.DataFrame], report: ParseReport
) -> Iterator[pd.DataFrame]:
    daily = pd.concat(list(frames), ignore_index=True)
    if daily.empty:
        return
    daily["active"] = (daily["actions"] > 0).astype(np.int64)
    daily["week"] = to_monday(daily["week"])
    weekly = daily.groupby(["external_id", "week", "tool"], sort=True, as_index=False).agg(
        actions=("actions", "sum"),
        agent_actions=("agent_actions", "sum"),
        given_days=("active_days", "max"),
        counted_days=("active", "sum"),
        line=("line", "min"),
    )
    given = weekly["given_days"]
    weekly["active_days"] = given.where(given.notna(), weekly["counted_days"]).astype("Int64")
    report.warnings.append(f"daily rows summed into {len(weekly):,} person-week-tool records")
    yield weekly[list(FRAME_COLUMNS)]


def _finish(frames: Iterator[pd.DataFrame], report: ParseReport) -> Iterator[pd.DataFrame]:
    for frame in frames:
        if frame.empty:
            continue
        report.records += len(frame)
        report.see_week(frame["week"].min().date())
        report.see_week(frame["week"].max().date())
        yield frame
    report.complete = True


def rows_from_frames(frames: Iterator[pd.DataFrame]) -> Iterator[ParsedUsageRow]:
    """Turn validated frames into `ParsedUsageRow`s (the slow, convenient path)."""
    for frame in frames:
        days = frame["active_days"].astype(object).where(frame["active_days"].notna(), None)
        for person, week, tool, actions, agents, active, line in zip(
            frame["external_id"].tolist(),
            frame["week"].dt.date.tolist(),
            frame["tool"].tolist(),
            frame["actions"].tolist(),
            frame["agent_actions"].tolist(),
            days.tolist(),
            frame["line"].tolist(),
            strict=True,
        ):
            yield ParsedUsageRow(
                external_id=person,
                week=week,
                tool=tool,
                actions=int(actions),
                agent_actions=int(agents),
                active_days=None if active is None else int(active),
                line=int(line),
            )


def parse(
    source: Source,
    *,
    today: date | None = None,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ParseResult[ParsedUsageRow]:
    frames, report = read_frames(source, today=today, file_name=file_name, overrides=overrides)
    return ParseResult(rows_from_frames(frames), report)


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
    overrides: Mapping[str, str] | None = None,
) -> UsageRead:
    """The whole file as the standard usage frame (see `read_frames`)."""
    del scope  # one signature for every format
    progress = Progress(path, on_progress)
    return read_chunked(
        FORMAT,
        read_frames(path, today=today, file_name=file_name, overrides=overrides),
        progress,
    )
