"""Shared pieces for Peerwheel's management commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm


@dataclass(frozen=True)
class ImportOptions:
    """What `peerwheel import KIND PATH ...` was asked to do, for any kind."""

    path: Path
    dry_run: bool = False
    skip_invalid: bool = False
    mapping: Mapping[str, str] = field(default_factory=dict)
    file_format: str = "auto"
    channels: tuple[str, ...] = ()  # slack-export: the channels to import


class PeerwheelCommand(BaseCommand):
    """A command whose usage line reads `peerwheel NAME` (not Django's internal name)."""

    public_name: str = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser("peerwheel", self.public_name or subcommand, **kwargs)


def progress_bar(description: str, *, total: int | None = None) -> tqdm:
    """A progress bar on stderr, quiet when stderr is not a terminal and CI asks for quiet."""
    return tqdm(total=total, desc=description, unit="row", file=sys.stderr, leave=False)


def bar_callback(bar: tqdm) -> Callable[[int, int], None]:
    def on_progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return on_progress
