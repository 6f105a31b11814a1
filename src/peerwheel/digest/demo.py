"""The digest's demo step: last week's digest sent to everyone, through Django's console email
backend writing into memory (the demo's terminal stays quiet, nothing is written to disk), so
the DigestSend rows exist and each login's My digest page shows what they were sent."""

from __future__ import annotations

import io

from django.core.mail import get_connection

from peerwheel.digest.services import digest_send
from peerwheel.digest.weeks import last_complete_week
from peerwheel.org.demo import DemoContext


def digest_demo(context: DemoContext) -> None:
    week = last_complete_week()
    quiet = get_connection("django.core.mail.backends.console.EmailBackend", stream=io.StringIO())
    run = digest_send(week, connection=quiet)
    context.notes.append(
        f"Digest: {week} sent to {run.sent} of {run.people} people ({run.empty} with nothing "
        "to read were skipped); sign in and open My digest to read yours. 'peerwheel digest "
        f"send --week {week}' now sends nothing twice."
    )
