"""The flywheel report: R, natural champions, critical mass and the forecast, as one dict.

`flywheel_report(as_of=...)` is what `peerwheel insights report --json` prints and what the
Flywheel page draws. Every figure is defined in docs/metrics.md. Whatever cannot be estimated
(no adopters, no ties, an as-of date before any data) is `None` with a sentence in `missing`
saying why and what is still shown — never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings

from peerwheel.engine.flywheel.attribution import Attribution, attribute, attribute_events_only
from peerwheel.engine.flywheel.champions import champion_scores
from peerwheel.engine.flywheel.reproduction import (
    REstimate,
    cori_rt,
    flywheel_r,
    shuffled_baseline_r,
    wallinga_teunis_r,
    weekly_new_adopters,
)
from peerwheel.engine.privacy import suppressed_groups
from peerwheel.insights.forecasting import critical_mass_block, forecast_block
from peerwheel.insights.selectors import EVIDENCE_WEEKS, FlywheelInputs, flywheel_inputs

CHAMPIONS_SHOWN = 15
BAND = (0.10, 0.25)


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


def flywheel_report(*, as_of: date, what_if_k: int = 5, runs: int = 1000) -> Report:
    """The whole flywheel report on `as_of`, from data strictly before it."""
    inputs = flywheel_inputs(as_of=as_of)
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
    report["flywheel_r"] = _flywheel_r_block(inputs, attribution, incidence)
    ranking = _ranking(inputs, attribution)
    report["champions"] = _champions(inputs, ranking)
    report["critical_mass"] = critical_mass_block(inputs, incidence, band=BAND)
    report["forecast"] = forecast_block(
        inputs,
        attribution,
        incidence,
        k=what_if_k,
        champion_order=None if ranking is None else ranking.order,
        runs=runs,
    )
    return Report(data=report, inputs=inputs)


def _flywheel_r_block(
    inputs: FlywheelInputs, attribution: Attribution | None, incidence: np.ndarray
) -> dict[str, Any]:
    data = inputs.data
    block: dict[str, Any] = {"value": None, "low": None, "high": None, "adopters": 0}
    pmf = attribution.generation_pmf if attribution is not None else None
    if attribution is not None:
        estimate = flywheel_r(data, attribution)
        block |= _r(estimate) | {"adopters": int(estimate.adopters)}
        events_only = flywheel_r(data, attribute_events_only(data))
        block["events_only"] = {"value": _r(events_only)["value"]}
        block["baseline"] = {"value": _round(shuffled_baseline_r(data, seed=0))}
        block["by_department"] = _by_department(inputs, attribution)
    else:
        block["events_only"] = {"value": None}
        block["baseline"] = {"value": None}
        block["by_department"] = []
    if incidence.sum() > 0:
        block["curve_only"] = _r(wallinga_teunis_r(incidence, pmf))
        series = cori_rt(incidence, pmf)
        block["over_time"] = [
            {
                "week": inputs.date_of(7 * int(w)).isoformat(),
                "value": _round(v),
                "low": _round(lo),
                "high": _round(hi),
            }
            for w, v, lo, hi in zip(series.week, series.mean, series.low, series.high, strict=True)
            if np.isfinite(v)
        ]
    else:
        block["curve_only"] = {"value": None, "low": None, "high": None}
        block["over_time"] = []
    return block


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


def _by_department(inputs: FlywheelInputs, attribution: Attribution) -> list[dict[str, Any]]:
    """R per department over its adopters with a closed window; groups of fewer than the
    minimum hidden, with complementary suppression."""
    data = inputs.data
    closed = data.adopted & (data.adoption_day <= data.as_of_day - 35)
    sizes = np.bincount(data.department[closed], minlength=len(inputs.departments))
    hide = suppressed_groups(sizes, min_group=settings.PEERWHEEL_MIN_GROUP)
    credit = attribution.brought_in(data.n_people)
    rows = []
    for code, name in enumerate(inputs.departments):
        if sizes[code] == 0:
            continue
        if hide[code]:
            rows.append({"department": name, "adopters": None, "value": None, "suppressed": True})
            continue
        members = closed & (data.department == code)
        rows.append(
            {
                "department": name,
                "adopters": int(sizes[code]),
                "value": round(float(credit[members].mean()), 3),
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


def _champions(inputs: FlywheelInputs, ranking: Any) -> list[dict[str, Any]]:
    """The natural champions, best first, with their evidence in words (counts only)."""
    if ranking is None:
        return []
    shown = []
    for index in ranking.order[:CHAMPIONS_SHOWN]:
        i = int(index)
        if ranking.score[i] <= 0:
            break
        shown.append(
            {
                "employee_id": inputs.employee_ids[i],
                "name": inputs.names[i],
                "score": round(float(ranking.score[i]), 3),
                "evidence": ranking.evidence[i],
            }
        )
    return shown


def evidence_window(as_of: date) -> tuple[date, date]:
    """The window the champions' hub evidence covers."""
    return as_of - timedelta(weeks=EVIDENCE_WEEKS), as_of
