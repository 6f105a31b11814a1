"""Fast, chunked CSV reading for the large formats (generic usage CSV, Viva person query).

Header matching and errors come from `peerwheel.engine.tabular` (the same rules as every other
importer); the rows are read by pandas' C parser in chunks with only the needed columns, so a
million-row export streams at close to `pandas.read_csv` speed. Small formats use
`peerwheel.engine.tabular.read_rows` directly.

Line numbers count physical lines (the header is line 1). A quoted value that spans several lines
shifts the numbers of the rows after it; real usage exports have none.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from peerwheel.engine.tabular import (
    Column,
    HeaderMap,
    TabularError,
    match_headers,
)

from ._base import MAX_PROBLEMS, Source, UsageFileError

_SNIFF_BYTES = 64 * 1024
_LINE_IN_MESSAGE = re.compile(r"line (\d+)")


@dataclass(frozen=True)
class CsvFile:
    """A CSV file whose header has been read and matched."""

    name: str
    delimiter: str
    headers: tuple[str, ...]
    header_map: HeaderMap
    source: Source

    def position(self, field_name: str) -> int | None:
        return self.header_map.positions.get(field_name)


def _read_head(source: Source, name: str) -> str:
    raw: bytes | str
    try:
        if isinstance(source, str | Path):
            with Path(source).open("rb") as handle:
                raw = handle.read(_SNIFF_BYTES)
        else:
            if not source.seekable():
                raise UsageFileError(name, None, None, "the upload cannot be re-read; save it")
            start = source.tell()
            raw = source.read(_SNIFF_BYTES)
            source.seek(start)
    except OSError as exc:
        raise UsageFileError(name, None, None, f"cannot open the file: {exc}") from exc
    if isinstance(raw, str):
        return raw.lstrip("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not just a character cut at the sniff boundary
            raise UsageFileError(
                name, None, None, "the file is not UTF-8 text; save it as CSV UTF-8 and try again"
            ) from exc
        return raw[: exc.start].decode("utf-8-sig")


def sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_header(source: Source, name: str) -> tuple[str, tuple[str, ...]]:
    """The delimiter and the header row of a CSV file, without consuming a stream."""
    head = _read_head(source, name)
    if not head.strip():
        raise UsageFileError(name, 1, None, "the file is empty: expected a header row")
    first_line = head.splitlines()[0]
    delimiter = sniff_delimiter(first_line)
    try:
        headers = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise UsageFileError(name, 1, None, f"cannot read the header row: {exc}") from exc
    return delimiter, tuple(h.strip().lstrip("\ufeff") for h in headers)


def open_csv(
    source: Source,
    columns: Iterable[Column],
    *,
    name: str,
    overrides: Mapping[str, str] | None = None,
) -> CsvFile:
    delimiter, headers = read_header(source, name)
    try:
        header_map = match_headers(headers, columns, file=name, overrides=overrides)
    except TabularError as exc:
        raise UsageFileError(exc.file, exc.line, exc.column, exc.message) from None
    return CsvFile(name, delimiter, headers, header_map, source)


def read_chunks(
    csv_file: CsvFile,
    positions: Sequence[int],
    *,
    text_positions: Iterable[int] = (),
    chunksize: int = 262_144,
    text_as_category: bool = False,
) -> Iterator[tuple[int, pd.DataFrame]]:
    """Yield (line of the chunk's first row, frame) with columns named by header position.

    Text columns come back as strings with "" for empty (or, with `text_as_category`, as
    categoricals with NaN for empty: the C parser hashes each value once and makes a Python
    string only per distinct value, which is what a million rows of a few thousand people need);
    the others as pandas infers them (numbers when the column is clean, strings when it holds
    garbage, for the caller to find). Blank lines come back as rows of NaN so the line numbers
    stay right.
    """
    text = set(text_positions)
    width = len(csv_file.headers)
    wanted = list(positions)
    source = csv_file.source
    if not isinstance(source, str | Path) and source.seekable():
        source.seek(0)
    try:
        reader = pd.read_csv(
            source,
            sep=csv_file.delimiter,
            header=0,
            # Every column is read (no usecols), so a row with too many values is an error.
            names=list(range(width)),
            index_col=False,
            dtype=dict.fromkeys(text, "category" if text_as_category else str),
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            encoding="utf-8-sig",
            chunksize=chunksize,
            engine="c",
            low_memory=False,
        )
        line = 2
        with reader:
            for chunk in reader:
                yield line, chunk[wanted]
                line += len(chunk)
    except pd.errors.ParserError as exc:
        match = _LINE_IN_MESSAGE.search(str(exc))
        line_no = int(match.group(1)) if match else None
        raise UsageFileError(
            csv_file.name,
            line_no,
            None,
            f"malformed CSV ({str(exc).strip()}): this row has more values than the header; "
            "check for an unquoted separator inside a value",
        ) from exc
    except UnicodeDecodeError as exc:
        raise UsageFileError(
            csv_file.name, None, None, "the file is not UTF-8 text; save it as CSV UTF-8"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise UsageFileError(csv_file.name, 1, None, "the file has no rows") from exc


def _by_unique(series: pd.Series) -> tuple[npt.NDArray[np.intp], pd.Index]:
    """Codes and unique values: exports repeat people, tools and weeks, so work on uniques."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Index(uniques)


@dataclass(frozen=True)
class TextColumn:
    """A text column as codes into its stripped unique values (the last one is "")."""

    codes: npt.NDArray[np.intp]
    uniques: npt.NDArray[np.object_]

    @classmethod
    def of(cls, frame: pd.DataFrame, position: int) -> TextColumn:
        codes, uniques = _by_unique(frame[position])
        stripped = np.append(uniques.astype(str).str.strip().to_numpy(dtype=object), "")
        return cls(np.where(codes < 0, len(stripped) - 1, codes), stripped)

    def values(self) -> npt.NDArray[np.object_]:
        return self.uniques[self.codes]

    def categorical(self) -> pd.Categorical:
        """The values as a categorical: no string per row (stripped values may coincide)."""
        codes, categories = pd.factorize(self.uniques)
        return pd.Categorical.from_codes(codes[self.codes], categories=categories)

    def empty(self) -> npt.NDArray[np.bool_]:
        return np.isin(self.codes, np.flatnonzero(self.uniques == ""))

    def hashes(self) -> npt.NDArray[np.uint64]:
        return pd.util.hash_array(self.uniques.astype(str)).astype(np.uint64)[self.codes]


def text_column(frame: pd.DataFrame, position: int) -> pd.Series:
    """Stripped strings, "" for empty."""
    return pd.Series(TextColumn.of(frame, position).values(), index=frame.index, dtype=object)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (a whole float as an int), so a message
    reads `-3 is negative`, not `np.int64(-3) is negative` or `-3.0 is negative`."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def note_bad(
    problems: list[UsageFileError],
    mask: pd.Series | npt.NDArray[np.bool_],
    values: pd.Series,
    *,
    first_line: int,
    csv_file: CsvFile,
    header: str,
    describe: str,
) -> None:
    """One problem per bad row (at most `MAX_PROBLEMS`); `describe` is formatted with `value`."""
    for row in np.flatnonzero(np.asarray(mask))[:MAX_PROBLEMS]:
        value = _plain(values.iloc[int(row)])
        problems.append(
            UsageFileError(
                csv_file.name, first_line + int(row), header, describe.format(value=value)
            )
        )


def numeric_column(
    frame: pd.DataFrame,
    position: int,
    *,
    first_line: int,
    csv_file: CsvFile,
    maximum: int,
    problems: list[UsageFileError],
) -> pd.Series:
    """Whole non-negative counts as int64 (empty is 0). Each bad value is noted in `problems`
    (and read as 0, so the rest of the file is still checked)."""
    column = frame[position]
    header = csv_file.headers[position]

    def note(mask: pd.Series, shown: pd.Series, describe: str) -> None:
        note_bad(
            problems,
            mask,
            shown,
            first_line=first_line,
            csv_file=csv_file,
            header=header,
            describe=describe,
        )

    if column.dtype.kind not in "iuf":
        cleaned = column.astype(str).str.strip().str.replace(",", "", regex=False)
        numbers = pd.to_numeric(cleaned.where(cleaned != "nan", None), errors="coerce")
        bad = numbers.isna() & column.notna()
        note(bad, column, "{value!r} is not a number")
        column = numbers
    values = column.fillna(0)
    if values.dtype.kind == "f":
        fraction = values != values.round()
        if fraction.any():
            note(fraction, values, "{value!r} is not a whole number")
            values = values.where(~fraction, 0)
    negative = values < 0
    note(negative, values, "{value!r} is negative")
    huge = values > maximum
    note(huge, values, "{value!r} is implausibly large (more than " + f"{maximum:,})")
    out_of_range = negative | huge
    if out_of_range.any():
        values = values.where(~out_of_range, 0)
    return values.astype("int64")


def date_column(
    frame: pd.DataFrame,
    position: int,
    *,
    first_line: int,
    csv_file: CsvFile,
    today: pd.Timestamp,
    problems: list[UsageFileError],
) -> pd.Series:
    """Dates (YYYY-MM-DD, optionally with a time; or M/D/YYYY) as datetime64; none in the
    future. Each bad date is noted in `problems` (and read as `today`)."""
    codes, uniques = _by_unique(frame[position])
    header = csv_file.headers[position]
    raw_unique = pd.Series(np.append(uniques.astype(str).to_numpy(dtype=object), "")).str.strip()
    parsed_unique = _parse_dates(raw_unique)
    raw = pd.Series(raw_unique.to_numpy()[codes], index=frame.index)
    parsed = pd.Series(parsed_unique.to_numpy()[codes], index=frame.index)

    def note(mask: pd.Series, shown: pd.Series, describe: str) -> None:
        note_bad(
            problems,
            mask,
            shown,
            first_line=first_line,
            csv_file=csv_file,
            header=header,
            describe=describe,
        )

    bad = parsed.isna()
    if bad.any():
        shown = raw.map(lambda v: "the date is empty" if not v else f"{v!r} is not a date")
        note(bad, shown, "{value}; write it as YYYY-MM-DD")
    future = parsed > today
    if future.any():
        note(future, parsed.dt.date, "{value} is in the future (today is " + f"{today.date()})")
    unusable = bad | future
    return parsed.where(~unusable, today) if unusable.any() else parsed


def _parse_dates(raw: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    missing = parsed.isna() & (raw != "")
    if missing.any():
        retry = raw[missing]
        fallback = pd.to_datetime(retry, format="ISO8601", errors="coerce", utc=True)
        fallback = fallback.dt.tz_localize(None).dt.normalize()
        still = fallback.isna()
        if still.any():
            fallback[still] = pd.to_datetime(retry[still], format="%m/%d/%Y", errors="coerce")
        parsed[missing] = fallback
    return parsed


def to_monday(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


class DuplicateTracker:
    """Finds repeated keys across chunks by 64-bit hashes, checked once at the end."""

    def __init__(self) -> None:
        self._hashes: list[npt.NDArray[np.uint64]] = []
        self._lines: list[npt.NDArray[np.int64]] = []

    def add(self, keys: pd.DataFrame, lines: npt.NDArray[np.int64]) -> None:
        hashes = pd.util.hash_pandas_object(keys, index=False).to_numpy()
        self.add_hashes(hashes.astype(np.uint64, copy=False), lines)

    def add_hashes(self, hashes: npt.NDArray[np.uint64], lines: npt.NDArray[np.int64]) -> None:
        self._hashes.append(hashes)
        self._lines.append(lines)

    def first_repeat(self) -> tuple[int, int] | None:
        """(line of the repeat, line of the first occurrence), or None."""
        if not self._hashes:
            return None
        hashes = np.concatenate(self._hashes)
        if (np.diff(np.sort(hashes)) != 0).all():  # the usual case: no repeat, one plain sort
            return None
        lines = np.concatenate(self._lines)
        order = np.lexsort((lines, hashes))
        same = hashes[order][1:] == hashes[order][:-1]
        if not same.any():
            return None
        repeats = order[1:][same]
        firsts = order[:-1][same]
        pick = int(np.argmin(lines[repeats]))
        return int(lines[repeats][pick]), int(lines[firsts][pick])
