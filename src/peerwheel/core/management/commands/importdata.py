from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import ImportOptions, PeerwheelCommand
from peerwheel.org.cli import import_people
from peerwheel.study.cli import import_survey
from peerwheel.usage import cli as usage_cli
from peerwheel.usage.readers import USAGE_KINDS

# kind → (what the file is, the function that imports it). Each part of the product adds its own.
KINDS: dict[str, tuple[str, Callable[[ImportOptions], str]]] = {
    "people": (
        "HR file: CSV (Viva org data, BambooHR-like, any via --map) or SCIM 2.0 JSON",
        import_people,
    ),
    "survey": (
        "survey responses CSV: <construct>_<k> items 1-5, heavy_user, agent_user, team",
        import_survey,
    ),
    "viva-person-query": (USAGE_KINDS["viva-person-query"], usage_cli.import_viva_person_query),
    "m365-copilot-usage": (USAGE_KINDS["m365-copilot-usage"], usage_cli.import_m365_copilot_usage),
    "github-copilot-metrics": (
        USAGE_KINDS["github-copilot-metrics"] + "; --map scope=ORG/TEAM names what it covers",
        usage_cli.import_github_copilot_metrics,
    ),
    "github-copilot-seats": (
        USAGE_KINDS["github-copilot-seats"],
        usage_cli.import_github_copilot_seats,
    ),
    "chatgpt-enterprise": (USAGE_KINDS["chatgpt-enterprise"], usage_cli.import_chatgpt_enterprise),
    "usage-csv": (USAGE_KINDS["usage-csv"], usage_cli.import_usage_csv),
    "identity-map": (USAGE_KINDS["identity-map"], usage_cli.import_identity_map),
    "slack-export": (
        "Slack workspace export (zip): posts, answers and reactions from --channels a,b",
        usage_cli.import_slack_export,
    ),
}


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column.strip() or not field.strip():
            raise CommandError(f"--map expects COLUMN=FIELD, got {pair!r}", returncode=2)
        mapping[column.strip()] = field.strip()
    return mapping


class Command(PeerwheelCommand):
    help = "Import a file. Kinds: " + "; ".join(f"{k}: {v[0]}" for k, v in KINDS.items())
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
        parser.add_argument(
            "--channels", default="", help="slack-export: the channels to import, e.g. ai-tips,ai-q"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        import_options = ImportOptions(
            path=path,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            mapping=_mapping(options["map"]),
            file_format=options["format"],
            channels=tuple(
                c.strip().lstrip("#") for c in options["channels"].split(",") if c.strip()
            ),
        )
        _, run = KINDS[options["kind"]]
        self.stdout.write(run(import_options))
