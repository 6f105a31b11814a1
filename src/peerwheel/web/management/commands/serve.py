from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from peerwheel.core.commands import PeerwheelCommand


class Command(PeerwheelCommand):
    help = (
        "Serve Peerwheel over HTTP with Django's server (fine for a demo or a small team; "
        "behind a proxy use any WSGI server: gunicorn peerwheel.wsgi)."
    )
    public_name = "serve"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"]
        address = f"[{host}]" if ":" in host else host
        call_command("runserver", f"{address}:{options['port']}", use_reloader=False)
