from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser

from peerwheel.accounts.services import token_issue, token_revoke_by_prefix
from peerwheel.core.commands import PeerwheelCommand


class Command(PeerwheelCommand):
    help = (
        "Print a new API token for a user (only its hash is stored, so keep it safe), or "
        "revoke one by its prefix. Both are written to the audit log."
    )
    public_name = "token"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="whose token to issue")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument(
            "--expires-days",
            type=int,
            metavar="N",
            help="the token stops working N days from now (default: until revoked)",
        )
        parser.add_argument(
            "--revoke",
            metavar="PREFIX",
            help="revoke the token with this prefix (its first 10 characters) instead",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"] is not None:
            if options["username"] or options["expires_days"] is not None or options["name"]:
                raise CommandError(
                    "--revoke PREFIX takes no username, --name or --expires-days", returncode=2
                )
            try:
                token = token_revoke_by_prefix(prefix=options["revoke"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from None
            self.stdout.write(f"revoked {token.prefix}… of {token.user.get_username()}")
            return
        if not options["username"]:
            raise CommandError("give a username, or --revoke PREFIX", returncode=2)
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}", returncode=2)
        try:
            raw = token_issue(user=user, name=options["name"], expires_days=options["expires_days"])
        except ValueError as exc:
            raise CommandError(f"--expires-days: {exc}", returncode=2) from None
        self.stdout.write(raw)
