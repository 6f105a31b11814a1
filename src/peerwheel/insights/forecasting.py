"""The report's critical-mass and forecast blocks (the engine's `critical_mass`, `bass_fit`
and `forecast`), with groups below the minimum size hidden."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from peerwheel.engine.flywheel.attribution import Attribution
from peerwheel.engine.flywheel.bass_fit import bass_curve, bass_fit
from peerwheel.engine.flywheel.critical_mass import critical_mass
from peerwheel.engine.flywheel.forecast import forecast, what_if
from peerwheel.engine.privacy import suppressed_groups
from peerwheel.insights.selectors import FlywheelInputs

HORIZON_WEEKS = 12
STRATEGIES = {
    "natural": "the natural champions",
    "degree": "the best-connected colleagues",
    "optimised": "the optimised choice",
}


def critical_mass_block(
    inputs: FlywheelInputs, incidence: npt.NDArray[np.int64], *, band: tuple[float, float]
) -> dict[str, Any]:
    """Adopted share of the organisation and of each department against the band, the week
    its lower edge was crossed, and a Bass fit (m bounded by the headcount)."""
    block: dict[str, Any] = {
        "share": None,
        "band": list(band),
        "crossed_week": None,
        "by_department": [],
        "bass": None,
    }
    if inputs.headcount == 0:
        return block
    mass = critical_mass(inputs.data, band=band, headcount=inputs.headcount)
    block["share"] = round(mass.share, 4)
    if mass.crossed_week is not None:
        block["crossed_week"] = inputs.date_of(7 * mass.crossed_week).isoformat()
    sizes = np.zeros(len(inputs.departments), dtype=np.int64)
    for group in mass.groups:
        sizes[group.group] = group.people
    hide = suppressed_groups(sizes, min_group=settings.PEERWHEEL_MIN_GROUP)
    for group in mass.groups:
        hidden = bool(hide[group.group])
        block["by_department"].append(
            {
                "department": inputs.departments[group.group],
                "people": None if hidden else group.people,
                "share": None if hidden else round(group.share, 4),
                "crossed_week": None
                if hidden or group.crossed_week is None
                else inputs.date_of(7 * group.crossed_week).isoformat(),
                "suppressed": hidden,
            }
        )
    try:
        fit = bass_fit(incidence, inputs.headcount)
    except ValueError:
        return block  # under three weeks of adoptions: no Bass fit yet
    block["bass"] = {"p": round(fit.p, 5), "q": round(fit.q, 5), "m": round(fit.m, 1)}
    return block


def _bass_weeks(inputs: FlywheelInputs, incidence: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
    try:
        fit = bass_fit(incidence, inputs.headcount)
    except ValueError:
        return []
    start = inputs.data.as_of_day // 7
    # the fitted weeks end with the as-of week; the curve continues from the adopters so far
    curve = bass_curve(fit, float(incidence.sum()), HORIZON_WEEKS)
    return [
        {"week": inputs.date_of(7 * (start + 1 + j)).isoformat(), "adopters": round(float(v), 1)}
        for j, v in enumerate(curve)
    ]


def forecast_block(
    inputs: FlywheelInputs,
    attribution: Attribution | None,
    incidence: npt.NDArray[np.int64],
    *,
    k: int,
    champion_order: npt.NDArray[np.int64] | None,
    runs: int,
) -> dict[str, Any]:
    """The next 12 weeks of cumulative adopters from the calibrated peer model (median and
    90% band), the Bass curve beside it, and the what-if with `k` extra champions."""
    block: dict[str, Any] = {
        "weeks": [],
        "bass": {"weeks": _bass_weeks(inputs, incidence) if inputs.headcount else []},
        "what_if": [],
        "reason": "",
    }
    if attribution is None or inputs.ties == 0:
        block["reason"] = "import the collaboration network (peerwheel import ties)"
        return block
    params = {
        "transmission_per_tie": attribution.transmission_per_tie,
        "generation_pmf": attribution.generation_pmf,
        "background_rate": attribution.background_rate,
    }
    result = forecast(inputs.data, weeks=HORIZON_WEEKS, runs=runs, seed=0, **params)
    start = inputs.data.as_of_day // 7
    block["weeks"] = [
        {
            "week": inputs.date_of(7 * (start + j)).isoformat(),
            "adopters": int(round(float(result.median[j]))),
            "low": int(round(float(result.low[j]))),
            "high": int(round(float(result.high[j]))),
        }
        for j in range(HORIZON_WEEKS)
    ]
    for strategy, label in STRATEGIES.items():
        if strategy == "natural" and champion_order is None:
            continue
        outcome = what_if(
            inputs.data,
            k=k,
            strategy=strategy,
            champion_order=champion_order,
            weeks=HORIZON_WEEKS,
            runs=runs,
            seed=0,
            **params,
        )
        block["what_if"].append(_what_if_row(inputs, outcome, strategy, label, k))
    return block


def _what_if_row(
    inputs: FlywheelInputs, outcome: Any, strategy: str, label: str, k: int
) -> dict[str, Any]:
    chosen = np.asarray(outcome.chosen, dtype=np.int64)
    counts = np.bincount(inputs.data.department[chosen], minlength=len(inputs.departments))
    where = ", ".join(
        inputs.departments[d] for d in np.argsort(-counts, kind="stable") if counts[d] > 0
    )
    start = inputs.data.as_of_day // 7
    half = outcome.half_week
    half_text = None if half is None else inputs.date_of(7 * (start + half)).isoformat()
    earlier = outcome.earlier_by_weeks
    if earlier is None:
        sentence = (
            f"{k} more champions chosen by {label} ({where}): half the organisation is not "
            f"reached within {HORIZON_WEEKS} weeks either way."
        )
    else:
        sentence = (
            f"{k} more champions chosen by {label} in {where} bring 50% adoption forward by "
            f"{earlier} week{'s' if earlier != 1 else ''}."
        )
    return {
        "strategy": strategy,
        "label": label.capitalize(),
        "k": k,
        "where": where,
        "half_week": half_text,
        "earlier_by_weeks": earlier,
        "sentence": sentence,
    }
