"""`peerwheel simulate [run|compare] ...`: see `peerwheel simulate --help` and docs/simulate.md."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import PeerwheelCommand, ProgressBar
from peerwheel.simulate import cli, cli_output
from peerwheel.simulate.options import ACTIONS, SimulateOptions, add_arguments

#: Django's own options, still accepted but left out of `--help` (they are not about simulating).
DJANGO_OPTIONS = {
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
}


class Command(PeerwheelCommand):
    help = (
        "Simulate adoption on a network: one model run, or 'compare' strategies side by side "
        "(a sweep over scenarios, rng seeds and strategies, in local processes)."
    )
    public_name = "simulate"
    requires_system_checks: list[str] = []  # a file graph must work without any database
    suppressed_base_arguments = DJANGO_OPTIONS

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        error = parser.error

        def error_naming_the_option(message: str) -> None:  # argparse's error never returns
            error(_with_suggestions(message, parser))

        parser.error = error_naming_the_option  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **parsed: Any) -> None:
        if parsed.get("action") not in ACTIONS:  # after parsing, so a misspelt option is named
            raise CommandError(
                f"unknown action {parsed.get('action')!r}: choose run or compare "
                "(or is it the value of a misspelt option?)",
                returncode=2,
            )
        options = SimulateOptions.from_parsed(parsed)
        for warning in _warnings_first(options):
            self.stderr.write(warning)
        if options.action == "compare":
            bar = ProgressBar("simulating", unit="task")
            try:
                comparison = cli.compare(options, on_done=bar)
            finally:
                bar.close()
            for warning in comparison.graph.warnings:
                self.stderr.write(f"warning: {warning}")
            if options.out:
                cli_output.write_chart(comparison, options.out)
            self.stdout.write(
                cli_output.comparison_json(comparison)
                if options.json
                else cli_output.comparison_table(comparison)
            )
            if options.out and not options.json:
                self.stdout.write(f"chart written to {options.out}")
            return
        # the peer and Bass models report steps; the progressive ones report runs done
        bar = ProgressBar("simulating", unit="step" if options.model in ("peer", "bass") else "run")
        try:
            result = cli.run_one(options, on_step=bar)
        finally:
            bar.close()
        for warning in result["graph"]["warnings"]:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            cli_output.to_json(result) if options.json else cli_output.run_text(result)
        )


def _warnings_first(options: SimulateOptions) -> list[str]:
    """Options that do nothing for the chosen model, said up front."""
    model = options.model
    out = []
    if model != "peer" and options.preset:
        out.append(f"warning: presets are peer-model scenarios; ignored for --model {model}")
    return out


def _with_suggestions(message: str, parser: CommandParser) -> str:
    """argparse's "unrecognized arguments: --modle peer" with "did you mean --model?" added for
    each unknown option that is close to a real one."""
    if not message.startswith("unrecognized arguments:"):
        return message
    known = [o for action in parser._actions for o in action.option_strings if o.startswith("--")]
    hints = []
    for word in re.findall(r"--[\w-]+", message):
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
        if close:
            hints.append(f"{word}: did you mean {close[0]}?")
    return message + ("" if not hints else " (" + "; ".join(hints) + ")")
