"""Working days: the review deadline skips weekends and holidays."""

from __future__ import annotations

from datetime import date

import pytest

from peerwheel.engine.working_days import add_working_days, is_working_day, working_days_between

# 2026-03-06 is a Friday; 2026-03-07/08 the weekend; 2026-03-09 a Monday.
FRIDAY, SATURDAY, SUNDAY, MONDAY = (date(2026, 3, d) for d in (6, 7, 8, 9))
TUESDAY, WEDNESDAY = date(2026, 3, 10), date(2026, 3, 11)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 3, 4), 2, FRIDAY),  # Wednesday + 2: no weekend in between
        (date(2026, 3, 5), 2, MONDAY),  # Thursday + 2: Friday, then Monday
        (FRIDAY, 2, TUESDAY),  # across the weekend
        (SATURDAY, 2, TUESDAY),  # asked at the weekend: Monday counts first
        (SUNDAY, 1, MONDAY),
        (FRIDAY, 1, MONDAY),
        (FRIDAY, 0, FRIDAY),
        (SATURDAY, 0, MONDAY),
        (FRIDAY, 10, date(2026, 3, 20)),  # two whole weeks
    ],
)
def test_deadlines_skip_the_weekend(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days) == due


def test_holidays_are_skipped_too() -> None:
    assert add_working_days(FRIDAY, 2, {MONDAY}) == WEDNESDAY
    assert add_working_days(FRIDAY, 2, {SATURDAY}) == TUESDAY  # a weekend holiday changes nothing
    assert not is_working_day(MONDAY, {MONDAY})
    assert is_working_day(TUESDAY, {MONDAY})


def test_working_days_between_counts_the_days_after_the_start() -> None:
    assert working_days_between(FRIDAY, TUESDAY) == 2
    assert working_days_between(FRIDAY, SUNDAY) == 0
    assert working_days_between(TUESDAY, FRIDAY) == 0
    assert working_days_between(FRIDAY, date(2026, 3, 20), {MONDAY}) == 9


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(FRIDAY, -1)
