"""`peerwheel digest ACTION`: the weekly digest.

- `send [--dry-run] [--week YYYY-Www]`: the week's digest (default: the last complete week) to
  everyone who has not had it, in batches with a progress bar, then the Slack channel post when
  a webhook is set. Running it again sends nothing twice. `--dry-run` builds and renders every
  digest and says what would go, writing and sending nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from peerwheel.core.commands import PeerwheelCommand, progress_bar
from peerwheel.digest.services import DigestRun, digest_send
from peerwheel.digest.weeks import IsoWeek, WeekError, last_complete_week


class Command(PeerwheelCommand):
    help = (
        "The weekly digest. 'send [--dry-run] [--week YYYY-Www]': email each person the wins, "
        "prompts and fails of the people closest to them, once per week."
    )
    public_name = "digest"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        send = actions.add_parser(
            "send",
            help="send a week's digest to everyone who has not had it",
            description="Builds each person's digest of the week (what peers closest to them "
            "shared and tried, matched to their question stage; their private nudges) and "
            "emails it; people with nothing to read are skipped, and so is anyone who already "
            "had that week's digest. The Slack channel gets the week's best when "
            "PEERWHEEL_DIGEST_SLACK_WEBHOOK_URL is set.",
        )
        send.add_argument(
            "--week",
            metavar="YYYY-Www",
            help="the ISO week to send, e.g. 2026-W10 (default: the last complete week)",
        )
        send.add_argument(
            "--dry-run",
            action="store_true",
            help="build and render every digest, and send and record nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            week = IsoWeek.parse(options["week"]) if options["week"] else last_complete_week()
        except WeekError as exc:
            raise CommandError(f"--week {exc}", returncode=2) from None
        if week > IsoWeek.current():
            raise CommandError(
                f"--week {week}: that week has not started yet (this is {IsoWeek.current()})",
                returncode=2,
            )
        with progress_bar(f"digest {week}", unit="person") as bar:
            run = digest_send(week, dry_run=options["dry_run"], on_progress=bar)
        self.stdout.write(summary(run))
        if run.failed:
            raise CommandError(
                f"{run.failed} email(s) failed; run the same command again to retry them "
                "(nothing already sent goes twice)",
                returncode=1,
            )


def summary(run: DigestRun) -> str:
    verb = "would send" if run.dry_run else "sent"
    lines = [
        f"digest {run.week}{' (dry run: nothing sent or recorded)' if run.dry_run else ''}: "
        f"{verb} {run.sent} of {run.people} people",
        f"  already sent earlier: {run.already_sent}",
        f"  nothing to tell this week (skipped): {run.empty}",
        f"  failed: {run.failed}",
        f"  Slack channel: {run.slack}",
    ]
    lines += [f"  {failure}" for failure in run.failures[:20]]
    return "\n".join(lines)
