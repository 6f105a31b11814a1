"""Running a stored simulation in the background, so the page can show its progress.

A daemon thread runs `services.simulation_run_execute`, which writes progress onto the row the
page polls. Heavy deployments can call the same function from a task queue instead.
"""

from __future__ import annotations

import logging
import threading

from django.db import connection

from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.services import simulation_run_execute

logger = logging.getLogger(__name__)


def simulation_run_in_background(run: SimulationRun) -> threading.Thread:
    worker = threading.Thread(
        target=_run, args=(run.pk,), name=f"peerwheel-simulation-{run.pk}", daemon=True
    )
    worker.start()
    return worker


def _run(run_id: int) -> None:
    try:
        simulation_run_execute(run=SimulationRun.objects.get(pk=run_id))
    except Exception:  # the service records its own failures; this is the last resort
        logger.exception("simulation run %s could not be executed", run_id)
    finally:
        connection.close()
