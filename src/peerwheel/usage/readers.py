"""Reading a usage export into the standard frame, whatever the vendor: the "parse" stage.

Each of the engine's formats (`peerwheel.engine.usage_formats`) reads its file and returns the
standard frame itself (`UsageRead`: the person usage frame, GitHub's organisation rows or an
identity map's links); this module picks the format for the kind (detecting it for "auto").
Nothing here touches the database.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import ModuleType

from peerwheel.core.imports import IMPORT_KINDS, ProgressCallback
from peerwheel.engine.tabular import TabularError
from peerwheel.engine.usage_formats import (
    FRAME_COLUMNS,
    UsageFileError,
    UsageRead,
    detect_format,
    github_copilot_seats,
    m365_copilot_usage,
    refuse_json_for_csv_kind,
)

__all__ = ["FRAME_COLUMNS", "LOWER_BOUND_KINDS", "UsageRead", "kind_for", "read_usage"]

#: Kinds whose records are lower bounds (a last-activity date, not a count): they add a record
#: where none exists and never overwrite a count another import gave.
LOWER_BOUND_KINDS = frozenset({m365_copilot_usage.FORMAT, github_copilot_seats.FORMAT})


#: The usage kinds of the one import table, each with the engine format that reads it.
READERS: dict[str, ModuleType] = {
    name: kind.reader for name, kind in IMPORT_KINDS.items() if kind.reader is not None
}


def kind_for(path: Path, kind: str, *, file_name: str | None = None) -> str:
    """The kind to read the file as: the one asked for, or (for "auto") the one detected.
    Errors name `file_name` (the uploaded file's own name), not the stored upload's path."""
    name = file_name or path.name
    if kind != "auto":
        if kind not in READERS:
            raise UsageFileError(name, None, None, f"unknown kind {kind!r}")
        return kind
    try:
        detected = detect_format(path)
    except TabularError as exc:  # the engine names the path it was given
        raise UsageFileError(name, exc.line, exc.column, exc.message) from None
    if detected is None:
        raise UsageFileError(
            name,
            1,
            None,
            "cannot tell which export this is from its header; choose the kind explicitly ("
            + ", ".join(READERS)
            + ")",
        )
    return detected


def read_usage(
    path: Path,
    kind: str,
    *,
    file_name: str,
    today: date | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
    mapping: Mapping[str, str] | None = None,
) -> UsageRead:
    """Read and check the whole file; raise `UsageFileError` with every problem (file, line,
    column) on bad input. `mapping`: the file's column → our field (`--map`), for the kinds
    that read columns (a JSON kind given one is refused, not silently ignored)."""
    if kind not in READERS:
        raise UsageFileError(file_name, None, None, f"unknown kind {kind!r}")
    refuse_json_for_csv_kind(path, kind, file_name=file_name)
    reader = READERS[kind]
    extra: dict[str, Mapping[str, str]] = {}
    if mapping:
        if "overrides" not in inspect.signature(reader.read).parameters:
            raise UsageFileError(
                file_name,
                None,
                "--map",
                f"{kind} is read by its JSON keys, so --map COLUMN=FIELD does not apply "
                f"(asked: {', '.join(f'{k}={v}' for k, v in mapping.items())})",
            )
        extra["overrides"] = mapping
    return reader.read(
        path, today=today, file_name=file_name, scope=scope, on_progress=on_progress, **extra
    )
