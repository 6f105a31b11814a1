"""`m365-copilot-usage`: the Microsoft 365 admin center Copilot usage user-detail CSV.

Both report versions (v1: last activity dates per app; v2 adds prompts submitted, active usage
days, Copilot Chat work/web, the Microsoft 365 Copilot app, Edge and agents), in either
documented column order and with the older admin center labels (`User name`, `Last activity of
<App> Copilot`, `Last activity date of <App> Copilot (UTC)`). The Graph API's camelCase names
(`microsoftTeamsCopilotLastActivityDate`) match too. Report period: 7, 28, 30, 90, 180 days or
`ALL`.

The report gives dates: each user yields one `CopilotActivityRow` per app column, with the
app's last activity date (`None` when the cell is empty: never used, which is not an error).
Version 2 adds counts over the report's period: prompts submitted (all apps, Copilot Chat work
and web) and active usage days. `read` keeps a 7-day report's prompts as that week's actions and
its active days; longer periods cannot be split into weeks. Every licensed user the report lists
without use in its week is an enabled non-user (a record of 0 actions). Anonymised user names
(32 hex characters) are flagged and must never be joined to people; the report says how to turn
anonymisation off.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path

from peerwheel.engine.tabular import Column, TabularRow, normalise_header

from ._base import (
    ANONYMISED_ID,
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

FORMAT = "m365-copilot-usage"
ALL_APPS = "All Copilot apps"
#: The tool of a user's weekly prompt count, and of a licensed user's week without use.
COUNTED_TOOL = "Microsoft 365 Copilot (all apps)"
ANONYMISED_HELP = (
    "user names in this report are anonymised, so its rows cannot be matched to people. To turn "
    'that off: Microsoft 365 admin center > Settings > Org settings > Reports > tick "Display '
    'concealed user, group, and site names in all reports", then export the report again'
)


@dataclass(frozen=True, slots=True)
class CopilotActivityRow:
    """One user and one Copilot app: when it was last used (None: never, in the period)."""

    external_id: str
    display_name: str
    anonymised: bool
    tool: str
    last_activity: date | None
    report_refresh_date: date
    report_period_days: int | None
    prompts_submitted: int | None
    active_days: int | None
    line: int


def _app(tool: str, *spellings: str) -> tuple[str, Column]:
    """The app's column; each older `Last activity of <App>` label is also read in the older
    admin center's other spelling, `Last activity date of <App> (UTC)`."""
    field = normalise_header(tool)
    older = tuple(
        f"Last activity date of {s.removeprefix('Last activity of ')} (UTC)"
        for s in spellings
        if s.startswith("Last activity of ")
    )
    return tool, Column(field, aliases=(*spellings, *older))


# tool name → column, in the report's order. Each app: the current spelling and the older one.
_APPS = dict(
    (
        _app(
            "Copilot in Teams",
            "Microsoft Teams Copilot Last Activity Date",
            "Last activity of Microsoft Teams Copilot",
            "Teams Copilot Last Activity Date",
        ),
        _app("Copilot in Word", "Word Copilot Last Activity Date", "Last activity of Word Copilot"),
        _app(
            "Copilot in Excel", "Excel Copilot Last Activity Date", "Last activity of Excel Copilot"
        ),
        _app(
            "Copilot in PowerPoint",
            "PowerPoint Copilot Last Activity Date",
            "Last activity of PowerPoint Copilot",
        ),
        _app(
            "Copilot in Outlook",
            "Outlook Copilot Last Activity Date",
            "Last activity of Outlook Copilot",
        ),
        _app(
            "Copilot in OneNote",
            "OneNote Copilot Last Activity Date",
            "Last activity of OneNote Copilot",
        ),
        _app("Copilot in Loop", "Loop Copilot Last Activity Date", "Last activity of Loop Copilot"),
        _app(
            "Copilot Chat",
            "Copilot Chat Last Activity Date",
            "Last activity of Copilot Chat",
            "Microsoft 365 Chat Last Activity Date",
            "Business Chat Last Activity Date",
        ),
        _app("Copilot Chat (work)", "Copilot Chat (work) Last Activity Date"),
        _app("Copilot Chat (web)", "Copilot Chat (web) Last Activity Date"),
        _app("Microsoft 365 Copilot app", "Microsoft 365 Copilot Last Activity Date"),
        _app("Copilot in Edge", "Edge Last Activity Date", "Edge Copilot Last Activity Date"),
        _app("Copilot agents", "Copilot Agent Last Activity Date", "Agent Last Activity Date"),
    )
)
_PROMPTS = {
    ALL_APPS: Column(
        "prompts_all", aliases=("Prompts submitted for all apps", "Prompts submitted")
    ),
    "Copilot Chat (work)": Column(
        "prompts_chat_work", aliases=("Prompts submitted for Copilot Chat (work)",)
    ),
    "Copilot Chat (web)": Column(
        "prompts_chat_web", aliases=("Prompts submitted for Copilot Chat (web)",)
    ),
}
COLUMNS = (
    Column("report_refresh_date", aliases=("Report Refresh Date",), required=True),
    Column(
        "upn",
        aliases=("User Principal Name", "UserPrincipalName", "UPN", "User name"),
        required=True,
    ),
    Column("display_name", aliases=("Display Name", "DisplayName")),
    Column("last_activity", aliases=("Last Activity Date", "Last activity date (UTC)")),
    Column("report_period", aliases=("Report Period",)),
    Column("active_days", aliases=("Active Usage Days for all apps", "Active Usage Days")),
    *_APPS.values(),
    *_PROMPTS.values(),
)


def detect(header: Sequence[str]) -> bool:
    keys = {normalise_header(h) for h in header}
    has_apps = any(
        normalise_header(s) in keys for column in _APPS.values() for s in column.spellings()
    )
    has_user = bool({"userprincipalname", "username"} & keys)
    return has_user and "reportrefreshdate" in keys and has_apps


#: The report's periods in days (`D7` ... `D180` in the Graph API); `ALL` (the v2 report's
#: "all time" view) is read as no fixed period (None), like an empty cell.
PERIODS = (7, 28, 30, 90, 180)


def _period(value: str, name: str, line: int) -> int | None:
    text = value.strip().upper().removeprefix("D")
    if not text or text == "ALL":
        return None
    if not text.isdigit() or int(text) not in PERIODS:
        raise UsageFileError(
            name, line, "Report Period", f"{value!r} is not 7, 28, 30, 90, 180 or ALL"
        )
    return int(text)


def parse(
    source: Source,
    *,
    today: date | None = None,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ParseResult[CopilotActivityRow]:
    name = source_name(source, file_name)
    header_map, rows = open_rows(source, COLUMNS, name=name, overrides=overrides)
    if not any(tool_column.field in header_map.positions for tool_column in _APPS.values()):
        accepted = ", ".join(repr(c.aliases[0]) for c in _APPS.values())
        raise UsageFileError(
            name, 1, None, f"no per-app last activity columns; expected {accepted}"
        )
    report = ParseReport(
        format=FORMAT,
        file=name,
        columns_used=tuple(header_map.headers[p] for p in sorted(header_map.positions.values())),
        columns_ignored=header_map.unknown,
    )
    return ParseResult(
        _records(rows, header_map.positions, name, today or today_utc(), report), report
    )


def _records(
    rows: Iterator[TabularRow],
    present: Mapping[str, int],
    name: str,
    today: date,
    report: ParseReport,
) -> Iterator[CopilotActivityRow]:
    seen: dict[tuple[str, date, int | None], int] = {}
    found: list[CopilotActivityRow] = []
    for row in rows:
        report.rows_read += 1
        try:
            found.extend(_rows_of(row, present, name, today, report, seen))
        except UsageFileError as exc:
            report.problem(exc)
    report.raise_problems()
    yield from found
    report.complete = True


def _rows_of(
    row: TabularRow,
    present: Mapping[str, int],
    name: str,
    today: date,
    report: ParseReport,
    seen: dict[tuple[str, date, int | None], int],
) -> list[CopilotActivityRow]:
    """One user's rows (every app), or a `UsageFileError` naming the line and column."""
    upn = row.get("upn")
    if not upn:
        raise UsageFileError(name, row.line, "User Principal Name", "is empty")
    refreshed = parse_date(
        row.get("report_refresh_date"),
        file=name,
        line=row.line,
        column="Report Refresh Date",
        today=today,
    )
    if refreshed is None:  # unreachable: the date is required
        return []
    period = _period(row.get("report_period"), name, row.line)
    key = (upn.lower(), refreshed, period)
    if key in seen:
        raise duplicate_error(name, row.line, seen[key], f"user {upn!r} in the same report")
    seen[key] = row.line
    anonymised = bool(ANONYMISED_ID.match(upn))
    if anonymised:
        report.anonymised_ids += 1
        if report.anonymised_ids == 1:
            report.warnings.append(ANONYMISED_HELP)

    # The weeks seen are those written (each app's last activity, in `read`), not the refresh
    # week: a report refreshed on 20 August may write nothing later than 4 August.
    return list(
        _user_rows(_Row(row, upn, refreshed, period, anonymised), present, name, today, report)
    )


@dataclass(frozen=True)
class _Row:
    row: TabularRow
    upn: str
    refreshed: date
    period: int | None
    anonymised: bool


def _user_rows(
    ctx: _Row, present: Mapping[str, int], name: str, today: date, report: ParseReport
) -> list[CopilotActivityRow]:
    rows: list[CopilotActivityRow] = []

    def when(field: str, column: str) -> date | None:
        day = parse_date(
            ctx.row.get(field),
            file=name,
            line=ctx.row.line,
            column=column,
            today=today,
            allow_empty=True,
        )
        if day is not None and day > ctx.refreshed:
            raise UsageFileError(
                name,
                ctx.row.line,
                column,
                f"{day} is after the report refresh date {ctx.refreshed}",
            )
        return day

    def count(field: str, column: str, maximum: int) -> int | None:
        if field not in present or not ctx.row.get(field).strip():
            return None
        return parse_count(
            ctx.row.get(field), file=name, line=ctx.row.line, column=column, maximum=maximum
        )

    def record(
        tool: str, last: date | None, prompts: int | None, days: int | None
    ) -> CopilotActivityRow:
        report.records += 1
        return CopilotActivityRow(
            external_id=ctx.upn,
            display_name=ctx.row.get("display_name"),
            anonymised=ctx.anonymised,
            tool=tool,
            last_activity=last,
            report_refresh_date=ctx.refreshed,
            report_period_days=ctx.period,
            prompts_submitted=prompts,
            active_days=days,
            line=ctx.row.line,
        )

    if "last_activity" in present:
        rows.append(
            record(
                ALL_APPS,
                when("last_activity", "Last Activity Date"),
                count("prompts_all", "Prompts submitted for all apps", 10**7),
                count("active_days", "Active Usage Days for all apps", ctx.period or 36_500),
            )
        )
    for tool, column in _APPS.items():
        if column.field not in present:
            continue
        prompts = _PROMPTS.get(tool)
        rows.append(
            record(
                tool,
                when(column.field, column.aliases[0]),
                None if prompts is None else count(prompts.field, prompts.aliases[0], 10**7),
                None,
            )
        )
    return rows


def report_week(refreshed: date) -> date:
    """The week a report describes: the ISO week holding most of the 7 days up to its refresh
    date (a report refreshed on a Wednesday speaks for the week before)."""
    return monday(refreshed - timedelta(days=3))


@dataclass
class _Tally:
    """What `read` wrote besides the last-activity records, for the report."""

    counted: int = 0
    non_users: int = 0
    uncounted: int = 0
    periods: set[int | None] = field(default_factory=set)
    weeks: set[date] = field(default_factory=set)


def _user_records(
    rows: list[CopilotActivityRow], tally: _Tally
) -> Iterator[tuple[str, date, str, int, int, int | None, int]]:
    """One user's records: the week's prompt count (a 7-day v2 report) or, for a licensed user
    who did not use Copilot in the report's week, a record of 0 actions; then one action in the
    week of each app's last use, unless the prompt count already covers that day."""
    first = rows[0]
    week = report_week(first.report_refresh_date)
    overall = next((r for r in rows if r.tool == ALL_APPS), None)
    prompts = overall.prompts_submitted if overall is not None else None
    days = overall.active_days if overall is not None else None
    counted = first.report_period_days == 7 and prompts is not None
    last = max((r.last_activity for r in rows if r.last_activity is not None), default=None)
    if counted and prompts is not None:
        tally.counted += 1
        tally.weeks.add(week)
        yield (first.external_id, week, COUNTED_TOOL, prompts, 0, days, first.line)
    elif last is None or last < week:
        tally.non_users += 1
        tally.weeks.add(week)
        yield (first.external_id, week, COUNTED_TOOL, 0, 0, 0, first.line)
    if not counted and (prompts is not None or days is not None):
        tally.uncounted += 1
        tally.periods.add(first.report_period_days)
    period_start = first.report_refresh_date - timedelta(days=6)
    for row in rows:
        if row.tool == ALL_APPS or row.last_activity is None:
            continue  # the overall date repeats one of the apps' dates
        agents = row.tool == "Copilot agents"
        if counted and prompts and not agents and row.last_activity >= period_start:
            continue  # inside the period the prompt count already counts it
        yield (
            row.external_id,
            monday(row.last_activity),
            row.tool,
            0 if agents else 1,
            int(agents),
            1,
            row.line,
        )


def _notes(tally: _Tally) -> list[str]:
    weeks = ", ".join(str(w) for w in sorted(tally.weeks))
    notes = []
    if tally.counted:
        notes.append(
            f"prompts submitted stored as actions ({COUNTED_TOOL!r}, with active usage days) "
            f"for {tally.counted:,} users, week of {weeks} (a 7-day report)"
        )
    if tally.non_users:
        notes.append(
            f"{tally.non_users:,} licensed users did not use Copilot in the report's week "
            f"({weeks}): recorded as enabled non-users (0 actions), so segments count them"
        )
    return notes


def _uncounted_warning(tally: _Tally) -> list[str]:
    if not tally.uncounted:
        return []
    spans = sorted(f"{p} days" if p else "all time" for p in tally.periods)
    return [
        f"prompts submitted and active usage days of {tally.uncounted:,} users cover the "
        f"report's whole period ({', '.join(spans)}), which cannot be split into weeks: not "
        "stored (last activity dates are). Export the 7-day report (Report Period 7) each "
        "week to store them"
    ]


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
    overrides: Mapping[str, str] | None = None,
) -> UsageRead:
    """Each app used gives one action in the week of its last use (agents: one agent action), a
    lower bound. A 7-day v2 report's prompts submitted are that week's count (with its active
    usage days); a licensed user with no activity in the report's week gets a record of 0 actions
    (an enabled non-user). Anonymised users are skipped (counted in the report)."""
    del scope  # one signature for every format
    progress = Progress(path, on_progress)
    activity, report = parse(path, today=today, file_name=file_name, overrides=overrides)
    tally = _Tally()
    records = []
    for _, user_rows in groupby(progress.counted(activity, report), key=lambda r: r.line):
        rows = list(user_rows)
        if rows[0].anonymised:
            continue
        for record in _user_records(rows, tally):
            report.see_week(record[1])
            records.append(record)
    report.notes.extend(_notes(tally))
    report.warnings.extend(_uncounted_warning(tally))
    return UsageRead(
        FORMAT, report, usage=frame_from_rows(records), counted_tools=frozenset({COUNTED_TOOL})
    )
