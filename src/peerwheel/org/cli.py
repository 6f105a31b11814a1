"""The organisation's parts of `peerwheel import` and `peerwheel export`."""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from django.core.management.base import CommandError

from peerwheel.core.commands import ImportOptions, bar_callback, progress_bar
from peerwheel.core.tabular import TabularError
from peerwheel.org.selectors import EXPORT_FIELDS, people_export_rows
from peerwheel.org.services import PeopleImportError, people_import


def import_people(options: ImportOptions) -> str:
    """Run the HR import for the command line; return the report to print."""
    bar = progress_bar("importing people")
    try:
        report = people_import(
            options.path,
            file_format=options.file_format,  # type: ignore[arg-type]
            mapping=options.mapping,
            dry_run=options.dry_run,
            skip_invalid=options.skip_invalid,
            on_progress=bar_callback(bar),
        )
    except PeopleImportError as exc:
        raise CommandError(
            f"{exc.report.summary()}\n{len(exc.report.errors)} bad row(s): nothing was written "
            "(fix them, or use --skip-invalid to import the good rows)",
            returncode=2,
        ) from None
    except TabularError as exc:
        raise CommandError(str(exc), returncode=2) from None
    finally:
        bar.close()
    return report.summary() + ("\ndry run: nothing was written" if options.dry_run else "")


def export_people(target: TextIO, file_format: str, **_: Any) -> None:
    rows = people_export_rows()
    if file_format == "json":
        json.dump(list(rows), target, ensure_ascii=False, indent=1)
        target.write("\n")
        return
    writer = csv.DictWriter(target, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
