"""`chatgpt-enterprise`: the ChatGPT Enterprise user analytics CSV (weekly or daily report).

Columns as the workspace export writes them: `cadence, period_start, period_end, ..., name,
email, ..., user_status, ..., messages, ..., gpt_messages, ..., tool_messages,
tool_to_messages, project_messages, ...`. Unknown extra columns are ignored and listed in the
report.

One `ParsedUsageRow` per user and week, tool "ChatGPT Enterprise": actions = `messages` (what the
person sent); `gpt_messages`, `tool_messages` and `project_messages` describe those messages and
are not added; `credits_used` (billing, not use) is read past without a warning. Agent actions
are the `tool_to_messages` counts of tools named like "Agent".
A weekly period starts on a Sunday; its week is the Monday of the ISO week holding most of it
(start + 3 days). Daily reports are summed into weeks, with active days counted. Monthly reports
cannot be split into weeks and are refused. Invited users who never joined (`pending`, no
messages) are skipped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from peerwheel.engine.tabular import Column, TabularRow, normalise_header

from ._base import (
    MAX_WEEKLY_ACTIONS,
    ParsedUsageRow,
    ParseReport,
    ParseResult,
    Source,
    UsageFileError,
    duplicate_error,
    monday,
    parse_count,
    parse_date,
    source_name,
    today_utc,
)
from ._frame import Progress, ProgressCallback, UsageRead, frame_from_rows
from ._rows import open_rows

FORMAT = "chatgpt-enterprise"
TOOL = "ChatGPT Enterprise"
COLUMNS = (
    Column("email", aliases=("user_email", "Email"), required=True),
    Column("period_start", aliases=("week_start", "period", "start_date", "date"), required=True),
    Column("period_end", aliases=("end_date",)),
    Column("cadence"),
    Column("name", aliases=("user_name", "display_name")),
    Column("user_status", aliases=("status",)),
    Column("messages", aliases=("total_messages", "message_count"), required=True),
    Column("tool_to_messages"),
)
#: Columns real exports have that say nothing more about usage: read past without a warning.
KNOWN = frozenset(
    normalise_header(n)
    for n in (
        "account_id",
        "public_id",
        "role",
        "user_role",
        "department",
        "groups",
        "created_or_invited_date",
        "is_active",
        "first_day_active_in_period",
        "last_day_active_in_period",
        "messages_rank",
        "model_to_messages",
        "gpt_messages",
        "gpts_messaged",
        "gpt_to_messages",
        "tool_messages",
        "tools_messaged",
        "project_messages",
        "projects_messaged",
        "project_to_messages",
        "projects_created",
        "last_day_active",
        # Credits spent (billing under flexible pricing), not a count of use: read past.
        "credits_used",
    )
)


def detect(header: Sequence[str]) -> bool:
    keys = {normalise_header(h) for h in header}
    return "email" in keys and "messages" in keys and ("periodstart" in keys or "cadence" in keys)


def _agent_messages(raw: str, name: str, line: int) -> int:
    if not raw.strip():
        return 0
    try:
        tools = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        raise UsageFileError(
            name, line, "tool_to_messages", f"{raw[:40]!r} is not a mapping"
        ) from None
    if not isinstance(tools, dict):
        return 0
    return sum(
        parse_count(v, file=name, line=line, column="tool_to_messages")
        for k, v in tools.items()
        if "agent" in str(k).lower()
    )


def parse(
    source: Source,
    *,
    today: date | None = None,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ParseResult[ParsedUsageRow]:
    name = source_name(source, file_name)
    header_map, rows = open_rows(source, COLUMNS, name=name, overrides=overrides)
    unknown = tuple(h for h in header_map.unknown if normalise_header(h) not in KNOWN)
    report = ParseReport(
        format=FORMAT,
        file=name,
        columns_used=tuple(header_map.headers[p] for p in sorted(header_map.positions.values())),
        columns_ignored=unknown,
    )
    if unknown:
        report.warnings.append(f"ignored unknown columns: {', '.join(unknown)}")
    return ParseResult(_records(rows, name, today or today_utc(), report), report)


def _records(
    rows: Iterator[TabularRow], name: str, today: date, report: ParseReport
) -> Iterator[ParsedUsageRow]:
    # Reports are one row per user per period, small enough to gather before summing days.
    weeks: dict[tuple[str, date], list[int]] = {}  # messages, agents, active days, line
    seen: dict[tuple[str, date], int] = {}
    for row in rows:
        report.rows_read += 1
        try:
            email = row.get("email").strip().lower()
            if not email:
                raise UsageFileError(name, row.line, "email", "is empty")
            start = parse_date(
                row.get("period_start"),
                file=name,
                line=row.line,
                column="period_start",
                today=today,
            )
            if start is None:
                continue
            span = _period_days(row, start, name, today)
            key = (email, start)
            if key in seen:
                raise duplicate_error(name, row.line, seen[key], f"{email} for the period {start}")
            seen[key] = row.line
            if row.get("user_status").lower() == "pending" and not row.get("messages"):
                report.skipped += 1
                continue
            messages = parse_count(row.get("messages"), file=name, line=row.line, column="messages")
            agents = _agent_messages(row.get("tool_to_messages"), name, row.line)
            week = monday(start + timedelta(days=3)) if span == 7 else monday(start)
            slot = weeks.setdefault((email, week), [0, 0, 0, row.line])
            slot[0] += messages
            slot[1] += agents
            slot[2] = slot[2] + (1 if messages else 0) if span == 1 else -1
            if slot[0] > MAX_WEEKLY_ACTIONS:
                raise UsageFileError(
                    name, row.line, "messages", "implausibly many messages in a week"
                )
            if row.get("name"):
                report.people.setdefault(email, {"name": row.get("name")})
        except UsageFileError as exc:
            report.problem(exc)
    report.raise_problems()
    for (email, week), (messages, agents, days, line) in sorted(weeks.items()):
        report.records += 1
        report.see_week(week)
        yield ParsedUsageRow(email, week, TOOL, messages, agents, None if days < 0 else days, line)
    report.complete = True


def _period_days(row: TabularRow, start: date, name: str, today: date) -> int:
    """7 for a weekly row, 1 for a daily one; monthly reports are refused."""
    cadence = row.get("cadence").strip().lower()
    end = parse_date(
        row.get("period_end"),
        file=name,
        line=row.line,
        column="period_end",
        today=today + timedelta(days=7),
        allow_empty=True,
    )
    span = (end - start).days + 1 if end is not None else {"weekly": 7, "daily": 1}.get(cadence, 7)
    if cadence == "monthly" or span > 7:
        raise UsageFileError(
            name,
            row.line,
            "cadence",
            "a monthly report cannot be split into weeks; export the weekly user report",
        )
    if span not in (1, 7):
        raise UsageFileError(
            name, row.line, "period_end", f"a {span}-day period is neither a day nor a week"
        )
    return span


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
    overrides: Mapping[str, str] | None = None,
) -> UsageRead:
    """The whole file as the standard usage frame: one row per user and week."""
    del scope  # one signature for every format
    progress = Progress(path, on_progress)
    rows, report = parse(path, today=today, file_name=file_name, overrides=overrides)
    usage = frame_from_rows(
        (r.external_id, r.week, r.tool, r.actions, r.agent_actions, r.active_days, r.line)
        for r in progress.counted(rows, report)
    )
    return UsageRead(FORMAT, report, usage=usage)
