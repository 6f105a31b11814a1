"""The organisation's parts of `peerwheel import` and `peerwheel export`."""

from __future__ import annotations

from typing import Any, TextIO

from django.core.management.base import CommandError

from peerwheel.core.commands import ImportOptions, bar_callback, progress_bar
from peerwheel.core.export import write_rows
from peerwheel.engine.tabular import TabularError
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
    """Every person; CSV cells that would run as formulas are neutralised (core.export)."""
    write_rows(target, file_format, EXPORT_FIELDS, people_export_rows())
