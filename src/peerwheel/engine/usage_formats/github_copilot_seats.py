"""`github-copilot-seats`: Copilot seat assignments (`GET /orgs/{org}/copilot/billing/seats`).

`{"total_seats": N, "seats": [{"assignee": {"login": ...}, "last_activity_at": ...,
"last_activity_editor": ..., "created_at": ..., ...}]}`; a bare list of seats (pages joined) is
accepted too. One `SeatRow` per login with its last activity (None: never used).
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
    if isinstance(total, int) and total != len(seats):
        report.warnings.append(
            f"total_seats is {total} but the file lists {len(seats)}: "
            "fetch every page (per_page=100&page=2, ...) and join them"
        )
    return ParseResult(_records(seats, text, name, today or today_utc(), report), report)


def _records(
    seats: list[object], text: str, name: str, today: date, report: ParseReport
) -> Iterator[SeatRow]:
    seen: dict[str, int] = {}
    found: list[SeatRow] = []
    for index, seat in enumerate(seats):
        try:
            path = f"seats[{index}]"
            assignee = seat.get("assignee") if isinstance(seat, dict) else None
            login = assignee.get("login") if isinstance(assignee, dict) else None
            if not isinstance(seat, dict) or not isinstance(login, str) or not login.strip():
                raise UsageFileError(name, None, f"{path}.assignee.login", "missing")
            line = line_of(text, "login", login) or 0
            key = login.strip().lower()
            if key in seen:
                raise UsageFileError(
                    name,
                    line,
                    f"{path}.assignee.login",
                    f"{login!r} has two seats (line {seen[key]})",
                )
            seen[key] = line
            report.rows_read += 1
            last = _timestamp(
                seat.get("last_activity_at"), name, line, f"{path}.last_activity_at", today
            )
            created = _timestamp(seat.get("created_at"), name, line, f"{path}.created_at", today)
            pending = seat.get("pending_cancellation_date")
            team = seat.get("assigning_team")
            report.records += 1
            if last is not None:
                report.see_week(monday(last.date()))
            found.append(
                SeatRow(
                    login=login.strip(),
                    last_activity_at=last,
                    last_activity_editor=str(seat.get("last_activity_editor") or ""),
                    created_at=created,
                    plan_type=str(seat.get("plan_type") or ""),
                    assigning_team=str(team.get("slug") or "") if isinstance(team, dict) else "",
                    pending_cancellation_date=None
                    if not pending
                    else datetime.fromisoformat(str(pending)).date(),
                    line=line,
                )
            )
        except UsageFileError as exc:
            report.problem(exc)
    report.raise_problems()
    yield from found
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
