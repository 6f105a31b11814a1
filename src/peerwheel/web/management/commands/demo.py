from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection

from peerwheel.accounts.roles import Role
from peerwheel.core.commands import PeerwheelCommand
from peerwheel.demo import DEMO_PASSWORD, demo_build
from peerwheel.org.models import Person


class Command(PeerwheelCommand):
    help = "Build the demo organisation into a fresh database and serve it."
    public_name = "demo"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="build, then stop")
        parser.add_argument("--people", type=int, default=600, help="headcount (default 600)")
        parser.add_argument("--seed", type=int, default=42, help="same seed, same organisation")
        parser.add_argument(
            "--db", help="SQLite file to build into (default: PEERWHEEL_HOME/peerwheel.sqlite3)"
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 30:
            raise CommandError("--people must be at least 30", returncode=2)
        self.stdout.write(f"Database: {connection.settings_dict['NAME']}")
        call_command("migrate", verbosity=0, interactive=False)
        if Person.objects.exists():
            self.stdout.write("The database already holds an organisation: serving it as it is.")
        else:
            self.stdout.write(
                f"Building the demo organisation: {options['people']} people, "
                f"seed {options['seed']}…"
            )
            context = demo_build(
                people=options["people"],
                seed=options["seed"],
                on_step=lambda step: self.stdout.write(f"  · {step}"),
            )
            for note in context.notes:
                self.stdout.write(f"  {note}")
        self._print_logins(options)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def _print_logins(self, options: dict[str, Any]) -> None:
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(f"Peerwheel demo{'' if options['no_serve'] else ' at ' + url}")
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}): the username is the role word; "
            "beside it, the person it signs in as."
        )
        self.stdout.write(f"  {'username':<9} signs in as")
        people = Person.objects.filter(user__username__in=[r.value for r in Role])
        linked = {p.user.get_username(): p for p in people.select_related("user") if p.user}
        for role in Role:
            person = linked.get(role.value)
            who = f"{person.display_name}, {person.job_title}" if person else ""
            self.stdout.write(f"  {role.value:<9} {who}")
        self.stdout.write("")
