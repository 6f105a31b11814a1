"""The flywheel report: R, natural champions, critical mass and the forecast, as one dict.

`flywheel_report(as_of=...)` is what `peerwheel insights report --json` prints and what the
Flywheel page draws. Every figure is defined in docs/metrics.md. Whatever cannot be estimated
(no adopters, no ties, an as-of date before any data) is `None` with a sentence in `missing`
saying why and what is still shown — never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings

from peerwheel.engine.flywheel.attribution import Attribution, attribute, attribute_events_only
from peerwheel.engine.flywheel.champions import champion_scores
from peerwheel.engine.flywheel.reproduction import (
    REstimate,
    cori_rt,
    flywheel_r,
    flywheel_r_by_group,
    imported_adopters,
    shuffled_baseline_r,
    wallinga_teunis_r,
    weekly_new_adopters,
)
from peerwheel.engine.privacy import suppressed_groups
from peerwheel.insights.forecasting import critical_mass_block, forecast_block
from peerwheel.insights.momentum import momentum_report
from peerwheel.insights.selectors import FlywheelInputs, flywheel_inputs

CHAMPIONS_SHOWN = 15
BAND = (0.10, 0.25)
#: the generation interval assumed where none can be estimated (no ties and no events):
#: a colleague is brought in 1 to 4 weeks after the adopter who brought them, mostly soon
DEFAULT_GENERATION_PMF = np.array([0.0, 0.4, 0.3, 0.2, 0.1])


@dataclass(frozen=True)
class Report:
    """The report as a dict (`data`, JSON-ready) and the inputs it was computed from."""

    data: dict[str, Any]
    inputs: FlywheelInputs


def _r(estimate: REstimate | None) -> dict[str, Any]:
    if estimate is None or not np.isfinite(estimate.value):
        return {"value": None, "low": None, "high": None}
    return {
        "value": round(float(estimate.value), 3),
        "low": round(float(estimate.low), 3),
        "high": round(float(estimate.high), 3),
    }


def _missing(inputs: FlywheelInputs) -> list[str]:
    notes = []
    if inputs.headcount == 0:
        notes.append("No people yet: import the HR file (peerwheel import people).")
    if inputs.adopters == 0:
        notes.append(
            f"No adopters before {inputs.as_of:%d %b %Y}: no AI use, hub trial or 'tried' "
            "event is recorded before that date, so nothing can be estimated yet."
        )
    if inputs.ties == 0:
        notes.append(
            "No ties: import the collaboration network (peerwheel import ties) for who brought "
            "whom, Flywheel R and the forecast; the curve-only R needs no ties and is shown."
        )
    if inputs.events == 0:
        notes.append(
            "No influence events: attribution rests on ties and timing alone; the events-only "
            "view is empty."
        )
    return notes


STEPS = 6


def flywheel_report(
    *,
    as_of: date,
    what_if_k: int = 5,
    runs: int = 1000,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """The whole flywheel report on `as_of`, from data strictly before it. `on_progress(done,
    total)` hears of each of its STEPS (reading, attribution, R, champions, forecast,
    momentum)."""

    def step(done: int) -> None:
        if on_progress is not None:
            on_progress(done, STEPS)

    inputs = flywheel_inputs(as_of=as_of)
    step(1)
    data = inputs.data
    report: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "people": inputs.headcount,
        "adopters": inputs.adopters,
        "ties": inputs.ties,
        "events": inputs.events,
        "missing": _missing(inputs),
    }
    incidence = weekly_new_adopters(data)
    report["adoption_curve"] = [
        {
            "week": inputs.date_of(7 * w).isoformat(),
            "new": int(n),
            "cumulative": int(c),
        }
        for w, (n, c) in enumerate(zip(incidence, np.cumsum(incidence), strict=True))
    ]
    attribution = attribute(data) if inputs.adopters and (inputs.ties or inputs.events) else None
    step(2)
    report["flywheel_r"] = _flywheel_r_block(inputs, attribution, incidence)
    step(3)
    ranking = _ranking(inputs, attribution)
    report["champions"] = _champions(inputs, ranking)
    step(4)
    report["critical_mass"] = critical_mass_block(inputs, incidence, band=BAND)
    report["forecast"] = forecast_block(
        inputs,
        attribution,
        incidence,
        k=what_if_k,
        champion_order=_natural_order(inputs, ranking),
        runs=runs,
    )
    step(5)
    # momentum (docs/metrics.md, "Momentum"): organic demand, question stages, invisible
    # successes, leader consistency, psychological safety, training; the flywheel per group
    report |= momentum_report(inputs, attribution)
    step(6)
    return Report(data=report, inputs=inputs)


def _flywheel_r_block(
    inputs: FlywheelInputs, attribution: Attribution | None, incidence: np.ndarray
) -> dict[str, Any]:
    data = inputs.data
    block: dict[str, Any] = {"value": None, "low": None, "high": None, "adopters": 0}
    if attribution is not None:
        estimate = flywheel_r(data, attribution)
        block |= _r(estimate) | {"adopters": int(estimate.adopters)}
        events_only = flywheel_r(data, attribute_events_only(data))
        block["events_only"] = {"value": _r(events_only)["value"]}
        block["baseline"] = {"value": _round(shuffled_baseline_r(data, seed=0))}
        block["by_department"] = _by_department(inputs, attribution)
        serial = attribution.realised_pmf
    else:
        block["events_only"] = {"value": None}
        block["baseline"] = {"value": None}
        block["by_department"] = []
        serial = DEFAULT_GENERATION_PMF
    block["curve_only"] = {"value": None, "low": None, "high": None}
    block["over_time"] = []
    if incidence.sum() == 0:
        return block
    imported = imported_adopters(data, attribution)
    block["curve_only"] = _r(wallinga_teunis_r(incidence, serial, imported=imported))
    series = cori_rt(incidence, serial, imported=imported)
    block["over_time"] = [
        {
            "week": inputs.date_of(7 * int(week)).isoformat(),
            "value": _round(mean),
            "low": _round(low),
            "high": _round(high),
        }
        for week, mean, low, high in zip(
            series.t_end, series.mean, series.low, series.high, strict=True
        )
        if np.isfinite(mean)
    ]
    return block


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


def _by_department(inputs: FlywheelInputs, attribution: Attribution) -> list[dict[str, Any]]:
    """R per department (of the adopters who brought others in) over adopters with a closed
    window; groups of fewer than the minimum hidden, with complementary suppression."""
    groups = flywheel_r_by_group(inputs.data, attribution, inputs.data.department, min_group=1)
    sizes = np.array([g.adopters for g in groups], dtype=np.int64)
    hide = suppressed_groups(sizes, min_group=settings.PEERWHEEL_MIN_GROUP)
    rows: list[dict[str, Any]] = []
    for group, hidden in zip(groups, hide.tolist(), strict=True):
        name = inputs.departments[group.group]
        if hidden:
            rows.append({"department": name, "adopters": None, "value": None, "suppressed": True})
        else:
            rows.append(
                {
                    "department": name,
                    "adopters": group.adopters,
                    "value": _round(group.value),
                    "low": _round(group.low),
                    "high": _round(group.high),
                    "suppressed": False,
                }
            )
    return rows


def _ranking(inputs: FlywheelInputs, attribution: Attribution | None) -> Any:
    n = inputs.headcount
    if n == 0:
        return None
    brought_in = (
        attribution.brought_in(n) if attribution is not None else np.zeros(n, dtype=np.float64)
    )
    ev = inputs.evidence
    help_ = np.array([ev[i].help if i in ev else 0 for i in range(n)], dtype=np.float64)
    reach = np.array([ev[i].reach if i in ev else 0 for i in range(n)], dtype=np.float64)
    outside = np.array([ev[i].reach_outside if i in ev else 0 for i in range(n)], dtype=np.float64)
    weeks = np.array([ev[i].active_weeks if i in ev else 0 for i in range(n)], dtype=np.float64)
    bridging = np.divide(outside, reach, out=np.zeros(n), where=reach > 0)
    return champion_scores(brought_in, help_, reach, bridging, weeks)


def _natural_order(inputs: FlywheelInputs, ranking: Any) -> np.ndarray | None:
    """Who the natural strategy of the what-if would ask first: the people the evidence ranks
    highest, then those who have not adopted yet ordered by their own hub activity (asking,
    answering) and then by how connected they are inside their department."""
    if ranking is None:
        return None
    data = inputs.data
    n = data.n_people
    ev = inputs.evidence
    active = np.array([ev[i].active_weeks if i in ev else 0 for i in range(n)])
    rows = np.repeat(np.arange(n), np.diff(data.indptr))
    same = data.department[rows] == data.department[data.indices]
    inside = np.bincount(rows[same], minlength=n)
    rest = np.flatnonzero(~data.adopted)
    rest = rest[np.lexsort((-inside[rest], -active[rest]))]
    return np.concatenate([ranking.order, rest]).astype(np.int64)


def _champions(inputs: FlywheelInputs, ranking: Any) -> list[dict[str, Any]]:
    """The natural champions, best first, with their evidence in words (counts only)."""
    if ranking is None:
        return []
    shown = []
    for index in ranking.order[:CHAMPIONS_SHOWN]:
        i = int(index)
        shown.append(
            {
                "employee_id": inputs.employee_ids[i],
                "name": inputs.names[i],
                "score": round(float(ranking.score[i]), 3),
                "evidence": ranking.evidence(i),
            }
        )
    return shown
