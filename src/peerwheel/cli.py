"""The `peerwheel` command: Django management with Peerwheel's settings preset.

`peerwheel --help` lists Peerwheel's own commands; every Django command still works
(`peerwheel check --deploy`, `peerwheel createsuperuser`, ...).
"""

from __future__ import annotations

import os
import sys

COMMANDS: tuple[tuple[str, str], ...] = (
    ("demo", "Build the demo organisation into a fresh database and serve it"),
    ("serve", "Serve Peerwheel over HTTP (gunicorn, with the background-job worker beside it)"),
    ("worker", "Run the background jobs (imports, simulations); production runs it apart"),
    ("migrate", "Create or update the database tables"),
    ("adduser", "Create a login with a role: member, champion, lead, analyst or admin"),
    ("token", "Print a new API token for a user (only its hash is stored)"),
    ("import", "Import a file: people, AI-usage exports, identity maps, Slack, survey responses"),
    ("export", "Export data: people, posts, usage, segments, attribution (CSV, JSON, Parquet)"),
    ("study", "The peer-influence study: 'study analyze PATH' reports effects per SD"),
    ("simulate", "Simulate a rollout; 'simulate compare' sets strategies side by side"),
    ("insights", "Insights: 'insights report' (R, champions, forecast), 'classify-questions'"),
    ("digest", "The weekly digest: 'digest send [--dry-run] [--week YYYY-Www]'"),
    ("program", "The rollout: 'program status [--json]' (stage, scope, gates, halts, history)"),
    ("rebuild-counters", "Recompute the hub's post counters from their rows"),
    ("check", "Check the installation (add --deploy for production settings)"),
)
ALIASES = {"import": "importdata", "export": "exportdata", "rebuild-counters": "rebuild_counters"}


def usage() -> str:
    width = max(len(name) for name, _ in COMMANDS)
    lines = [
        "usage: peerwheel COMMAND [options]",
        "",
        "Peerwheel: spread AI use through an organisation the way it really spreads.",
        "",
        "commands:",
        *(f"  {name.ljust(width)}  {text}" for name, text in COMMANDS),
        "",
        "'peerwheel COMMAND --help' explains one command;",
        "'peerwheel help --all' lists Django's commands too.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwheel.settings")
    if not args or args[0] in {"-h", "--help"}:
        print(usage())
        return
    if args[0] == "help" and args[1:] == ["--all"]:
        args = ["help"]
    args[0] = ALIASES.get(args[0], args[0])
    if args[0] == "demo":
        _point_at_demo_database(args)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["peerwheel", *args])


def _point_at_demo_database(args: list[str]) -> None:
    """`demo --db PATH` picks the database before Django reads its settings."""
    for index, arg in enumerate(args):
        path = None
        if arg == "--db" and index + 1 < len(args):
            path = args[index + 1]
        elif arg.startswith("--db="):
            path = arg.split("=", 1)[1]
        if path:
            os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(path)}"
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


if __name__ == "__main__":
    main()
