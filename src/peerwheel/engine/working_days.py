"""Working days: deadlines that skip weekends and an optional list of holidays.

Pure: dates in, dates out. The catalogue's review deadline ("answered within 2 working days")
is `add_working_days(asked_on, 2, holidays)`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

#: Monday is 0: Saturday and Sunday are not working days.
WEEKEND = frozenset({5, 6})


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The day `days` working days after `start` (`start` itself never counts).

    Asked on a Friday with 2 days: Tuesday. Asked on a Saturday: Tuesday too (Monday is the
    first). 0 days: `start` when it is a working day, else the next working day.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    day = start
    if days == 0:
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        return day
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    if end <= start:
        return 0
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), holidays)
    )
