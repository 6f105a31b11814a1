"""Reading tabular files the way real exports arrive.

Every importer reads through here: byte-order marks, CRLF, semicolon- or tab-separated files and
quoted commas are handled; headers are matched by name (never by position), case-insensitively and
ignoring spaces, dashes and underscores, against a list of aliases per field. Errors name the file,
the line and the column, and say what to do.

Pure Python: no Django, so the engine and the apps can both use it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = [
    "Column",
    "HeaderMap",
    "TabularError",
    "TabularRow",
    "match_headers",
    "normalise_header",
    "open_text",
    "read_rows",
    "read_table",
]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SNIFF_BYTES = 64 * 1024


class TabularError(ValueError):
    """A problem in an input file, with where it is and what to do about it."""

    #: what `line` counts: "line" for text files; "resource" for a SCIM ListResponse's Users
    line_label = "line"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"{self.line_label} {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, str | int | None]:
        found: dict[str, str | int | None] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }
        if self.line_label != "line":  # the Imports page says "resource 3", not "3"
            found["line_label"] = self.line_label
        return found


def normalise_header(name: str) -> str:
    """`Employee ID`, `employee_id` and `EmployeeId` all become `employeeid`."""
    return _NON_ALNUM.sub("", name.strip().lstrip("\ufeff").lower())


@dataclass(frozen=True)
class Column:
    """A field an importer understands, and the header spellings that mean it."""

    field: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def spellings(self) -> tuple[str, ...]:
        return (self.field, *self.aliases)


@dataclass(frozen=True)
class HeaderMap:
    """Which header (by its position in the file) feeds which field."""

    positions: Mapping[str, int]
    headers: tuple[str, ...]
    unknown: tuple[str, ...] = field(default=())

    def header_for(self, field_name: str) -> str | None:
        position = self.positions.get(field_name)
        return None if position is None else self.headers[position]


def match_headers(
    headers: Sequence[str],
    columns: Iterable[Column],
    *,
    file: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> HeaderMap:
    """Map the file's headers onto fields by name.

    `overrides` maps a header in the file to a field (the `--map COLUMN=FIELD` option) and wins
    over the aliases. A missing required column is an error that lists the accepted spellings.
    """
    columns = list(columns)
    known_fields = {column.field for column in columns}
    # Each spelling maps to (field, rank): when a file has two spellings of one field (BambooHR
    # has both Department and Division), the one earlier in the alias list wins.
    by_spelling: dict[str, tuple[str, int]] = {}
    for column in columns:
        for rank, spelling in enumerate(column.spellings()):
            by_spelling.setdefault(normalise_header(spelling), (column.field, rank))

    for header, field_name in (overrides or {}).items():
        if field_name not in known_fields:
            raise TabularError(
                f"--map names an unknown field {field_name!r}; "
                f"known fields: {', '.join(sorted(known_fields))}",
                file=file,
            )
        by_spelling[normalise_header(header)] = (field_name, -1)

    positions: dict[str, int] = {}
    ranks: dict[str, int] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        key = normalise_header(header)
        match = by_spelling.get(key)
        if match is None:
            if key:
                unknown.append(header)
            continue
        field_name, rank = match
        if field_name in positions:
            first = headers[positions[field_name]]
            if rank == ranks[field_name]:
                raise TabularError(
                    f"columns {first!r} and {header!r} both mean {field_name!r}; keep one of them",
                    file=file,
                    line=1,
                    column=header,
                )
            if rank > ranks[field_name]:
                unknown.append(header)
                continue
            unknown.append(first)
        positions[field_name] = position
        ranks[field_name] = rank

    for column in columns:
        if column.required and column.field not in positions:
            accepted = ", ".join(repr(s) for s in column.spellings())
            raise TabularError(
                f"missing required column {column.field!r}; accepted names: {accepted} "
                f"(or name yours with --map YOURCOLUMN={column.field})",
                file=file,
                line=1,
                column=column.field,
            )
    return HeaderMap(positions=positions, headers=tuple(headers), unknown=tuple(unknown))


@dataclass(frozen=True)
class TabularRow:
    """One data row: its line number in the file and its values by field."""

    line: int
    values: Mapping[str, str]

    def get(self, field_name: str, default: str = "") -> str:
        return self.values.get(field_name, default)


def open_text(source: str | Path | IO[bytes] | IO[str]) -> tuple[IO[str], str]:
    """Open a path or a binary/text stream as text, stripping any UTF-8 byte-order mark."""
    if isinstance(source, str | Path):
        path = Path(source)
        return path.open(encoding="utf-8-sig", newline=""), str(path)
    name = str(getattr(source, "name", "<upload>"))
    if isinstance(source, io.TextIOBase):
        return source, name
    return io.TextIOWrapper(source, encoding="utf-8-sig", newline=""), name  # type: ignore[type-var]


def _sniff_delimiter(sample: str) -> str:
    first_line = sample.splitlines()[0] if sample else ""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _open_reader(
    source: str | Path | IO[bytes] | IO[str], file_name: str | None
) -> tuple[str, list[str], Iterator[list[str]], Callable[[], int], Callable[[], None]]:
    """(file name, header, raw records, the reader's line number, close) for any CSV source."""
    stream, name = open_text(source)
    name = file_name or name
    try:
        sample = stream.read(_SNIFF_BYTES)
    except UnicodeDecodeError as exc:
        raise TabularError(
            f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "save it as CSV UTF-8 and try again",
            file=name,
        ) from exc
    if not sample.strip():
        raise TabularError("the file is empty: expected a header row and data rows", file=name)
    delimiter = _sniff_delimiter(sample)
    reader = csv.reader(_Rewound(sample, stream), delimiter=delimiter)
    try:
        headers = next(reader)
    except csv.Error as exc:
        raise TabularError(f"cannot read the header row: {exc}", file=name, line=1) from exc

    def close() -> None:
        if isinstance(source, str | Path):
            stream.close()

    return name, headers, reader, lambda: reader.line_num, close


def _records(
    name: str,
    headers: Sequence[str],
    reader: Iterator[list[str]],
    line_num: Callable[[], int],
    close: Callable[[], None],
    positions: Mapping[str, int],
) -> Iterator[TabularRow]:
    try:
        line = line_num() + 1
        for record in reader:
            start_line = line
            line = line_num() + 1
            if not any(value.strip() for value in record):
                continue
            if len(record) > len(headers) and any(v.strip() for v in record[len(headers) :]):
                raise TabularError(
                    f"this row has {len(record)} values but the header has {len(headers)} "
                    "columns; check for an unquoted separator inside a value",
                    file=name,
                    line=start_line,
                )
            values = {
                field_name: record[position].strip()
                for field_name, position in positions.items()
                if position < len(record)
            }
            yield TabularRow(line=start_line, values=values)
    except csv.Error as exc:
        raise TabularError(f"malformed CSV: {exc}", file=name, line=line_num()) from exc
    except UnicodeDecodeError as exc:
        raise TabularError(
            f"the file is not UTF-8 text ({exc.reason}); save it as CSV UTF-8 and try again",
            file=name,
            line=line_num() + 1,
        ) from exc
    finally:
        close()


def read_rows(
    source: str | Path | IO[bytes] | IO[str],
    columns: Iterable[Column],
    *,
    overrides: Mapping[str, str] | None = None,
    file_name: str | None = None,
) -> tuple[HeaderMap, Iterator[TabularRow]]:
    """Read the header now and stream the rows lazily.

    Line numbers are physical lines in the file (the header is line 1), so a quoted field that
    spans lines still gives the line a person would open in an editor.
    """
    name, headers, reader, line_num, close = _open_reader(source, file_name)
    try:
        header_map = match_headers(headers, columns, file=name, overrides=overrides)
    except TabularError:
        close()
        raise
    rows = _records(name, headers, reader, line_num, close, header_map.positions)
    return header_map, rows


def read_table(
    source: str | Path | IO[bytes] | IO[str], *, file_name: str | None = None
) -> tuple[tuple[str, ...], list[TabularRow]]:
    """Every column as the file names it (stripped), and every non-blank row, read now.

    For files whose columns are not a fixed list (a survey's items); the same reading rules and
    errors as `read_rows`. A header named twice is an error naming both places.
    """
    name, raw_headers, reader, line_num, close = _open_reader(source, file_name)
    headers = tuple(h.strip().lstrip("\ufeff") for h in raw_headers)
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        if header in positions:
            close()
            raise TabularError(
                f"the column {header!r} appears twice (columns {positions[header] + 1} and "
                f"{position + 1}); keep one of them",
                file=name,
                line=1,
                column=header,
            )
        positions[header] = position
    rows = list(_records(name, headers, reader, line_num, close, positions))
    return tuple(positions), rows


class _Rewound:
    """Iterate lines of `head` then of `rest`, so a sniffed stream needs no seek."""

    def __init__(self, head: str, rest: IO[str]) -> None:
        self._lines = iter(io.StringIO(head, newline=""))
        self._rest = rest
        self._carry = ""

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.endswith(("\n", "\r")):
                yield line
            else:
                self._carry = line
        first = True
        for line in self._rest:
            if first:
                line = self._carry + line
                first = False
            yield line
        if first and self._carry:
            yield self._carry
