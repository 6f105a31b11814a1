"""Shared pieces for Peerwheel's management commands."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm


class PeerwheelCommand(BaseCommand):
    """A command whose usage line reads `peerwheel NAME` (not Django's internal name)."""

    public_name: str = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser("peerwheel", self.public_name or subcommand, **kwargs)


class ProgressBar:
    """The one progress bar of every command: a `(done, total)` callback that draws a bar on
    stderr from its first call (so an input refused at once is reported alone), quiet when
    stderr is not a terminal. Importers, the simulator and the study all report through such a
    callback; `ImportRun` feeds the same callback and the Imports page's live bar."""

    def __init__(self, description: str, *, unit: str = "row", bar_format: str | None = None):
        self.description, self.unit, self.bar_format = description, unit, bar_format
        self._bar: tqdm | None = None

    def __call__(self, done: float, total: float) -> None:
        if self._bar is None:
            self._bar = tqdm(
                desc=self.description,
                unit=self.unit,
                file=sys.stderr,
                leave=False,
                bar_format=self.bar_format,
                disable=None,  # tqdm's own test: no bar when the stream is not a terminal
            )
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress_bar(description: str, *, unit: str = "row") -> ProgressBar:
    """`with progress_bar("importing people") as bar: work(on_progress=bar)`."""
    return ProgressBar(description, unit=unit)
