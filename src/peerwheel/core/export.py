"""The one export writer: every `peerwheel export KIND` writes its CSV or JSON through here.

CSV cells are neutralised against formula injection (OWASP, "CSV Injection"): a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width
``＝ ＋ － ＠``, which some spreadsheets read as the same) gets a single quote in front, so a
spreadsheet shows it as text instead of running it. The csv module quotes every cell that holds
the separator, a quote or a line break, and doubles embedded quotes.

Only text is neutralised: a real number (``-3`` minutes, an id) is written as the number it is,
so numeric columns stay numeric; a *string* ``"-3"`` is text and gets its quote. JSON is written
as it is: it is data for programs, which do not evaluate formulas.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TextIO

import numpy as np
import pandas as pd

ExportFormat = Literal["csv", "json"]

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
    """Rows as CSV (neutralised) or JSON; an unknown format is an error naming the choices."""
    if file_format == "json":
        write_json_rows(target, rows)
    elif file_format == "csv":
        write_csv_rows(target, fieldnames, rows)
    else:
        raise ValueError(f"export format {file_format!r} is unknown; use csv or json")


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


def write_frame(
    target: TextIO, file_format: str, frame: pd.DataFrame, columns: Sequence[str]
) -> None:
    """A data frame as CSV (neutralised, `columns` in order) or JSON records."""
    if file_format == "json":
        write_json_rows(target, frame.to_dict("records"))
    elif file_format == "csv":
        neutralise_frame(frame[list(columns)]).to_csv(target, index=False, lineterminator="\n")
    else:
        raise ValueError(f"export format {file_format!r} is unknown; use csv or json")
