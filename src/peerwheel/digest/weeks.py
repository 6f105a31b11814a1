"""ISO weeks ("2026-W10"): the digest's unit. A week runs Monday 00:00 to the next Monday in
the server's time zone (settings.TIME_ZONE)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class WeekError(ValueError):
    """A week that cannot be read; the message says what was given and what to write."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """`2026-W10` (or `2026W10`, `2026-w10`); anything else is a WeekError."""
        match = _WEEK.match(text.strip())
        if match is None:
            raise WeekError(f"{text!r} is not an ISO week; write it as YYYY-Www, e.g. 2026-W10")
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            last = date(year, 12, 28).isocalendar().week
            raise WeekError(
                f"{text!r}: the ISO weeks of {year} run from {year}-W01 to {year}-W{last:02d}"
            ) from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def current(cls) -> IsoWeek:
        return cls.of(timezone.localdate())

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.monday, time.min))

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 (exclusive)."""
        return timezone.make_aware(datetime.combine(self.monday + timedelta(days=7), time.min))

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(weeks=weeks))

    @property
    def label(self) -> str:
        """ "the week of 2 March 2026"."""
        return f"the week of {self.monday.day} {self.monday:%B %Y}"


def last_complete_week(today: date | None = None) -> IsoWeek:
    """The week before the current one: what a Monday-morning send is about."""
    return IsoWeek.of((today or timezone.localdate()) - timedelta(days=7))
