"""The wave planner's simulation: three plans of the next waves (by demand, largest first,
random) run through the engine's flywheel forecast on the organisation's network, calibrated
from its own cascade as the insights report does (insights/forecasting.py), a wave every
WAVE_WEEKS weeks (`engine.flywheel.staggered.forecast_waves`: the forecast's model with launch
cohorts in later weeks), and the plan stored (`wave_plan_create`, the one write).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.accounts.services import audit_record
from peerwheel.core.errors import ForbiddenError
from peerwheel.engine.flywheel.attribution import attribute
from peerwheel.engine.flywheel.forecast import uncertainty
from peerwheel.engine.flywheel.staggered import forecast_waves
from peerwheel.insights.selectors import FlywheelInputs, flywheel_inputs
from peerwheel.program.models import WavePlan
from peerwheel.program.services import ProgramError
from peerwheel.program.status import snapshot_on
from peerwheel.program.waves import (
    HORIZON_WEEKS,
    LAUNCH_SHARE,
    RANDOM_PLANS,
    RUNS,
    WAVE_WEEKS,
    WAVES,
    Unit,
    candidate_units,
)

PLANS = {
    "demand": "By organic demand, ties and champions",
    "largest": "Largest first",
    "random": "Random",
}
Actor = User | AnonymousUser | None


def _cohort(unit: Unit, inputs: FlywheelInputs, champions: set[int]) -> list[int]:
    """A unit's launch cohort as network indices: its active champions who have not adopted,
    then its best-connected colleagues who have not, LAUNCH_SHARE of its people (at least 1)."""
    index = {int(pk): i for i, pk in enumerate(inputs.person_ids.tolist())}
    data = inputs.data
    degree = np.diff(data.indptr)
    free = [index[p] for p in unit.members if p in index and data.adoption_day[index[p]] < 0]
    want = max(1, round(LAUNCH_SHARE * unit.people))
    first = [i for i in free if int(inputs.person_ids[i]) in champions]
    rest = sorted((i for i in free if i not in first), key=lambda i: (-degree[i], i))
    return (first + rest)[:want]


def _band(final: npt.NDArray[np.int32]) -> dict[str, int]:
    low, median, high = np.quantile(final, [0.05, 0.5, 0.95])
    return {"median": round(float(median)), "low": round(float(low)), "high": round(float(high))}


def _run(
    inputs: FlywheelInputs,
    params: dict[str, Any],
    cohorts: list[list[int]],
    seed: int,
    runs: int,
) -> npt.NDArray[np.int32]:
    """Every run's adopters at the end of the horizon, wave w opening in week w · WAVE_WEEKS."""
    waves = [(w * WAVE_WEEKS, np.array(c, dtype=np.int64)) for w, c in enumerate(cohorts) if c]
    result = forecast_waves(inputs.data, waves=waves, seed=seed, runs=runs, **params)
    return result.cumulative[:, -1]


def _plan(
    order: list[Unit], per_wave: int, inputs: FlywheelInputs, champions: set[int]
) -> tuple[list[list[str]], list[list[int]]]:
    waves = [order[w * per_wave : (w + 1) * per_wave] for w in range(WAVES)]
    waves = [w for w in waves if w]
    names = [[u.name for u in w] for w in waves]
    cohorts = [[i for u in w for i in _cohort(u, inputs, champions)] for w in waves]
    return names, cohorts


def simulate(
    *, as_of: date, unit: str = "site", per_wave: int = 3, seed: int = 0
) -> dict[str, Any]:
    """Rank the units and simulate the three plans; a JSON-ready dict (see the module doc)."""
    snapshot = snapshot_on(as_of)
    units = candidate_units(snapshot, unit=unit)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "unit": unit,
        "per_wave": per_wave,
        "horizon_weeks": HORIZON_WEEKS,
        "ranking": [u.as_dict() for u in units],
        "plans": [],
        "baseline": None,
        "reason": "",
    }
    if not units:
        result["reason"] = f"every {unit} is live already: no next wave to plan"
        return result
    inputs = flywheel_inputs(as_of=as_of)
    if inputs.ties == 0 or inputs.adopters == 0:
        result["reason"] = (
            "the forecast needs adopters and the collaboration network "
            "(peerwheel import ties) to calibrate on"
        )
        return result
    attribution = attribute(inputs.data)
    transmission_cv, background_cv = uncertainty(attribution)
    params: dict[str, Any] = {
        "transmission_per_tie": attribution.transmission_per_tie,
        "generation_pmf": attribution.generation_pmf,
        "background_rate": attribution.background_rate,
        "source_factor": attribution.spreader_factor,
        "transmission_cv": transmission_cv,
        "background_cv": background_cv,
        "weeks": HORIZON_WEEKS,
    }
    result["baseline"] = _band(_run(inputs, params, [], seed, RUNS))
    result["wave_weeks"] = WAVE_WEEKS
    orders = {
        "demand": units,
        "largest": sorted(units, key=lambda u: (-u.people, u.name)),
    }
    for key, order in orders.items():
        names, cohorts = _plan(order, per_wave, inputs, snapshot.champions)
        by_wave = [
            _band(_run(inputs, params, cohorts[:k], seed, RUNS)) for k in range(1, len(cohorts) + 1)
        ]
        result["plans"].append(
            {"key": key, "label": PLANS[key], "waves": names, "by_wave": by_wave,
             "adopters": by_wave[-1]}
        )  # fmt: skip
    rng = np.random.default_rng([seed, 7])
    pooled: list[list[npt.NDArray[np.int32]]] = [[] for _ in range(WAVES)]
    runs = max(RUNS // RANDOM_PLANS, 20)
    for r in range(RANDOM_PLANS):
        order = [units[i] for i in rng.permutation(len(units))]
        _, cohorts = _plan(order, per_wave, inputs, snapshot.champions)
        for k in range(1, len(cohorts) + 1):
            pooled[k - 1].append(_run(inputs, params, cohorts[:k], seed + 1 + r, runs))
    by_wave = [_band(np.concatenate(p)) for p in pooled if p]
    result["plans"].append(
        {
            "key": "random",
            "label": PLANS["random"],
            "waves": [[f"{per_wave} {unit}s drawn at random"] for _ in by_wave],
            "by_wave": by_wave,
            "adopters": by_wave[-1],
        }
    )
    return result


def wave_plan_create(
    *, actor: Actor, unit: str = "site", per_wave: int = 3, as_of: date | None = None, seed: int = 0
) -> WavePlan:
    """A lead plans the next waves: ranked, simulated and stored; audited."""
    if not has_capability(actor or AnonymousUser(), Capability.MANAGE_PROGRAM):
        raise ForbiddenError("Planning waves is a program lead's task.")
    if unit not in ("site", "department"):
        raise ProgramError("plan waves of sites or of departments")
    if not 1 <= per_wave <= 10:
        raise ProgramError("a wave opens 1 to 10 units")
    day = as_of or timezone.localdate()
    result = simulate(as_of=day, unit=unit, per_wave=per_wave, seed=seed)
    plan = WavePlan.objects.create(
        created=timezone.now(),
        by=actor if isinstance(actor, User) else None,
        as_of=day,
        unit=unit,
        per_wave=per_wave,
        seed=seed,
        result=result,
    )
    audit_record(actor=actor, action="program.wave_plan", target=f"{unit}s", per_wave=per_wave)
    return plan


def latest_plan() -> WavePlan | None:
    return WavePlan.objects.order_by("-created", "-pk").first()
