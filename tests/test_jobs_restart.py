"""A job survives a server restart: real `peerwheel serve` processes against a temporary SQLite
home, an import queued as the upload page queues it, kill -9, a fresh server, and the import's
row polled until it ends. It finishes or is marked failed; it is never RUNNING for ever."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: Queues an upload exactly as the Imports page does (peerwheel.usage.jobs), in its own process.
ENQUEUE = """
import sys, django
django.setup()
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from peerwheel.usage.jobs import import_in_background
admin = User.objects.create_user("erin", password="x" * 20)
data = open(sys.argv[1], "rb").read()
record = import_in_background(
    kind="usage-csv", upload=SimpleUploadedFile("usage.csv", data), actor=admin
)
print(record.pk)
"""


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A fresh home with its own SQLite database, migrated; the environment to run it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(
        PEERWHEEL_HOME=str(tmp_path / "home"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'home' / 'peerwheel.sqlite3'}",
        PEERWHEEL_TASKS="database",
        DJANGO_SETTINGS_MODULE="peerwheel.settings",
    )
    subprocess.run([_peerwheel(), "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


def _peerwheel() -> str:
    return str(Path(sys.executable).with_name("peerwheel"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [_peerwheel(), "serve", "--port", str(_free_port()), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _big_usage_file(path: Path, rows: int = 200_000) -> Path:
    lines = ["person,week,tool,actions"]
    lines += [f"p{i % 5000}@example.com,2025-03-03,ChatGPT,{i % 7 + 1}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _row(env: dict[str, str], record_id: int) -> tuple[str, list[dict[str, object]]]:
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database, timeout=30) as db:
        status, errors = db.execute(
            "SELECT status, errors FROM core_import WHERE id = ?", (record_id,)
        ).fetchone()
    return status, json.loads(errors)


def _worker_pid(env: dict[str, str], timeout: float = 120) -> int:
    """The pid of the worker that claimed the import's task (its id is host:pid)."""
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(database, timeout=30) as db:
            row = db.execute(
                "SELECT worker_ids FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
            ).fetchone()
        if row and json.loads(row[0]):
            return int(json.loads(row[0])[-1].rpartition(":")[2])
        time.sleep(0.05)
    raise AssertionError("no worker claimed the import")


def _enqueue(env: dict[str, str], file: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", ENQUEUE, str(file)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return int(done.stdout.decode().split()[-1])


def _wait_until_ended(env: dict[str, str], record_id: int, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _ = _row(env, record_id)
        if status != "running":
            return status
        time.sleep(0.2)
    raise AssertionError(f"import {record_id} still RUNNING {timeout:.0f} s after the restart")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=60)


def test_a_killed_server_leaves_no_import_running_for_ever(
    home: dict[str, str], tmp_path: Path
) -> None:
    server = _serve(home)
    try:
        record_id = _enqueue(home, _big_usage_file(tmp_path / "usage.csv"))
        _worker_pid(home)  # the import is running in the server's worker
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    finally:
        _stop(server)
    restarted = _serve(home)
    try:
        assert _wait_until_ended(home, record_id) in {"succeeded", "partial", "failed"}
    finally:
        _stop(restarted)


def test_an_import_whose_worker_was_killed_is_failed_when_the_server_starts_again(
    home: dict[str, str], tmp_path: Path
) -> None:
    server = _serve(home)
    try:
        record_id = _enqueue(home, _big_usage_file(tmp_path / "usage.csv"))
        worker = _worker_pid(home)
        os.kill(worker, signal.SIGKILL)  # the machine lost mid-import: nobody finishes it
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        assert _row(home, record_id)[0] == "running"  # what a restart used to leave for ever
    finally:
        _stop(server)
    restarted = _serve(home)
    try:
        assert _wait_until_ended(home, record_id) == "failed"
        _, errors = _row(home, record_id)
        assert "interrupted by a restart" in str(errors[0]["message"])
        assert list((tmp_path / "home" / "imports").iterdir()) == []  # its upload removed
    finally:
        _stop(restarted)
