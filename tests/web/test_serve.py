"""`peerwheel serve` is gunicorn with the job worker beside it; `peerwheel worker` runs the queue.

Real processes against a temporary SQLite home: what an operator starts is what is tested."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from peerwheel.web.management.commands.serve import default_workers

pytestmark = pytest.mark.slow
PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))


def test_the_default_web_workers_follow_gunicorns_advice() -> None:
    assert default_workers() == 2 * len(os.sched_getaffinity(0)) + 1


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(
        PEERWHEEL_HOME=str(tmp_path / "home"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'home' / 'peerwheel.sqlite3'}",
        PEERWHEEL_TASKS="database",
    )
    subprocess.run([PEERWHEEL, "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[str]:
    """The command lines of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return found


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_serve_runs_gunicorn_workers_and_the_job_worker_and_stops_them_all(
    home: dict[str, str],
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [PEERWHEEL, "serve", "--port", str(port), "--workers", "2"],
        env=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        status, page = _get(f"http://127.0.0.1:{port}/accounts/login/", deadline)
        assert status == 200 and b"csrfmiddlewaretoken" in page
        status, script = _get(f"http://127.0.0.1:{port}/static/plotly/plotly.min.js", deadline)
        assert status == 200 and len(script) > 1_000_000  # WhiteNoise, no development server
        children = _children(server.pid)
        while sum(" serve " in f" {c} " for c in children) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)  # gunicorn boots its workers one after the other
            children = _children(server.pid)
        assert sum(" serve " in f" {c} " for c in children) == 2  # gunicorn's web processes
        assert sum(c.rstrip().endswith("peerwheel.cli worker") for c in children) == 1
        kids = _child_pids(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    time.sleep(1)
    assert [pid for pid in kids if Path(f"/proc/{pid}").exists()] == []


def _child_pids(pid: int) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid
            ):
                pids.add(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def test_the_worker_refuses_when_jobs_run_inside_their_requests(home: dict[str, str]) -> None:
    done = subprocess.run(
        [PEERWHEEL, "worker"],
        env={**home, "PEERWHEEL_TASKS": "immediate"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "PEERWHEEL_TASKS=immediate" in done.stderr


def test_the_worker_runs_a_queued_import_and_removes_its_upload(
    home: dict[str, str],
) -> None:
    queue = """
import django
django.setup()
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from peerwheel.usage.jobs import import_in_background
data = b"person,week,tool,actions\\nalice@example.com,2025-03-03,ChatGPT,3\\n"
admin = User.objects.create_user("erin", password="x" * 20)
upload = SimpleUploadedFile("u.csv", data)
print(import_in_background(kind="usage-csv", upload=upload, actor=admin).pk)
"""
    env = {**home, "DJANGO_SETTINGS_MODULE": "peerwheel.settings"}
    queued = subprocess.run(
        [sys.executable, "-c", queue], env=env, capture_output=True, text=True, timeout=300
    )
    assert queued.returncode == 0, queued.stderr
    record_id = int(queued.stdout.split()[-1])
    uploads = Path(home["PEERWHEEL_HOME"]) / "imports"
    assert _status(env, record_id) == "running"  # nothing runs it without a worker
    assert len(list(uploads.iterdir())) == 1

    worker = subprocess.run(
        [PEERWHEEL, "worker", "--batch"], env=home, capture_output=True, text=True, timeout=300
    )

    assert worker.returncode == 0, worker.stderr
    assert _status(env, record_id) in {"succeeded", "partial", "failed"}
    assert list(uploads.iterdir()) == []


def _status(env: dict[str, str], record_id: int) -> str:
    check = f"""
import django
django.setup()
from peerwheel.core.models import Import
print(Import.objects.get(pk={record_id}).status)
"""
    done = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[-1]
