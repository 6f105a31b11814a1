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
from peerwheel.engine.flywheel.forecast import forecast, uncertainty
from peerwheel.engine.flywheel.what_if import WhatIf, what_ifs
from peerwheel.engine.privacy import suppressed_groups
from peerwheel.insights.selectors import FlywheelInputs

HORIZON_WEEKS = 12
MILESTONES = (0.25, 0.5, 0.75)
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
    transmission_cv, background_cv = uncertainty(attribution)
    params: dict[str, Any] = {
        "transmission_per_tie": attribution.transmission_per_tie,
        "generation_pmf": attribution.generation_pmf,
        "background_rate": attribution.background_rate,
        "source_factor": attribution.spreader_factor,
        "transmission_cv": transmission_cv,
        "background_cv": background_cv,
        "weeks": HORIZON_WEEKS,
        "runs": runs,
        "seed": 0,
    }
    outcomes = _what_ifs(inputs, k, champion_order, params)
    result = outcomes[0].baseline if outcomes else forecast(inputs.data, **params)
    block["weeks"] = [
        {
            "week": inputs.date_of(7 * int(week)).isoformat(),
            "adopters": round(float(result.median[j])),
            "low": round(float(result.low[j])),
            "high": round(float(result.high[j])),
        }
        for j, week in enumerate(result.weeks)
    ]
    block["what_if"] = [
        _what_if_row(inputs, outcome, STRATEGIES[outcome.strategy.value]) for outcome in outcomes
    ]
    return block


def _what_ifs(
    inputs: FlywheelInputs,
    k: int,
    champion_order: npt.NDArray[np.int64] | None,
    params: dict[str, Any],
) -> list[WhatIf]:
    """The what-if of every strategy with someone to choose, sharing one baseline forecast
    (engine.flywheel.what_if.what_ifs: one pass); none when nobody is left to add."""
    if k < 1 or inputs.adopters == inputs.headcount:
        return []
    strategies = [
        s
        for s in STRATEGIES
        if s != "natural" or (champion_order is not None and champion_order.size)
    ]
    try:
        return what_ifs(
            inputs.data,
            k=k,
            strategies=strategies,
            champion_order=champion_order,
            target_share=_milestone(inputs.adopters / inputs.headcount),
            headcount=inputs.headcount,
            **params,
        )
    except ValueError:  # a strategy found no non-adopter to choose
        return []


def _what_if_row(inputs: FlywheelInputs, outcome: WhatIf, label: str) -> dict[str, Any]:
    """One strategy's line: where its champions are (departments, never names), the week the
    goal share of the organisation has adopted, how much earlier than without them, and the
    sentence."""
    counts = np.bincount(
        inputs.data.department[outcome.champions], minlength=len(inputs.departments)
    )
    named = [inputs.departments[d] for d in np.argsort(-counts, kind="stable") if counts[d] > 0]
    where = _and(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
    week = outcome.week
    return {
        "strategy": outcome.strategy.value,
        "label": label.capitalize(),
        "k": int(outcome.champions.size),
        "where": where,
        "target_share": outcome.target_share,
        "target_week": None if week is None else inputs.date_of(7 * week).isoformat(),
        "earlier_by_weeks": outcome.weeks_earlier,
        "added": round(outcome.added),
        "sentence": f"{outcome.sentence(where)} (chosen by {label}).",
    }


def _milestone(share: float) -> float:
    """The what-if's goal: the next of 25%, 50% and 75% adopted that is still ahead."""
    return next((goal for goal in MILESTONES if share < goal - 0.05), 1.0)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
