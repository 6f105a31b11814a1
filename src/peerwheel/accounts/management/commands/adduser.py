from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.core.commands import PeerwheelCommand


class Command(PeerwheelCommand):
    help = "Create a login with one role, optionally linked to a person by employee id."
    public_name = "adduser"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--email", default="")
        parser.add_argument("--person", metavar="EMPLOYEE_ID", help="link to this person")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input (else the login is SSO-only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("no password on standard input", returncode=2)
        try:
            user = user_create(
                username=options["username"],
                role=Role(options["role"]),
                email=options["email"],
                password=password,
                person_employee_id=options["person"],
            )
        except ValidationError as exc:
            raise CommandError(
                "password rejected: " + " ".join(exc.messages), returncode=2
            ) from None
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        how = "with a password" if password else "without a password (single sign-on only)"
        self.stdout.write(f"created {user.get_username()} as {options['role']}, {how}")
