"""Running the command in-process, and where the shared data lives."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
EMAIL_EDGES = DATA / "email-eu-core-edges.csv"
EMAIL_DEPARTMENTS = DATA / "email-eu-core-departments.csv"


def simulate(*args: str) -> str:
    """Run `peerwheel simulate ARGS` in-process; its stdout."""
    out, err = StringIO(), StringIO()
    call_command("simulate", *args, stdout=out, stderr=err)
    return out.getvalue()


def simulate_json(*args: str) -> dict[str, Any]:
    return json.loads(simulate(*args, "--json"))
