from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import PeerwheelCommand, bar_callback, progress_bar
from peerwheel.core.tabular import TabularError
from peerwheel.org.services import PeopleImportError, people_import

KINDS = {"people": "HR file: CSV (Viva org data, BambooHR-like, any via --map) or SCIM 2.0 JSON"}


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise CommandError(f"--map expects COLUMN=FIELD, got {pair!r}", returncode=2)
        mapping[column.strip()] = field.strip()
    return mapping


class Command(PeerwheelCommand):
    help = "Import a file. Kinds: " + "; ".join(f"{k}: {v}" for k, v in KINDS.items())
    public_name = "import"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
        parser.add_argument("path", help="the file to read")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the good rows, report the rest"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="read a column of yours as one of ours, e.g. --map 'Staff No=employee_id'",
        )
        parser.add_argument(
            "--format", choices=["auto", "csv", "scim"], default="auto", help="default: by content"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = _mapping(options["map"])
        bar = progress_bar(f"importing {options['kind']}")
        try:
            report = people_import(
                options["path"],
                file_format=options["format"],
                mapping=mapping,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                on_progress=bar_callback(bar),
            )
        except FileNotFoundError:
            raise CommandError(f"{options['path']}: no such file", returncode=2) from None
        except PeopleImportError as exc:
            bar.close()
            self.stderr.write(exc.report.summary())
            raise CommandError(
                f"{len(exc.report.errors)} bad row(s): nothing was written "
                "(fix them, or use --skip-invalid to import the good rows)",
                returncode=2,
            ) from None
        except TabularError as exc:
            raise CommandError(str(exc), returncode=2) from None
        bar.close()
        self.stdout.write(report.summary())
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
