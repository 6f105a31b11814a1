"""`peerwheel simulate [run|compare] ...`: see `peerwheel simulate --help` and docs/simulate.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from peerwheel.core.commands import PeerwheelCommand, ProgressBar
from peerwheel.simulate import cli, cli_output
from peerwheel.simulate.options import SimulateOptions, add_arguments


class Command(PeerwheelCommand):
    help = (
        "Simulate adoption on a network: one model run, or 'compare' strategies side by side "
        "(a sweep over scenarios, rng seeds and strategies, in local processes)."
    )
    public_name = "simulate"
    requires_system_checks: list[str] = []  # a file graph must work without any database

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **parsed: Any) -> None:
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
