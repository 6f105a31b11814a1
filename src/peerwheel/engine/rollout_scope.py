"""`rollout-scope`: the people, departments and sites a rollout covers, and since when.

One unit a row, `employee_id` or `department` or `site` (exactly one of them filled in), with
the `stage` it joined the rollout in (crawl, walk, run or fly) and `since` (an ISO date,
`2026-03-02`). The file is the whole scope: `peerwheel import rollout-scope PATH` makes the
stored scope exactly its rows (program.scope_import).

Every bad row is a problem with its line and column (`network_formats.Problems`); matching the
names to people, departments and sites is the app's. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from peerwheel.engine.network_formats import Problems
from peerwheel.engine.tabular import Column, HeaderMap, TabularError, TabularRow, read_rows

FORMAT = "rollout-scope"
STAGES = ("crawl", "walk", "run", "fly")
#: the unit columns, in the order a row's unit is named
UNITS = ("employee_id", "department", "site")

COLUMNS = (
    Column(
        "employee_id",
        aliases=("employee", "employee_number", "person", "person_id", "staff_id", "staff_no"),
    ),
    Column("department", aliases=("dept", "division")),
    Column("site", aliases=("location", "office")),
    Column("stage", aliases=("phase", "rollout_stage"), required=True),
    Column("since", aliases=("from", "start", "start_date", "date", "joined"), required=True),
)


@dataclass(frozen=True, slots=True)
class ScopeRow:
    """One unit of the scope: which column named it, the name as written, its stage and day."""

    line: int
    unit: str  # one of UNITS
    name: str
    stage: str  # one of STAGES
    since: date


@dataclass
class ScopeRead:
    """The file's good rows, every problem, and which column fed which field."""

    file: str
    rows: list[ScopeRow]
    problems: Problems
    rows_read: int
    header_map: HeaderMap

    def header(self, field_name: str) -> str:
        return self.header_map.header_for(field_name) or field_name


def read(
    source: str | Path | IO[bytes] | IO[str],
    *,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ScopeRead:
    """Read and check every row. Raises `TabularError` when the file cannot be read at all (not
    CSV, no stage or since column, none of the unit columns)."""
    name = file_name or str(source)
    header_map, rows = read_rows(source, COLUMNS, overrides=overrides, file_name=name)
    if not any(unit in header_map.positions for unit in UNITS):
        raise TabularError(
            "no column names the units: expected one of 'employee_id', 'department' or 'site'",
            file=name,
            line=1,
        )
    result = ScopeRead(
        file=name, rows=[], problems=Problems(file=name), rows_read=0, header_map=header_map
    )
    result.rows = list(_rows(rows, result))
    return result


def _rows(rows: Iterator[TabularRow], result: ScopeRead) -> Iterator[ScopeRow]:
    problems = result.problems
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        result.rows_read += 1
        line = row.line
        named = [(unit, row.get(unit)) for unit in UNITS if row.get(unit)]
        bad = False
        if not named:
            present = [result.header(u) for u in UNITS if u in result.header_map.positions]
            problems.add(
                line,
                present[0],
                f"no unit: fill in one of {', '.join(repr(p) for p in present)}",
            )
            bad = True
        elif len(named) > 1:
            columns = " and ".join(repr(result.header(unit)) for unit, _ in named)
            problems.add(
                line,
                result.header(named[1][0]),
                f"{columns} are both filled in: name one unit a row",
            )
            bad = True
        stage = row.get("stage").strip().lower()
        if stage not in STAGES:
            shown = f"{row.get('stage')!r}" if row.get("stage") else "empty"
            problems.add(
                line,
                result.header("stage"),
                f"the stage is {shown}: write crawl, walk, run or fly",
            )
            bad = True
        since = _date(row.get("since"))
        if since is None:
            problems.add(
                line,
                result.header("since"),
                f"{row.get('since')!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-02",
            )
            bad = True
        if bad:
            continue
        unit, text = named[0]
        key = (unit, text.casefold())
        if key in seen:
            problems.add(
                line,
                result.header(unit),
                f"{text!r} is already in the scope on line {seen[key]}: one row a unit",
            )
            continue
        seen[key] = line
        assert since is not None  # noqa: S101 - checked above (for the type checker)
        yield ScopeRow(line=line, unit=unit, name=text, stage=stage, since=since)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
