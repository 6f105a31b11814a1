"""Writes for simulations: create a run, execute it (progress onto the row), store the result.

`simulation_run_execute` is the one function that runs a stored simulation, whether from the
page's background thread (jobs.py), the demo, or a task queue.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from peerwheel.engine.networks import Network
from peerwheel.engine.scenarios import Scenario
from peerwheel.engine.seeding import SeedStrategy
from peerwheel.engine.sweep import run_task, summarise
from peerwheel.org.selectors import people_current
from peerwheel.simulate import selectors
from peerwheel.simulate.calibration import calibrated_base, peer_targets
from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.scenarios import scenario_task

logger = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.25
STRATEGY_LABELS = {
    None: "No champions",
    SeedStrategy.NATURAL: "Natural champions",
    SeedStrategy.APPOINTED: "Appointed champions",
    SeedStrategy.DEGREE: "Best-connected people",
    SeedStrategy.PAGERANK: "PageRank",
    SeedStrategy.OPTIMISED: "Optimised (CELF)",
}


class SimulationInputError(ValueError):
    """A run that cannot be made as asked (the message says what to change)."""


class SimulationLimitError(SimulationInputError):
    """The login already has PEERWHEEL_MAX_RUNNING_SIMULATIONS runs queued or running."""


#: A run still queued or running this long after it was made died with its server process
#: (a restart): it no longer counts against its author's cap.
STALE_RUN_AFTER = timedelta(hours=6)


def _refuse_over_the_cap(actor: User) -> None:
    """Lock the login's row (two requests at once wait for each other), then count its runs."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    cap = settings.PEERWHEEL_MAX_RUNNING_SIMULATIONS
    running = SimulationRun.objects.filter(
        created_by=actor,
        status__in=[SimulationRun.Status.QUEUED, SimulationRun.Status.RUNNING],
        created__gt=timezone.now() - STALE_RUN_AFTER,
    ).count()
    if running >= cap:
        raise SimulationLimitError(
            f"you already have {running} simulation{'s' if running != 1 else ''} queued or "
            f"running (at most {cap} at once); wait for one to finish, then start this one"
        )


@transaction.atomic
def simulation_run_create(
    *,
    actor: User | None,
    arms: Sequence[Scenario],
    runs: int,
    weeks: int,
    seed: int = 42,
    title: str = "",
) -> SimulationRun:
    """A queued run of 1–4 arms (scenarios) on the organisation's network.

    A login may have at most PEERWHEEL_MAX_RUNNING_SIMULATIONS runs queued or running at once
    (SimulationLimitError beyond that)."""
    if not 1 <= len(arms) <= 4:
        raise SimulationInputError("compare between 1 and 4 scenarios or strategies")
    if not 1 <= runs <= 1000 or not 1 <= weeks <= 260:
        raise SimulationInputError("runs must be 1–1000 and weeks 1–260")
    people = people_current().count()
    for arm in arms:  # said now, on the form, rather than by a run that fails
        if arm.strategy is not None and arm.k > people:
            raise SimulationInputError(
                f"{arm.name}: {arm.k} champions is more than the {people} people in the "
                f"organisation; choose at most {people}"
            )
    if actor is not None:
        _refuse_over_the_cap(actor)
    return SimulationRun.objects.create(
        title=title or " vs ".join(arm.name for arm in arms),
        created_by=actor,
        parameters={"arms": [arm.to_dict() for arm in arms], "runs": runs, "weeks": weeks},
        seed=seed,
    )


def _round(values: Any) -> list[float]:
    return [round(float(v), 4) for v in np.asarray(values)]


def simulation_run_execute(
    *,
    run: SimulationRun,
    network: Network | None = None,
    natural_ids: Sequence[str] | None = None,
) -> SimulationRun:
    """Run every arm, writing progress onto the row as it goes; store the result or the error.

    `network` and `natural_ids` default to the organisation's (people, ties, hub reach). The
    peer model under every arm is calibrated to the organisation's latest closed study wave, or
    to the published effects (simulate/calibration.py); the result says which.
    """
    SimulationRun.objects.filter(pk=run.pk).update(
        status=SimulationRun.Status.RUNNING, started=timezone.now(), phase="building the network"
    )
    try:
        result = _execute(run, network, natural_ids)
    except (selectors.EmptyOrganisationError, SimulationInputError, ValueError) as exc:
        _finish(run, status=SimulationRun.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("simulation run %s failed", run.pk)
        _finish(
            run,
            status=SimulationRun.Status.FAILED,
            error="the simulation stopped on an internal error (the server log has the details)",
        )
    else:
        _finish(run, status=SimulationRun.Status.DONE, result=result)
    run.refresh_from_db()
    return run


def _finish(run: SimulationRun, *, status: str, error: str = "", result: Any = None) -> None:
    SimulationRun.objects.filter(pk=run.pk).update(
        status=status,
        error=error,
        result=result,
        progress=100,
        phase="",
        finished=timezone.now(),
    )


def _execute(
    run: SimulationRun, network: Network | None, natural_ids: Sequence[str] | None
) -> dict[str, Any]:
    if network is None:
        network = selectors.organisation_network()
    if natural_ids is None:
        natural_ids = selectors.natural_champion_ids()
    arms = [Scenario.from_dict(arm) for arm in run.parameters["arms"]]
    runs, weeks = int(run.parameters["runs"]), int(run.parameters["weeks"])
    last_write = 0.0

    def report(arm_index: int, fraction: float, phase: str) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write < PROGRESS_EVERY_SECONDS and fraction < 1:
            return
        last_write = now
        percent = int(100 * (arm_index + fraction) / len(arms))
        SimulationRun.objects.filter(pk=run.pk).update(progress=min(percent, 99), phase=phase)

    SimulationRun.objects.filter(pk=run.pk).update(phase="calibrating peer influence")
    base, calibration = calibrated_base(network, peer_targets())
    out = []
    for i, arm in enumerate(arms):
        if arm.strategy is not None and arm.k > network.n:
            raise SimulationInputError(
                f"{arm.name}: {arm.k} champions is more than the {network.n} people"
            )
        verb = "choosing champions" if arm.strategy is not None else "starting"
        report(i, 0.0, f"{arm.name}: {verb}")
        task = scenario_task(
            arm, rng_seed=run.seed, runs=runs, steps=weeks, natural_ids=natural_ids, base=base
        )

        def on_step(done: int, total: int, index: int = i, name: str = arm.name) -> None:
            report(index, done / max(total, 1), f"{name}: week {done} of {total}")

        outcome = run_task(network, task, on_step=on_step)
        result = outcome.result
        summary = summarise(arm.key, arm.strategy, result)
        out.append(
            {
                "key": arm.key,
                "name": arm.name,
                "scenario": arm.to_dict(),
                "strategy": summary.strategy,
                "champions": len(outcome.seeds),
                "mean_fraction": _round(result.mean_fraction),
                "band_low": _round(result.band_low),
                "band_high": _round(result.band_high),
                "heavy": _round(result.state_fraction("heavy")),
                "final_mean": round(summary.final_mean, 4),
                "weeks_to_half": summary.weeks_to_half,
                "heavy_share": None
                if summary.heavy_share is None
                else round(summary.heavy_share, 4),
                "runs": result.runs,
                "seconds": round(result.seconds, 3),
            }
        )
    return {
        "people": network.n,
        "ties": network.n_ties,
        "natural_from": "hub reach" if natural_ids else "in-group ties (no hub activity yet)",
        "calibration": calibration,
        "arms": out,
    }
