"""Pure parsers for AI-usage exports, one module per vendor format, all the same shape.

Each module has `FORMAT` (its name), `detect(header) -> bool` and
`parse(source, *, today=None, file_name=None) -> ParseResult` (lazy records + a report that fills
in as they are read) and `read(path, ...) -> UsageRead` (the standard frame, built by the format
itself). Every bad row is reported: `UsageFileProblemsError` lists each with its file, line and
column. Nothing here writes anything: the usage app does the atomic write.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from . import (
    chatgpt_enterprise,
    github_copilot_metrics,
    github_copilot_seats,
    github_copilot_usage_report,
    identity_map,
    m365_copilot_usage,
    usage_csv,
    viva_person_query,
)
from ._base import (
    MAX_PROBLEMS,
    ParsedUsageRow,
    ParseReport,
    ParseResult,
    UsageFileError,
    UsageFileProblemsError,
)
from ._csv import read_header
from ._frame import FRAME_COLUMNS, UsageRead, empty_usage_frame

__all__ = [
    "DETECTION_ORDER",
    "FRAME_COLUMNS",
    "MAX_PROBLEMS",
    "ParseReport",
    "ParseResult",
    "ParsedUsageRow",
    "UsageFileError",
    "UsageFileProblemsError",
    "UsageRead",
    "detect_format",
    "empty_usage_frame",
    "refuse_json_for_csv_kind",
    "sniff_header",
]

#: The order `detect_format` tries the formats in, most specific first (the generic CSV and the
#: identity map come last). What each kind is called and offered as is the import table's
#: (`peerwheel.core.imports.IMPORT_KINDS`, whose rows point at these modules).
DETECTION_ORDER: tuple[ModuleType, ...] = (
    viva_person_query,
    m365_copilot_usage,
    chatgpt_enterprise,
    github_copilot_usage_report,
    github_copilot_metrics,
    github_copilot_seats,
    usage_csv,
    identity_map,
)
_JSON_FORMATS = {
    github_copilot_metrics.FORMAT,
    github_copilot_seats.FORMAT,
    github_copilot_usage_report.FORMAT,
}


def sniff_header(path: str | Path) -> tuple[bool, list[str]]:
    """(is JSON, header): a CSV's column names, or a JSON document's keys (its first item's keys
    when it is a list; `seats` documents keep their top-level keys; an NDJSON file's first
    line's keys)."""
    file = Path(path)
    with file.open("rb") as handle:
        start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] in (b"[", b"{"):
        if keys := _ndjson_keys(file):  # NDJSON (or a one-line object): never read whole
            return True, keys
        try:
            document = json.loads(file.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return True, []
        if isinstance(document, list):
            document = document[0] if document else {}
        return True, list(document) if isinstance(document, dict) else []
    return False, list(read_header(file, str(file))[1])


def _ndjson_keys(file: Path) -> list[str]:
    """The first line's keys when it is a JSON object on its own (an NDJSON download)."""
    with file.open("rb") as handle:
        first = handle.readline()
    try:
        document = json.loads(first.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    return list(document) if isinstance(document, dict) else []


def detect_format(path: str | Path) -> str | None:
    """The name of the first format whose `detect` accepts the file, or None."""
    is_json, header = sniff_header(path)
    for module in DETECTION_ORDER:
        if (module.FORMAT in _JSON_FORMATS) == is_json and module.detect(header):
            return str(module.FORMAT)
    return None


def _first_byte(path: Path) -> bytes:
    """The file's first byte that is not a BOM or white space (b"" for a blank file)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1]


def refuse_json_for_csv_kind(path: str | Path, kind: str, *, file_name: str) -> None:
    """A CSV kind given a JSON file (its first non-blank byte `{` or `[`) is told so by name,
    not left to fail on a header row that is really JSON."""
    if kind in _JSON_FORMATS or _first_byte(Path(path)) not in (b"{", b"["):
        return
    detected = detect_format(path)
    hint = (
        f"it looks like a {detected} file; import it as that"
        if detected
        else "export the CSV download, or choose the JSON kind it is"
    )
    raise UsageFileError(
        file_name, 1, None, f"this is JSON, not CSV: {kind} reads a CSV file; {hint}"
    )
