"""The hub's part of `peerwheel export`: `peerwheel export posts` (anonymous authors left out)."""

from __future__ import annotations

from typing import Any, TextIO

from peerwheel.core.export import write_rows
from peerwheel.hub.selectors import posts_for_export

EXPORT_FIELDS = (
    "id",
    "kind",
    "title",
    "body",
    "prompt_text",
    "tool",
    "task",
    "minutes_saved",
    "anonymous",
    "tags",
    "author_employee_id",
    "author_name",
    "team",
    "department",
    "parent_id",
    "version",
    "created",
)


def export_posts(target: TextIO, file_format: str, **_: Any) -> None:
    """Every live post; for an anonymous post the author, team and department are empty.

    CSV cells that a spreadsheet would run as formulas are neutralised (peerwheel.core.export).
    """
    write_rows(target, file_format, EXPORT_FIELDS, posts_for_export())
