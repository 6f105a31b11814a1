"""The organisation's part of `peerwheel export` (`peerwheel import people` runs
`services.people_import`, one row of the import table)."""

from __future__ import annotations

from typing import Any, TextIO

from peerwheel.core.export import write_rows
from peerwheel.org.selectors import EXPORT_FIELDS, people_export_rows


def export_people(target: TextIO, file_format: str, **_: Any) -> None:
    """Every person; CSV cells that would run as formulas are neutralised (core.export)."""
    write_rows(target, file_format, EXPORT_FIELDS, people_export_rows())
