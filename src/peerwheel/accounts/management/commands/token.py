from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser

from peerwheel.accounts.services import token_issue
from peerwheel.core.commands import PeerwheelCommand


class Command(PeerwheelCommand):
    help = "Print a new API token for a user; only its hash is stored, so keep it safe."
    public_name = "token"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}", returncode=2)
        self.stdout.write(token_issue(user=user, name=options["name"]))
