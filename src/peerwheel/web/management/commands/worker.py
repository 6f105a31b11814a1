from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import PeerwheelCommand
from peerwheel.core.tasks import queue_is_database, worker_id
from peerwheel.simulate.jobs import simulation_runs_interrupted_fail
from peerwheel.usage.jobs import imports_interrupted_fail


class Command(PeerwheelCommand):
    help = (
        "Run the background jobs (uploaded imports, simulations) queued by the web server. "
        "`peerwheel serve` starts one beside the web server; in production run it as its own "
        "process. On start it fails the jobs a killed worker left running."
    )
    public_name = "worker"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="seconds between looks at an empty queue (default 0.5)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued, then stop (cron, tests)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not queue_is_database():
            raise CommandError(
                "PEERWHEEL_TASKS=immediate runs every job inside its request: there is no "
                "queue for a worker (set PEERWHEEL_TASKS=database, the default)",
                returncode=2,
            )
        failed = imports_interrupted_fail() + simulation_runs_interrupted_fail()
        if failed:
            self.stderr.write(f"worker: {failed} job(s) interrupted by a restart marked failed")
        call_command(
            "db_worker",
            worker_id=worker_id(),
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
        )
