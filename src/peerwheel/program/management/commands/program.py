"""`peerwheel program status [--as-of YYYY-MM-DD] [--json]`: the rollout's stage, scope, the
gates to the next stage with their evidence, the halt conditions and the history.

The JSON is the status's one dict (program.status.ProgramStatus.as_dict), the same as
`GET /api/program/status`. A new subcommand is one `add_parser` and one row of `handle`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from peerwheel.core.commands import PeerwheelCommand
from peerwheel.insights.cli import parse_as_of
from peerwheel.program.services import program_status_refresh


def status_text(data: dict[str, Any]) -> str:
    """The status in sentences and a table, for people."""
    scope = data["scope"]
    lines = [
        f"Stage: {data['stage_label']}"
        + (f" since {data['stage_since'][:10]}" if data["stage_since"] else "")
    ]
    if scope["everyone"]:
        lines.append(f"Scope: everyone ({scope['people']} people; no scope is set)")
    else:
        lines.append(
            f"Scope: {scope['people']} people in {scope['departments']} departments and "
            f"{scope['sites']} sites"
        )
    following = data["next_stage"]
    lines.append("")
    lines.append(f"Gates to {following.capitalize()}:" if following else "Tracked in Fly:")
    for gate in data["gates"]:
        mark = "met" if gate["met"] else "not yet"
        since = f" since {gate['met_since']}" if gate["met_since"] else ""
        lines.append(f"  [{mark}{since}] {gate['label']}: {gate['evidence']}")
    if not data["gates"]:
        lines.append("  (no gate is switched on)")
    for halt in data["halts"]:
        lines.append(f"warning: {halt['message']}")
    if data["history"]:
        lines.append("")
        lines.append("History:")
        for move in data["history"]:
            met = "all gates met" if move["all_gates_met"] else "not all gates met"
            reason = f": {move['reason']}" if move["reason"] else ""
            lines.append(
                f"  {move['at'][:10]} {move['from_stage']} -> {move['to_stage']} by "
                f"{move['by'] or 'unknown'} ({met}){reason}"
            )
    return "\n".join(lines)


class Command(PeerwheelCommand):
    help = "The rollout program: 'program status [--json]' (stage, scope, gates, halts, history)."
    public_name = "program"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        status = actions.add_parser("status", help="the stage, the gates with evidence, halts")
        status.add_argument("--as-of", help="the day to read (YYYY-MM-DD; default today)")
        status.add_argument("--json", action="store_true", help="print the status as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = parse_as_of(options.get("as_of"), today=timezone.localdate())
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        data = program_status_refresh(as_of=as_of).as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(status_text(data))
