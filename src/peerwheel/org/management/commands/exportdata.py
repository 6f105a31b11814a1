from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import PeerwheelCommand
from peerwheel.org.selectors import EXPORT_FIELDS, people_export_rows

KINDS = ("people",)


class Command(PeerwheelCommand):
    help = "Export data as CSV or JSON. Kinds: people"
    public_name = "export"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--out", help="write here instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        out_path = options["out"]
        if out_path and not Path(out_path).resolve().parent.is_dir():
            raise CommandError(f"--out {out_path}: the folder does not exist", returncode=2)
        target: TextIO
        if out_path:
            partial = Path(f"{out_path}.partial")
            with partial.open("w", newline="", encoding="utf-8") as target:
                self._write(target, options["format"])
            partial.replace(out_path)  # never leave a half-written export behind
            self.stderr.write(f"wrote {out_path}")
        else:
            self._write(sys.stdout, options["format"])

    def _write(self, target: TextIO, file_format: str) -> None:
        rows = people_export_rows()
        if file_format == "json":
            json.dump(list(rows), target, ensure_ascii=False, indent=1)
            target.write("\n")
            return
        writer = csv.DictWriter(target, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
