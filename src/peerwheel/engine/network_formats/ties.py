"""`ties`: a collaboration network, one row per pair of people who work together.

Columns, matched by name (case, spaces, dashes and underscores ignored; `--map COLUMN=FIELD`
names others):

- `person_a`, `person_b` (required): the two people, by any id the identity matching knows
  (employee id, email, an identity map's external id). Also read as `source`/`target`, `from`/
  `to`, `person1`/`person2`, and a Viva Insights person-to-person query's
  `PrimaryCollaborator_PersonId`/`SecondaryCollaborator_PersonId`.
- `weight` (optional, default 1): a number ≥ 0. Also `Strong_tie_score`, `tie_strength`,
  `Collaboration_hours`, `hours`, `interactions`, `count`, `Diverse_tie_score` (when a file has
  several, the earliest in that list is read and the others are listed as ignored).
- `source` (optional): `email`, `chat` or `meetings` (also `channel`, `medium`). When the people
  columns are `source`/`target`, `source` is person A and the channel must be called `channel`
  or `medium`. Without it every row takes the whole file's source (`default_source`).

A row naming the same id twice (a self-tie) or a missing id, a bad weight or an unknown source is
a problem with its line and column; the row is left out and reading goes on, so the importer
can refuse the file or (with --skip-invalid) write the other rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from peerwheel.engine.tabular import (
    Column,
    HeaderMap,
    TabularError,
    TabularRow,
    normalise_header,
    read_rows,
)
from peerwheel.engine.usage_formats import sniff_header

from ._problems import Problems

FORMAT = "ties"
#: The sources a file may name (the demo's own network is not imported).
SOURCES = ("email", "chat", "meetings")
_SOURCE_SPELLINGS = {
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "emails": "email",
    "chat": "chat",
    "chats": "chat",
    "meetings": "meetings",
    "meeting": "meetings",
}
DEFAULT_WEIGHT = 1.0

PERSON_A = Column(
    "person_a",
    aliases=(
        "primarycollaborator_personid",
        "person1",
        "from",
        "from_id",
        "source_id",
        "employee_a",
    ),
    required=True,
)
PERSON_B = Column(
    "person_b",
    aliases=(
        "secondarycollaborator_personid",
        "person2",
        "to",
        "to_id",
        "target",
        "target_id",
        "employee_b",
    ),
    required=True,
)
WEIGHT = Column(
    "weight",
    aliases=(
        "strong_tie_score",
        "tie_strength",
        "strength",
        "collaboration_hours",
        "hours",
        "interactions",
        "count",
        "diverse_tie_score",
    ),
)
SOURCE = Column("source", aliases=("channel", "medium", "tie_source"))
FIELDS = ("person_a", "person_b", "weight", "source")


@dataclass(frozen=True, slots=True)
class TieRow:
    """One row of the file: two ids as written, the weight, the source."""

    line: int
    person_a: str
    person_b: str
    weight: float
    source: str


@dataclass
class TieRead:
    """What the file holds: its good rows, every problem, and which column fed which field."""

    file: str
    rows: list[TieRow]
    problems: Problems
    rows_read: int
    header_map: HeaderMap
    columns_ignored: tuple[str, ...]

    def header(self, field_name: str) -> str:
        """The file's name for one of our fields (for an error's column)."""
        return self.header_map.header_for(field_name) or field_name


def source_of(value: str) -> str | None:
    """`Email`, `e-mail` and `mail` all mean `email`; None when it names no source."""
    return _SOURCE_SPELLINGS.get(value.strip().lower())


def columns_for(headers: tuple[str, ...] | list[str]) -> tuple[Column, ...]:
    """The columns to match: `source` is person A in a `source,target` file, else the channel."""
    keys = {normalise_header(h) for h in headers}
    named_a = {normalise_header(s) for s in PERSON_A.spellings()}
    if {"source", "target"} <= keys and not keys & named_a:
        person_a = replace(PERSON_A, aliases=(*PERSON_A.aliases, "source"))
        # Listed first, person A takes the spelling `source`; the channel keeps its others.
        return (person_a, PERSON_B, WEIGHT, SOURCE)
    return (PERSON_A, PERSON_B, WEIGHT, SOURCE)


def read(
    path: str | Path,
    *,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
    default_source: str | None = None,
) -> TieRead:
    """Read and check every row. Raises `TabularError` when the file cannot be read at all (not
    CSV, no such column, a malformed row); a bad row is a problem in the result instead."""
    name = file_name or str(path)
    is_json, headers = sniff_header(path)
    if is_json:
        raise TabularError("expected a CSV file with a header row, not JSON", file=name)
    file_source = _file_source(default_source, name)
    header_map, rows = read_rows(path, columns_for(headers), overrides=overrides, file_name=name)
    if "source" in header_map.positions and default_source:
        raise TabularError(
            f"the file has a source column ({header_map.header_for('source')!r}) and the whole "
            f"file was named {default_source!r} too: keep one of them",
            file=name,
            line=1,
            column=header_map.header_for("source"),
        )
    problems = Problems(file=name)
    read_result = TieRead(
        file=name,
        rows=[],
        problems=problems,
        rows_read=0,
        header_map=header_map,
        columns_ignored=header_map.unknown,
    )
    read_result.rows = list(_rows(rows, read_result, file_source))
    return read_result


def _file_source(default_source: str | None, name: str) -> str:
    if not default_source:
        return ""
    found = source_of(default_source)
    if found is None:
        raise TabularError(
            f"the whole file's source {default_source!r} is not one of {', '.join(SOURCES)}",
            file=name,
            column="source",
        )
    return found


def _rows(rows: Iterator[TabularRow], read_result: TieRead, file_source: str) -> Iterator[TieRow]:
    problems = read_result.problems
    has_weight = "weight" in read_result.header_map.positions
    has_source = "source" in read_result.header_map.positions
    for row in rows:
        read_result.rows_read += 1
        line = row.line
        a, b = row.get("person_a"), row.get("person_b")
        bad = False
        for field_name, value in (("person_a", a), ("person_b", b)):
            if not value:
                problems.add(line, read_result.header(field_name), "the id is empty")
                bad = True
        if a and b and _same_id(a, b):
            problems.add(
                line,
                read_result.header("person_b"),
                f"{b!r} is person A too: a person has no tie to themselves",
            )
            bad = True
        weight = DEFAULT_WEIGHT
        if has_weight:
            weight_or_error = _weight(row.get("weight"))
            if isinstance(weight_or_error, str):
                problems.add(line, read_result.header("weight"), weight_or_error)
                bad = True
            else:
                weight = weight_or_error
        source = file_source
        if has_source:
            text = row.get("source")
            found = source_of(text) if text else None
            if found is None:
                what = "the source is empty" if not text else f"{text!r} is not a source"
                problems.add(
                    line,
                    read_result.header("source"),
                    f"{what}; write one of {', '.join(SOURCES)}",
                )
                bad = True
            else:
                source = found
        if not bad:
            yield TieRow(line=line, person_a=a, person_b=b, weight=weight, source=source)


def _same_id(a: str, b: str) -> bool:
    return a == b or ("@" in a and a.lower() == b.lower())


def _weight(text: str) -> float | str:
    """The weight, or what is wrong with it."""
    if not text:
        return "the weight is empty; give a number (or leave the column out: every tie weighs 1)"
    try:
        value = float(text)
    except ValueError:
        return f"{text!r} is not a number (write decimals with a point: 0.5)"
    if not math.isfinite(value):
        return f"{text!r} is not a finite number"
    if value < 0:
        return f"{text!r} is negative; a weight is 0 or more"
    return value
