"""What every usage format shares: the error, the record types, the report and small checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Generic, NamedTuple, TypeVar

from peerwheel.engine.tabular import TabularError

Source = str | Path | IO[bytes] | IO[str]

#: A person-week with more AI actions than this in one tool is treated as a broken export.
MAX_WEEKLY_ACTIONS = 100_000
#: Same, for a single day (GitHub's daily organisation metrics are per organisation, not person).
MAX_DAILY_ORG_ACTIONS = 100_000_000

ANONYMISED_ID = re.compile(r"^[0-9A-Fa-f]{32}$")
#: A file with more problems than this stops being read: the first ones say what to fix.
MAX_PROBLEMS = 100


class UsageFileError(TabularError):
    """A usage export that cannot be read, with the file, line and column and what to do."""

    def __init__(
        self, file: str | None, line: int | None, column: str | None, message: str
    ) -> None:
        super().__init__(message, file=file, line=line, column=column)


class UsageFileProblemsError(UsageFileError):
    """Every problem found in a file (each with its file, line and column), raised once the
    whole file has been read; reads as its first problem and how many more there are."""

    def __init__(self, problems: list[UsageFileError]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
        first = self.problems[0]
        more = len(self.problems) - 1
        message = first.message + (f" (and {more} more problem(s))" if more else "")
        super().__init__(first.file, first.line, first.column, message)


@dataclass(frozen=True, slots=True)
class ParsedUsageRow:
    """One person, one ISO week (its Monday), one tool: what a `UsageRecord` holds."""

    external_id: str
    week: date
    tool: str
    actions: int
    agent_actions: int = 0
    active_days: int | None = None
    line: int = 0


@dataclass
class ParseReport:
    """What a parse saw. Filled in while the records are consumed; `complete` once they are all
    read. `warnings` are things a person should look at but that do not stop the import."""

    format: str
    file: str
    rows_read: int = 0
    records: int = 0
    skipped: int = 0
    columns_used: tuple[str, ...] = ()
    columns_ignored: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    #: what a person may like to know (not a problem): the import's report lists them
    notes: list[str] = field(default_factory=list)
    first_week: date | None = None
    last_week: date | None = None
    anonymised_ids: int = 0
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    complete: bool = False
    problems: list[UsageFileError] = field(default_factory=list)

    def problem(self, error: UsageFileError) -> None:
        """Note a bad row and read on; past `MAX_PROBLEMS` stop here with what was found."""
        self.problems.append(error)
        if len(self.problems) >= MAX_PROBLEMS:
            raise UsageFileProblemsError(self.problems)

    def raise_problems(self) -> None:
        """At the end of the file: every problem found, at once (nothing is written)."""
        if self.problems:
            raise UsageFileProblemsError(self.problems)

    def see_week(self, week: date) -> None:
        if self.first_week is None or week < self.first_week:
            self.first_week = week
        if self.last_week is None or week > self.last_week:
            self.last_week = week


RecordT = TypeVar("RecordT")


class ParseResult(NamedTuple, Generic[RecordT]):
    """`records` is a lazy iterator; `report` fills in as it is consumed.

    Unpacks as `records, report = parse(path)`.
    """

    records: Iterator[RecordT]
    report: ParseReport


def today_utc() -> date:
    return datetime.now(tz=UTC).date()


def monday(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def source_name(source: Source, file_name: str | None) -> str:
    if file_name:
        return file_name
    if isinstance(source, str | Path):
        return str(source)
    return str(getattr(source, "name", "<upload>"))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y")


def parse_date(
    value: str, *, file: str, line: int, column: str, today: date, allow_empty: bool = False
) -> date | None:
    """ISO dates (optionally with a time), or M/D/YYYY as Microsoft exports write them."""
    text = value.strip()
    if not text:
        if allow_empty:
            return None
        raise UsageFileError(file, line, column, "the date is empty")
    parsed: date | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt).replace(tzinfo=UTC).date()
                break
            except ValueError:
                continue
    if parsed is None:
        raise UsageFileError(file, line, column, f"{text!r} is not a date; write it as YYYY-MM-DD")
    if parsed > today:
        raise UsageFileError(
            file, line, column, f"{parsed.isoformat()} is in the future (today is {today})"
        )
    return parsed


def parse_count(
    value: object, *, file: str, line: int | None, column: str, maximum: int = MAX_WEEKLY_ACTIONS
) -> int:
    """A whole, non-negative, plausible count. Empty means zero."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise UsageFileError(file, line, column, f"{value!r} is not a count")
    number: float
    if isinstance(value, int | float):
        number = value
    else:
        text = str(value).strip().replace(",", "") if isinstance(value, str) else str(value)
        try:
            number = float(text)
        except ValueError:
            raise UsageFileError(file, line, column, f"{value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")) or number != int(number):
        # NaN, infinite ("1e999") or a fraction
        raise UsageFileError(file, line, column, f"{value!r} is not a whole number")
    if number < 0:
        raise UsageFileError(file, line, column, f"{value!r} is negative; counts start at 0")
    if number > maximum:
        raise UsageFileError(
            file, line, column, f"{value!r} is implausibly large (more than {maximum:,})"
        )
    return int(number)


def duplicate_error(file: str, line: int, first_line: int, what: str) -> UsageFileError:
    return UsageFileError(
        file, line, None, f"duplicate row: {what} already appears on line {first_line}"
    )
