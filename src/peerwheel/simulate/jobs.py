"""Running a stored simulation in the background, so the page can show its progress.

A queued task (Django's tasks interface, `peerwheel.core.tasks`) runs
`services.simulation_run_execute`, which writes progress onto the row the page polls. A worker
killed mid-run leaves a row that the next worker to start fails ("interrupted by a restart",
`simulation_runs_interrupted_fail`).
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import TaskResult, task

from peerwheel.core.tasks import INTERRUPTED, stale_task_targets
from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.services import simulation_run_execute

logger = logging.getLogger(__name__)


def simulation_run_in_background(run: SimulationRun) -> TaskResult[None]:
    """Queue the run; the worker executes it (at once, in tests: PEERWHEEL_TASKS=immediate)."""
    return simulation_task.enqueue(run_id=run.pk)


@task()
def simulation_task(*, run_id: int) -> None:
    """The queued simulation (its argument is JSON: the queue stores it)."""
    _run(run_id)


def _run(run_id: int) -> None:
    try:
        simulation_run_execute(run=SimulationRun.objects.get(pk=run_id))
    except Exception:  # the service records its own failures; this is the last resort
        logger.exception("simulation run %s could not be executed", run_id)


def simulation_runs_interrupted_fail() -> int:
    """Fail every queued or running simulation whose task died with its worker (a killed
    process): its page would otherwise poll for ever. Returns how many."""
    active = SimulationRun.objects.filter(
        status__in=[SimulationRun.Status.QUEUED, SimulationRun.Status.RUNNING]
    ).values_list("pk", flat=True)
    stale = stale_task_targets(
        task_path=simulation_task.module_path, key="run_id", ids=list(active)
    )
    return SimulationRun.objects.filter(
        pk__in=stale, status__in=[SimulationRun.Status.QUEUED, SimulationRun.Status.RUNNING]
    ).update(
        status=SimulationRun.Status.FAILED,
        error=f"the simulation was {INTERRUPTED}: run it again",
        finished=timezone.now(),
    )
