"""`peerwheel rebuild-counters`: every post's counters recomputed from its rows."""

from __future__ import annotations

from typing import Any

from peerwheel.core.commands import PeerwheelCommand, progress_bar
from peerwheel.hub.services import hub_counters_rebuild


class Command(PeerwheelCommand):
    help = (
        "Recompute every post's counters (tried, worked, teams reached, answers, adaptations, "
        "reactions) from the rows they count, and fix the ones that are wrong. Safe to run at "
        "any time."
    )
    public_name = "rebuild-counters"

    def handle(self, *args: Any, **options: Any) -> None:
        with progress_bar("rebuilding counters", unit="post") as bar:
            changed = hub_counters_rebuild(on_progress=bar)
        if changed:
            plural = "post's" if changed == 1 else "posts'"
            self.stdout.write(f"fixed {changed} {plural} counters; every other post's were right")
        else:
            self.stdout.write("every post's counters were right; nothing changed")
