"""The one export writer: every `peerwheel export KIND` writes its CSV, JSON or Parquet here.

CSV cells are neutralised against formula injection (OWASP, "CSV Injection"): a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width
``＝ ＋ － ＠``, which some spreadsheets read as the same) gets a single quote in front, so a
spreadsheet shows it as text instead of running it. The csv module quotes every cell that holds
the separator, a quote or a line break, and doubles embedded quotes.

Only text is neutralised: a real number (``-3`` minutes, an id) is written as the number it is,
so numeric columns stay numeric; a *string* ``"-3"`` is text and gets its quote. JSON is written
as it is: it is data for programs, which do not evaluate formulas. So is Parquet (pyarrow): typed
columns for pandas, polars and BI tools, none of which runs a cell as a formula. Parquet is
binary: it goes to the byte stream under the text one (a file opened by the command, or standard
output redirected to a file), never to a terminal.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO, Literal, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ExportFormat = Literal["csv", "json", "parquet"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "parquet")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_PATTERN = "^[" + "".join(FORMULA_STARTS).replace("-", r"\-") + "]"


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading quote.

    Anything that is not a string (numbers, booleans, None) comes back unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv_rows(
    target: TextIO, fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> None:
    """A header, then one line per row, every text cell neutralised."""
    writer = csv.DictWriter(target, fieldnames=list(fieldnames), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: neutralise(value) for name, value in row.items()})


def write_json_rows(target: TextIO, rows: Iterable[Mapping[str, Any]]) -> None:
    json.dump(list(rows), target, ensure_ascii=False, indent=1)
    target.write("\n")


def write_rows(
    target: TextIO,
    file_format: str,
    fieldnames: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
) -> None:
    """Rows as CSV (neutralised), JSON or Parquet; an unknown format is an error naming the
    choices."""
    if file_format == "json":
        write_json_rows(target, rows)
    elif file_format == "csv":
        write_csv_rows(target, fieldnames, rows)
    elif file_format == "parquet":
        frame = pd.DataFrame.from_records(list(rows), columns=list(fieldnames))
        write_parquet(target, frame, fieldnames)
    else:
        raise ValueError(_unknown(file_format))


class ExportTargetError(ValueError):
    """The stream cannot take this format (Parquet to a terminal); nothing was written."""


def _unknown(file_format: str) -> str:
    return f"export format {file_format!r} is unknown; use {', '.join(EXPORT_FORMATS)}"


def binary_stream(target: TextIO) -> BinaryIO:
    """The byte stream under a text stream, for a binary format (text written so far flushed).

    A terminal, or a text stream with no bytes under it, is refused with an ExportTargetError
    saying where to write instead.
    """
    if target.isatty():
        raise ExportTargetError("parquet is binary: write it to a file (--out FILE, or > FILE)")
    binary = getattr(target, "buffer", None)
    if binary is None:
        raise ExportTargetError("parquet is binary: it needs a file, not a text stream")
    target.flush()
    return binary  # TextIOWrapper.buffer: the file's bytes


def write_parquet(
    target: TextIO,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    date_columns: Sequence[str] = (),
) -> None:
    """The frame's `columns` as one Parquet table (`date_columns` as dates, not timestamps)."""
    binary = binary_stream(target)
    table = pa.Table.from_pandas(frame[list(columns)], preserve_index=False)
    for name in date_columns:
        position = table.schema.get_field_index(name)
        table = table.set_column(position, name, table.column(name).cast(pa.date32()))
    pq.write_table(table, binary)
    binary.flush()


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell neutralised (vectorised: exports can be millions of rows).

    Numeric, boolean and date columns are left as they are.
    """
    changed: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        try:
            risky = column.str.match(_FORMULA_PATTERN, na=False).to_numpy(dtype=bool)
        except AttributeError:  # an object column without text (numbers, dates)
            continue
        if risky.any():
            values = column.to_numpy(dtype=object, copy=True)
            values[risky] = np.array(["'" + v for v in values[risky]], dtype=object)
            changed[name] = pd.Series(values, index=frame.index, name=name)
    return frame.assign(**changed) if changed else frame


def _iso_dates(frame: pd.DataFrame, date_columns: Sequence[str]) -> pd.DataFrame:
    """`date_columns` (datetime64) as ISO dates ("2025-03-03"), for the text formats."""
    if not date_columns:
        return frame
    return frame.assign(
        **{
            name: pd.Series(
                np.datetime_as_string(frame[name].to_numpy().astype("datetime64[D]")),
                index=frame.index,
                dtype=object,
            )
            for name in date_columns
        }
    )


def write_frame(
    target: TextIO,
    file_format: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    date_columns: Sequence[str] = (),
) -> None:
    """A data frame as CSV (neutralised, `columns` in order), JSON records or Parquet.

    `date_columns` hold datetime64 days: ISO dates in CSV and JSON, Parquet's date type there.
    Missing values are empty CSV cells, JSON nulls and Parquet nulls.
    """
    if file_format == "parquet":
        write_parquet(target, frame, columns, date_columns=date_columns)
        return
    text = _iso_dates(frame[list(columns)], date_columns)
    if file_format == "json":
        records = text.astype(object).where(text.notna(), None).to_dict("records")
        write_json_rows(target, records)
    elif file_format == "csv":
        neutralise_frame(text).to_csv(target, index=False, lineterminator="\n")
    else:
        raise ValueError(_unknown(file_format))
