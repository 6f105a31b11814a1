"""The hub's part of `peerwheel export`: `peerwheel export posts` (anonymous authors left out)."""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

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
    """Every live post; for an anonymous post the author, team and department are empty."""
    rows = posts_for_export()
    if file_format == "json":
        json.dump(rows, target, ensure_ascii=False, indent=1)
        target.write("\n")
        return
    writer = csv.DictWriter(target, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
