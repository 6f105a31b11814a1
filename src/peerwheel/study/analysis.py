"""The analysis step: a wave's responses as the engine's frame, and its report (cached).

This is the only place where in-app responses meet people: each participant's locator is
recomputed (from the person and the login bound to the participation) to attach their team,
department and level and, where usage data links them, their usage-based outcomes (read through
the plain selector `usage.selectors.usage_outcomes`). The frame that leaves this module has no
person in it, its rows are in locator order (unrelated to who answered when), and it is never
shown row by row. Reports are made from frames frozen by
`snapshots.py`, never from the live tables of an open wave.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.cache import cache

from peerwheel.engine.study import Instrument, StudyReport, analyze
from peerwheel.org.models import Person
from peerwheel.study.keys import response_locator
from peerwheel.study.models import Response, SurveyWave
from peerwheel.study.services import OUTCOMES, instrument_of
from peerwheel.usage.selectors import usage_outcomes

NO_TEAM = "(no team)"
LEADER, INDIVIDUAL = "Leader", "Individual contributor"
INLINE_MAX_N = 300  # under about 2 s of analysis (1,000 bootstrap replicates) on a busy core
_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class WaveData:
    frame: pd.DataFrame
    instrument: Instrument
    # per outcome: how many values came from usage data and how many were self-reported
    sources: dict[str, dict[str, int]] = field(default_factory=dict)


def wave_frame(wave: SurveyWave) -> WaveData:
    """The wave's responses in the engine's import format (no person, no locator)."""
    instrument = instrument_of(wave.instrument)
    items = [i.key for i in instrument.items]
    responses: list[dict[str, Any]] = [
        dict(r)
        for r in Response.objects.filter(wave=wave).values(
            "locator",
            "answers",
            "training",
            "frequency",
            "heavy_user",
            "agent_user",
            "team",
            "department",
            "level",
            "line",
        )
    ]
    sources = {o: {"usage": 0, "self": 0} for o in OUTCOMES}
    if wave.source == SurveyWave.Source.IN_APP:
        _attach_people(wave, responses, sources)
    else:
        for o in OUTCOMES:
            sources[o]["self"] = sum(r[o] is not None for r in responses)
    responses.sort(key=lambda r: (r["line"] is None, r["line"] or 0, r["locator"] or ""))

    def flag(value: bool | None) -> float:
        return math.nan if value is None else float(value)

    columns: dict[str, list[object]] = {k: [] for k in items}
    for key in ("training", "frequency", *OUTCOMES, "team", "department", "level"):
        columns[key] = []
    for r in responses:
        for k in items:
            columns[k].append(r["answers"].get(k, math.nan))
        columns["training"].append(flag(r["training"]))
        columns["frequency"].append(math.nan if r["frequency"] is None else r["frequency"])
        for o in OUTCOMES:
            columns[o].append(flag(r[o]))
        for key in ("team", "department", "level"):
            columns[key].append(r[key] or None)
    frame = pd.DataFrame(columns)
    lines = [r["line"] for r in responses]
    if lines and all(line is not None for line in lines):
        frame.index = pd.Index(lines, name="line")
    else:
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="response")
    for key in ("team", "department", "level"):
        if frame[key].isna().all():
            frame = frame.drop(columns=key)
    if frame["training"].isna().all():
        frame = frame.drop(columns="training")
    if frame["frequency"].isna().all():
        frame = frame.drop(columns="frequency")
    return WaveData(frame=frame, instrument=instrument, sources=sources)


def _attach_people(
    wave: SurveyWave, responses: list[dict[str, Any]], sources: dict[str, dict[str, int]]
) -> None:
    """Fill team, department, level and (where linked) usage outcomes from the organisation."""
    bound = dict(wave.participations.values_list("person_id", "answered_as"))
    people = list(Person.objects.filter(id__in=list(bound)).select_related("team", "department"))
    by_locator = {
        response_locator(person_id=p.pk, wave_id=wave.pk, user_id=bound[p.pk]): p for p in people
    }
    usage = (usage_outcomes([p.pk for p in people]) or {}) if wave.link_usage else {}
    for r in responses:
        person = by_locator.get(str(r["locator"]))
        if person is None:  # the person has left the organisation: no team, no controls
            continue
        department = person.department.name if person.department else "Unknown"
        r["department"] = department
        r["team"] = f"team {person.team.pk}" if person.team else f"{NO_TEAM} {department}"
        r["level"] = LEADER if person.is_leader else INDIVIDUAL
        linked = usage.get(person.pk)
        for o in OUTCOMES:
            value = None if linked is None else getattr(linked, o)
            if value is not None:
                r[o] = value
                sources[o]["usage"] += 1
            elif r[o] is not None:
                sources[o]["self"] += 1


def analyze_data(
    data: WaveData,
    *,
    key: str,
    outcomes: Sequence[str] = OUTCOMES,
    n_boot: int = 1000,
    seed: int = 42,
) -> tuple[StudyReport, WaveData]:
    """Analyse a frozen frame (cached under `key`); raises the engine's `SurveyDataError`."""
    cache_key = _cache_key(key, outcomes, n_boot, seed)
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    report = analyze(
        data.frame,
        data.instrument,
        outcomes=outcomes,
        min_group=settings.PEERWHEEL_MIN_GROUP,
        n_boot=n_boot,
        seed=seed,
    )
    cache.set(cache_key, (report, data), _CACHE_SECONDS)
    return report, data


def _cache_key(key: str, outcomes: Sequence[str], n_boot: int, seed: int) -> str:
    return ":".join(
        [
            "study:report",
            key,
            ",".join(outcomes),
            str(settings.PEERWHEEL_MIN_GROUP),
            str(n_boot),
            str(seed),
        ]
    )


def report_is_cached(key: str, *, outcomes: Sequence[str] = OUTCOMES) -> bool:
    return cache.get(_cache_key(key, outcomes, 1000, 42)) is not None


def expected_seconds(n: int) -> float:
    """A rough guess of the analysis time (1,000 bootstrap replicates), from the benchmark."""
    return float(0.2 + 0.0026 * np.float64(n))
