"""Loading the JSON exports (GitHub's APIs): small documents, read whole, errors with positions."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ._base import Source, UsageFileError


def load_json(source: Source, name: str) -> tuple[object, str]:
    """The parsed document and its text (for finding the line of a value later)."""
    try:
        if isinstance(source, str | Path):
            raw: bytes | str = Path(source).read_bytes()
        else:
            raw = source.read()
    except OSError as exc:
        raise UsageFileError(name, None, None, f"cannot open the file: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise UsageFileError(name, None, None, "the file is not UTF-8 text") from exc
    if not text.strip():
        raise UsageFileError(name, 1, None, "the file is empty: expected a JSON document")
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        hint = " (the file looks cut off)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise UsageFileError(
            name, exc.lineno, f"character {exc.colno}", f"invalid JSON: {exc.msg}{hint}"
        ) from exc


def line_of(text: str, key: str, value: str, *, occurrence: int = 1) -> int | None:
    """The line where `"key": "value"` appears (its `occurrence`-th time, 1 the first), to
    point errors at it."""
    pattern = re.compile(rf'"{re.escape(key)}"\s*:\s*"{re.escape(value)}"')
    match = None
    for match_number, found in enumerate(pattern.finditer(text), start=1):
        match = found
        if match_number == occurrence:
            break
    return None if match is None else text.count("\n", 0, match.start()) + 1
