"""Single values of HR files: dates, and whether a row describes a leaver.

Pure parsing, shared by the CSV and SCIM readers of `hr_formats`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from peerwheel.engine.tabular import TabularError

#: The fields that say whether someone has left (`PersonRecord.active`).
LEAVER_FIELDS = frozenset({"status", "employment_status", "termination_date"})

#: `Status` values (BambooHR: Active / Inactive; Workday-like exports: Terminated, On Leave, ...).
_LEAVER_STATUS = frozenset(
    {
        "inactive",
        "terminated",
        "termed",
        "left",
        "leaver",
        "former",
        "former employee",
        "separated",
        "retired",
        "deceased",
        "disabled",
        "deactivated",
        "false",
        "no",
        "n",
        "0",
    }
)
_CURRENT_STATUS = frozenset(
    {
        "active",
        "current",
        "employed",
        "enabled",
        "on leave",
        "leave",
        "leave of absence",
        "loa",
        "suspended",
        "true",
        "yes",
        "y",
        "1",
    }
)
#: `Employment Status` is each account's own list (Full-Time, Part-Time, Contractor, ...): only
#: these values mean a leaver; any other is someone employed.
_LEAVER_EMPLOYMENT = frozenset(
    {
        "terminated",
        "termed",
        "inactive",
        "former employee",
        "left",
        "separated",
        "retired",
        "deceased",
    }
)

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_day(value: str, *, file: str, line: int, column: str, what: str = "date") -> date:
    """A date as HR exports write it: ISO `2026-09-01` (a time after it is ignored) or the US
    `9/1/2026` (month first) that Viva writes."""
    text = value.strip()
    if not text:
        raise TabularError(f"the {what} is empty", file=file, line=line, column=column)
    try:
        us = _US_DATE.match(text)
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
        if len(text) > 10 and text[10] in "T ":
            text = text[:10]  # 2026-09-01T00:00:00: the time says nothing here
        return date.fromisoformat(text)
    except ValueError:
        raise TabularError(
            f"{value!r} is not a date (use 2026-09-01 or 9/1/2026, month first)",
            file=file,
            line=line,
            column=column,
        ) from None


#: BambooHR writes an empty date as all zeros.
_NO_DATE = frozenset({"0000-00-00", "00/00/0000"})


def parse_leaver(
    values: Mapping[str, str],
    *,
    file: str,
    line: int,
    header_for: Mapping[str, str],
    today: date,
) -> tuple[bool | None, date | None]:
    """(active, left_on) from a row's status columns: None when the row does not say.

    A leaver: `Status` Inactive (BambooHR; Terminated, Left, ... in other exports) or an
    `Employment Status` of Terminated; with no status at all, a termination date that has
    passed. `left_on` is the termination date, for leavers only.
    """
    status = values.get("status", "").strip()
    employment = values.get("employment_status", "").strip()
    ended = values.get("termination_date", "").strip()
    left_on = None
    if ended and ended not in _NO_DATE:
        left_on = parse_day(
            ended,
            file=file,
            line=line,
            column=header_for.get("termination_date", "Termination Date"),
            what="termination date",
        )
    active: bool | None = None
    if status:
        key = status.lower()
        if key in _LEAVER_STATUS:
            active = False
        elif key in _CURRENT_STATUS:
            active = True
        else:
            raise TabularError(
                f"{status!r} is not a status we know: a leaver is Inactive or Terminated, "
                "someone still employed Active or On Leave (or map another column with --map)",
                file=file,
                line=line,
                column=header_for.get("status", "Status"),
            )
    if employment:
        if employment.lower() in _LEAVER_EMPLOYMENT:
            active = False
        elif active is None:
            active = True
    if active is None and left_on is not None:
        active = left_on > today  # a termination still to come: employed until then
    return active, (left_on if active is False else None)


def scim_active(value: object, *, file: str, index: int) -> bool | None:
    """RFC 7643 4.1.1 `active`, the User's administrative status: false is a leaver; absent
    says nothing. A boolean, or (as some directories send it) the string "true" or "false"."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise TabularError(
        f"{value!r} is not true or false (SCIM's active is a boolean)",
        file=file,
        line=index + 1,
        column=f"Resources[{index}].active",
    )
