"""`peerwheel study analyze PATH [--outcome heavy_user|agent_user] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from peerwheel.core.commands import PeerwheelCommand
from peerwheel.study.cli import analyze_file, report_text
from peerwheel.study.services import OUTCOMES


class Command(PeerwheelCommand):
    help = "The peer-influence study. 'analyze PATH': effects per SD from a survey file."
    public_name = "study"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        analyze = actions.add_parser(
            "analyze",
            help="analyse a survey file (one row per respondent) and print the report",
            description="Logits of heavy and agent use on the survey's scales: average marginal "
            "effects per SD with team-clustered 95% CIs, beside the published benchmark.",
        )
        analyze.add_argument("path", help="the survey CSV (the `peerwheel import survey` format)")
        analyze.add_argument(
            "--outcome",
            choices=OUTCOMES,
            help="analyse one outcome only (default: both)",
        )
        analyze.add_argument("--json", action="store_true", help="print the report as JSON")
        analyze.add_argument("--seed", type=int, default=42, help="bootstrap seed (default 42)")

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = (options["outcome"],) if options["outcome"] else OUTCOMES
        report = analyze_file(Path(options["path"]), outcomes=outcomes, seed=options["seed"])
        self.stdout.write(report.to_json() if options["json"] else report_text(report))
