"""`github-copilot-seats`: Copilot seat assignments (`GET /orgs/{org}/copilot/billing/seats`).

`{"total_seats": N, "seats": [{"assignee": {"login": ...}, "last_activity_at": ...,
"last_activity_editor": ..., "created_at": ..., "pending_cancellation_date": "YYYY-MM-DD" | null,
...}]}`; a bare list of seats (pages joined) is accepted too, and so is the enterprise listing
(`GET /enterprises/{enterprise}/copilot/billing/seats`), where a user seated through two
organisations is listed once per organisation. One `SeatRow` per login: one person, however
many seats; the seat with the latest activity wins (the report says how many logins had more
than one seat).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ._base import (
    ParseReport,
    ParseResult,
    Source,
    UsageFileError,
    monday,
    source_name,
    today_utc,
)
from ._frame import Progress, ProgressCallback, UsageRead, frame_from_rows
from ._json import line_of, load_json

FORMAT = "github-copilot-seats"
TOOL = "GitHub Copilot"


@dataclass(frozen=True, slots=True)
class SeatRow:
    login: str
    last_activity_at: datetime | None
    last_activity_editor: str
    created_at: datetime | None
    plan_type: str
    assigning_team: str
    pending_cancellation_date: date | None
    line: int


def detect(header: Sequence[str]) -> bool:
    """`header`: the top-level keys (or the first seat's keys for a bare list)."""
    keys = set(header)
    return "seats" in keys or {"assignee", "last_activity_at"} <= keys


def _timestamp(value: object, name: str, line: int, column: str, today: date) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise UsageFileError(name, line, column, f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.astimezone(UTC).date() > today:
        raise UsageFileError(name, line, column, f"{value} is in the future (today is {today})")
    return moment


def _day(value: object, name: str, line: int, column: str) -> date | None:
    """An optional `YYYY-MM-DD` (the API's `pending_cancellation_date`); empty or null: None."""
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        raise UsageFileError(
            name, line, column, f"{value!r} is not a date; the API writes YYYY-MM-DD"
        ) from None


def _latest(a: SeatRow, b: SeatRow) -> SeatRow:
    """Of two seats of one login, the one with the latest activity (never used loses)."""
    if b.last_activity_at is None:
        return a
    if a.last_activity_at is None or b.last_activity_at > a.last_activity_at:
        return b
    return a


def parse(
    source: Source, *, today: date | None = None, file_name: str | None = None
) -> ParseResult[SeatRow]:
    name = source_name(source, file_name)
    document, text = load_json(source, name)
    report = ParseReport(format=FORMAT, file=name)
    if isinstance(document, dict):
        seats = document.get("seats")
        total = document.get("total_seats")
    else:
        seats, total = document, None
    if not isinstance(seats, list):
        raise UsageFileError(name, 1, "seats", "expected a 'seats' list, as the seats API returns")
    # the enterprise listing counts a user seated through several organisations once
    people = len(
        {
            str(seat["assignee"].get("login", "")).strip().lower()
            for seat in seats
            if isinstance(seat, dict) and isinstance(seat.get("assignee"), dict)
        }
    )
    if isinstance(total, int) and total not in (len(seats), people):
        report.warnings.append(
            f"total_seats is {total} but the file lists {people}: "
            "fetch every page (per_page=100&page=2, ...) and join them"
        )
    return ParseResult(_records(seats, text, name, today or today_utc(), report), report)


def _records(
    seats: list[object], text: str, name: str, today: date, report: ParseReport
) -> Iterator[SeatRow]:
    by_login: dict[str, SeatRow] = {}
    seats_of: dict[str, int] = {}
    for index, seat in enumerate(seats):
        try:
            path = f"seats[{index}]"
            assignee = seat.get("assignee") if isinstance(seat, dict) else None
            login = assignee.get("login") if isinstance(assignee, dict) else None
            if not isinstance(seat, dict) or not isinstance(login, str) or not login.strip():
                raise UsageFileError(name, None, f"{path}.assignee.login", "missing")
            key = login.strip().lower()
            seats_of[key] = seats_of.get(key, 0) + 1
            line = line_of(text, "login", login, occurrence=seats_of[key]) or 0
            report.rows_read += 1
            last = _timestamp(
                seat.get("last_activity_at"), name, line, f"{path}.last_activity_at", today
            )
            created = _timestamp(seat.get("created_at"), name, line, f"{path}.created_at", today)
            pending = _day(
                seat.get("pending_cancellation_date"),
                name,
                line,
                f"{path}.pending_cancellation_date",
            )
            team = seat.get("assigning_team")
            row = SeatRow(
                login=login.strip(),
                last_activity_at=last,
                last_activity_editor=str(seat.get("last_activity_editor") or ""),
                created_at=created,
                plan_type=str(seat.get("plan_type") or ""),
                assigning_team=str(team.get("slug") or "") if isinstance(team, dict) else "",
                pending_cancellation_date=pending,
                line=line,
            )
            by_login[key] = _latest(by_login[key], row) if key in by_login else row
        except UsageFileError as exc:
            report.problem(exc)
    report.raise_problems()
    several = sum(1 for count in seats_of.values() if count > 1)
    if several:
        report.warnings.append(
            f"{several} login(s) hold more than one seat (seated through several "
            "organisations of the enterprise): each is one person, counted once, with the "
            "latest activity of their seats"
        )
    for row in by_login.values():
        report.records += 1
        if row.last_activity_at is not None:
            report.see_week(monday(row.last_activity_at.date()))
        yield row
    report.complete = True


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
) -> UsageRead:
    """Each seat with a last activity gives one record of one action in that week."""
    del scope  # one signature for every format
    progress = Progress(path, on_progress)
    seats, report = parse(path, today=today, file_name=file_name)
    usage = frame_from_rows(
        (s.login, monday(s.last_activity_at.date()), TOOL, 1, 0, 1, s.line)
        for s in progress.counted(seats, report)
        if s.last_activity_at is not None
    )
    return UsageRead(FORMAT, report, usage=usage)
