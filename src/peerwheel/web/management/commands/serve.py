"""`peerwheel serve`: gunicorn (a production WSGI server) with the task worker beside it.

The web server forks `--workers` processes (default 2 × cores + 1, gunicorn's advice) of
`--threads` threads each (default 4); static files are served by WhiteNoise
(settings.MIDDLEWARE); several processes share one cache (the rate limits) through the database
unless PEERWHEEL_CACHE_URL names one. Unless `--no-worker`, a `peerwheel worker` subprocess runs
the background jobs; it stops with the server, even when the server is killed (on Linux the
kernel sends it SIGTERM when its parent dies; it finishes the job in hand first).
In production run the worker as its own process and serve with `--no-worker`.
`--dev` serves with Django's development server instead (one process, never in production).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from asgiref.local import Local
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from peerwheel.core.commands import PeerwheelCommand
from peerwheel.core.tasks import queue_is_database
from peerwheel.env import CACHE_TABLE

PR_SET_PDEATHSIG = 1  # prctl(2)


def default_workers() -> int:
    """Gunicorn's advice: (2 × cores) + 1, counting the cores this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cores or 1) + 1


class Command(PeerwheelCommand):
    help = (
        "Serve Peerwheel over HTTP with gunicorn (workers from the core count, static files "
        "through WhiteNoise) and the background-job worker beside it. --dev: Django's "
        "development server instead."
    )
    public_name = "serve"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"web server processes (default 2 × cores + 1: {default_workers()} here)",
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="threads per web process (default 4)"
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django's development server (one process; never in production)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="start no background-job worker (production runs `peerwheel worker` apart)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or default_workers()
        if workers < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1", returncode=2)
        host = options["host"]
        address = f"[{host}]" if ":" in host else host
        worker = None
        if not options["no_worker"] and queue_is_database():
            worker = worker_start()
        try:
            if options["dev"]:
                call_command("runserver", f"{address}:{options['port']}", use_reloader=False)
            else:
                self._share_the_cache(workers)
                connections.close_all()  # the web processes fork from this one: no shared socket
                self.stdout.write(f"Peerwheel at http://{address}:{options['port']}/")
                self.stdout.flush()
                GunicornServer(
                    bind=f"{address}:{options['port']}", workers=workers, threads=options["threads"]
                ).run()
        finally:
            if worker is not None:
                worker_stop(worker)

    def _share_the_cache(self, workers: int) -> None:
        """Several web processes with the default memory cache would each count their own
        writes (the rate limits): share one cache through the database instead
        (PEERWHEEL_CACHE_URL=redis://... chooses Redis)."""
        if workers == 1 or not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
            return
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": CACHE_TABLE,
                "KEY_PREFIX": "peerwheel",
            }
        }
        # What Django does when a test changes CACHES: read the setting again.
        caches._settings = caches.settings = caches.configure_settings(None)  # type: ignore[attr-defined]
        caches._connections = Local()  # type: ignore[attr-defined]
        call_command("createcachetable", verbosity=0)
        self.stdout.write(
            f"{workers} web processes share one cache in the database "
            "(PEERWHEEL_CACHE_URL=redis://HOST:PORT/DB for Redis)"
        )


class GunicornServer(BaseApplication):
    """Gunicorn run inside this command, serving Django's WSGI handler."""

    def __init__(self, *, bind: str, workers: int, threads: int) -> None:
        self.options = {
            "bind": bind,
            "workers": workers,
            # Threads: a request waiting on the database leaves the process to another one.
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": 5,  # seconds an idle browser connection is kept open
            "timeout": 120,  # an upload of PEERWHEEL_IMPORT_MAX_BYTES over a slow link
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            # A web process ends with the server, even a killed one (else it would serve on,
            # orphaned, until its next look at its parent).
            "post_fork": lambda server, worker: _die_with_parent(),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIHandler:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def _die_with_parent() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (elsewhere: nothing)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # no libc: the worker outlives a killed server; the next worker fails its job


def worker_start() -> subprocess.Popen[bytes]:
    """`peerwheel worker` as a child process that ends when this one ends."""
    return subprocess.Popen(
        [sys.executable, "-m", "peerwheel.cli", "worker"],
        preexec_fn=_die_with_parent,
    )


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()  # the worker finishes the job in hand, then stops
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
