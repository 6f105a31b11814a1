"""`peerwheel import KIND PATH`: any kind of the one table (`peerwheel.core.imports.IMPORT_KINDS`).

On the top floor: this command knows every importer (people in org, usage, Slack in the hub,
the survey in study), so no lower floor has to. Each importer has the same shape and returns
the same report; the progress bar is the one of every command (`core.commands.ProgressBar`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from peerwheel.catalog.policy_import import tool_policy_import
from peerwheel.core.commands import PeerwheelCommand, progress_bar
from peerwheel.core.imports import IMPORT_KINDS, ImportFailed, ImportKind, ImportReport
from peerwheel.engine.network_formats import ties as ties_format
from peerwheel.hub.events_import import influence_events_import
from peerwheel.hub.slack_import import slack_import
from peerwheel.org.services import people_import
from peerwheel.program.scope_import import rollout_scope_import
from peerwheel.study.services import survey_import
from peerwheel.usage.services import usage_import
from peerwheel.usage.ties_import import ties_import

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOptions:
    """What `peerwheel import KIND PATH ...` was asked to do, for any kind."""

    path: Path
    dry_run: bool = False
    skip_invalid: bool = False
    mapping: Mapping[str, str] = field(default_factory=dict)
    file_format: str = "auto"
    channels: tuple[str, ...] = ()
    create_people: bool = False
    on_progress: Callable[[int, int], None] | None = None


def _people(kind: ImportKind, o: ImportOptions) -> ImportReport:
    return people_import(
        o.path,
        file_name=str(o.path),
        file_format=o.file_format,  # type: ignore[arg-type]  # argparse choices
        mapping=o.mapping,
        dry_run=o.dry_run,
        skip_invalid=o.skip_invalid,
        on_progress=o.on_progress,
    )


def _usage(kind: ImportKind, o: ImportOptions) -> ImportReport:
    return usage_import(
        kind.name,
        o.path,
        dry_run=o.dry_run,
        on_progress=o.on_progress,
        scope=o.mapping.get("scope", "organisation"),
        mapping={column: name for column, name in o.mapping.items() if column != "scope"},
        create_people=o.create_people,
    )


def _slack(kind: ImportKind, o: ImportOptions) -> ImportReport:
    return slack_import(o.path, channels=o.channels, dry_run=o.dry_run, on_progress=o.on_progress)


def _survey(kind: ImportKind, o: ImportOptions) -> ImportReport:
    return survey_import(
        o.path, file_name=o.path.name, dry_run=o.dry_run, on_progress=o.on_progress
    )


def _ties(kind: ImportKind, o: ImportOptions) -> ImportReport:
    # `--map source=chat` names the whole file's source (as `--map scope=` does for GitHub);
    # `--map Channel=source` still names a column.
    mapping = dict(o.mapping)
    tie_source = None
    if mapping.get("source") and mapping["source"] not in ties_format.FIELDS:
        tie_source = mapping.pop("source")
    return ties_import(
        o.path,
        file_name=str(o.path),
        tie_source=tie_source,
        mapping=mapping,
        dry_run=o.dry_run,
        skip_invalid=o.skip_invalid,
        on_progress=o.on_progress,
    )


def _file_with_map(
    importer: Callable[..., ImportReport],
) -> Callable[[ImportKind, ImportOptions], ImportReport]:
    """A kind whose importer takes the file, its --map and --dry-run, and nothing else."""

    def run(kind: ImportKind, o: ImportOptions) -> ImportReport:
        return importer(
            o.path,
            file_name=str(o.path),
            mapping=o.mapping,
            dry_run=o.dry_run,
            on_progress=o.on_progress,
        )

    return run


#: Each family's importer (the kinds themselves are rows of `IMPORT_KINDS`).
IMPORTERS: dict[str, Callable[[ImportKind, ImportOptions], ImportReport]] = {
    "org": _people,
    "usage": _usage,
    "hub": _slack,
    "study": _survey,
    "catalog": _file_with_map(tool_policy_import),
}
#: Kinds with an importer of their own, not their family's.
KIND_IMPORTERS: dict[str, Callable[[ImportKind, ImportOptions], ImportReport]] = {
    "ties": _ties,
    "influence-events": _file_with_map(influence_events_import),
    "rollout-scope": _file_with_map(rollout_scope_import),
}


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field_name = pair.partition("=")
        if not sep or not column.strip() or not field_name.strip():
            raise CommandError(f"--map expects COLUMN=FIELD, got {pair!r}", returncode=2)
        mapping[column.strip()] = field_name.strip()
    return mapping


def _refuse_options(kind: ImportKind, options: dict[str, Any]) -> None:
    """An option the kind does not take is an error, not silently ignored."""
    unused = [
        flag
        for flag, given, takes in (
            ("--skip-invalid", options["skip_invalid"], kind.skip_invalid),
            ("--map", options["map"], kind.mapping),
            ("--channels", options["channels"], kind.channels),
            ("--format", options["format"] != "auto", kind.file_format),
            ("--create-people", options["create_people"], kind.create_people),
        )
        if given and not takes
    ]
    if unused:
        raise CommandError(
            f"import {kind.name} takes no {', '.join(unused)} ({kind.description})", returncode=2
        )
    if kind.channels and not options["channels"].strip():
        raise CommandError(
            "name the channels to import: --channels ai-tips,ai-questions", returncode=2
        )


def failure_text(report: ImportReport) -> str:
    """Every problem, each with its file, line and column, and what happened."""
    advice = "fix them and import again"
    if IMPORT_KINDS.get(report.kind, IMPORT_KINDS["people"]).skip_invalid:
        advice = "fix them, or use --skip-invalid to import the good rows"
    return f"{report.summary()}\n{len(report.errors)} problem(s): {advice}"


class Command(PeerwheelCommand):
    help = "Import a file. Kinds: " + "; ".join(
        f"{k.name}: {k.description}" + (f" ({k.cli_help})" if k.cli_help else "")
        for k in IMPORT_KINDS.values()
    )
    public_name = "import"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(IMPORT_KINDS), help="what the file holds")
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
        parser.add_argument(
            "--channels", default="", help="slack-export: the channels to import, e.g. ai-tips,ai-q"
        )
        parser.add_argument(
            "--create-people",
            action="store_true",
            help="usage kinds: ids that match no one become people (by default a usage import "
            "never creates or changes people; pseudonymised ids never do once there are people)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = IMPORT_KINDS[options["kind"]]
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        _refuse_options(kind, options)
        with progress_bar(f"importing {kind.name}") as bar:
            import_options = ImportOptions(
                path=path,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                mapping=_mapping(options["map"]),
                file_format=options["format"],
                channels=tuple(
                    c.strip().lstrip("#") for c in options["channels"].split(",") if c.strip()
                ),
                create_people=options["create_people"],
                on_progress=bar,
            )
            try:
                importer = KIND_IMPORTERS.get(kind.name) or IMPORTERS[kind.family]
                report = importer(kind, import_options)
            except ImportFailed as exc:
                raise CommandError(failure_text(exc.report), returncode=2) from None
            except Exception as exc:  # never a traceback: the Import row is already failed
                logger.exception("import %s %s stopped on an internal error", kind.name, path)
                raise CommandError(
                    f"{path} ({kind.name}): the import stopped on an internal error "
                    f"({type(exc).__name__}); nothing was written and the Import row is marked "
                    "failed. Please report this with the file's shape (the log has the details).",
                    returncode=1,
                ) from None
        dry = "\ndry run: nothing was written" if options["dry_run"] else ""
        self.stdout.write(report.summary() + dry)
