"""Background jobs through Django's tasks interface (django-tasks, with django-tasks-db's queue).

An app's `jobs.py` declares its task with `@task()` and enqueues it; `peerwheel worker` (which
`peerwheel serve` starts beside the web server) runs what is queued. The job writes its progress
onto its own row (an `Import`, a `SimulationRun`), which the page polls.

A worker killed mid-job (kill -9, a crash, a lost machine) leaves its task RUNNING in the queue
and the job's row RUNNING for ever. `stale_task_targets` finds them when a worker starts: a
task is live while it waits in the queue or while the worker that claimed it is alive. Each
worker's id is `host:pid`, so a worker can tell a dead worker on its own host; a task claimed
on another host is taken to be alive.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django_tasks import TaskResultStatus

INTERRUPTED = "interrupted by a restart"


class InterruptedByRestartError(RuntimeError):
    """Recorded on a queued task whose worker died while running it."""


def queue_is_database() -> bool:
    """True when jobs wait in the database for a worker (PEERWHEEL_TASKS=database)."""
    return bool(settings.PEERWHEEL_TASKS == "database")


def worker_id() -> str:
    """This process's worker id: `host:pid` (django-tasks-db allows 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _worker_alive(worker: str) -> bool:
    host, _, pid_text = worker.rpartition(":")
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return True  # another machine's worker, or an id we did not make: not ours to judge
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # this worker is starting: it runs nothing yet
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user holds the pid: not a worker of ours
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # Linux: a recycled pid is some other program
        return b"worker" in cmdline.read_bytes()
    return True


def stale_task_targets(*, task_path: str, key: str, ids: Iterable[int]) -> set[int]:
    """Of the rows `ids` (each named by its task's keyword argument `key`), those whose tasks
    are all dead: none waits in the queue and none runs on a living worker. A row no task names
    (a command's import, run in that command's own process) is not returned. A dead RUNNING task
    is marked failed in the queue as it is found."""
    from django_tasks_db.models import DBTaskResult  # the app registry is ready by now

    wanted = set(ids)
    if not wanted or not queue_is_database():
        return set()
    live: set[int] = set()
    named: set[int] = set()
    tasks = DBTaskResult.objects.filter(
        task_path=task_path, **{f"args_kwargs__kwargs__{key}__in": sorted(wanted)}
    )
    for row in tasks:
        target = _target(row.args_kwargs, key)
        if target not in wanted:
            continue
        named.add(target)
        if row.status == TaskResultStatus.READY:
            live.add(target)
        elif row.status == TaskResultStatus.RUNNING:
            if row.worker_ids and _worker_alive(str(row.worker_ids[-1])):
                live.add(target)
            else:
                row.set_failed(InterruptedByRestartError(INTERRUPTED))
    return named - live


def task_kwargs(*, task_path: str, key: str, ids: Iterable[int]) -> list[dict[str, Any]]:
    """The keyword arguments of every queued task of `task_path` that names one of `ids`."""
    from django_tasks_db.models import DBTaskResult

    wanted = set(ids)
    if not wanted or not queue_is_database():
        return []
    rows = DBTaskResult.objects.filter(
        task_path=task_path, **{f"args_kwargs__kwargs__{key}__in": sorted(wanted)}
    ).values_list("args_kwargs", flat=True)
    return [row["kwargs"] for row in rows if _target(row, key) in wanted]


def _target(args_kwargs: Any, key: str) -> int | None:
    kwargs = args_kwargs.get("kwargs") if isinstance(args_kwargs, dict) else None
    value = kwargs.get(key) if isinstance(kwargs, dict) else None
    return value if isinstance(value, int) else None
