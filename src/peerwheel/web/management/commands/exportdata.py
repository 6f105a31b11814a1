"""`peerwheel export KIND`: on the top floor, as it knows every product's export."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import PeerwheelCommand
from peerwheel.core.export import EXPORT_FORMATS
from peerwheel.hub.cli import export_posts
from peerwheel.insights.cli import export_attribution
from peerwheel.org.cli import export_people
from peerwheel.usage.cli import export_segments, export_usage

#: kind → the function that writes it to a text stream (`write(target, file_format)`).
#: A new export kind is one more row here.
EXPORT_KINDS: dict[str, Callable[..., None]] = {
    "attribution": export_attribution,
    "people": export_people,
    "posts": export_posts,
    "segments": export_segments,
    "usage": export_usage,
}


class Command(PeerwheelCommand):
    help = "Export data as CSV, JSON or Parquet. Kinds: " + ", ".join(EXPORT_KINDS)
    public_name = "export"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORT_KINDS))
        parser.add_argument("--format", choices=list(EXPORT_FORMATS), default="csv")
        parser.add_argument("--out", help="write here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        write = EXPORT_KINDS[options["kind"]]
        out_path = options["out"]
        if not out_path:
            _write_to_stdout(write, options["format"])
            return
        if not Path(out_path).resolve().parent.is_dir():
            raise CommandError(f"--out {out_path}: the folder does not exist", returncode=2)
        partial = Path(f"{out_path}.partial")
        try:
            with partial.open("w", newline="", encoding="utf-8") as target:
                write(target, options["format"])
            partial.replace(out_path)  # never leave a half-written export behind
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write(f"wrote {out_path}")


#: The exit status of a program stopped by SIGPIPE (128 + 13), as `yes | head` ends.
STOPPED_BY_READER = 141


def _write_to_stdout(write: Callable[..., None], file_format: str) -> None:
    """Write to standard output; a reader that stops early (`| head -3`) ends the export
    quietly instead of in a BrokenPipeError traceback."""
    try:
        write(sys.stdout, file_format)
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    else:
        return
    # Out of the except block, the error's frames are gone, and with them the export's row
    # iterators: their database cursors close now, not at exit after the connection has.
    gc.collect()
    # Python flushes standard output again at exit, which would raise once more: point the
    # descriptor at /dev/null first (the recipe of Python's `signal` documentation).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(STOPPED_BY_READER)
