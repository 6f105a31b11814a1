"""Which data a wave's report may show, and when: the rule against differencing a wave.

An analyst who reads a live report before and after one known person answers recovers that
person's answers from the difference (n·mean_after − (n−1)·mean_before). The rule:

- An open in-app wave shows only its response count: no breakdown, rate, mean, effect or
  analysis message, on the page, in its htmx partial or anywhere else.
- When the wave closes, one snapshot of its analysis frame is taken (on the first read after
  closing), sealed into `ReportSnapshot`, and the report is made from it, always: it never
  changes again. Usage-linked outcomes are frozen in it too, so a later usage import cannot be
  differenced either. A wave past its closing date is closed on that first read.

Why not also snapshots while the wave is open, each adding at least the minimum group to every
cell? Because the final report must then also add at least the minimum group to every cell
since the last open snapshot, which nothing can promise: the last few answers before the close
would either be differenced (the cell that grew by one) or left out of the final report. One
publication per wave is the simplest rule that is correct, and it is what the analysis of a
survey needs anyway.

Imported waves have no people behind them and never change: they are analysed as stored.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db import transaction
from django.utils import timezone

from peerwheel.engine.study import StudyReport
from peerwheel.study.analysis import OUTCOMES, WaveData, analyze_data, wave_frame
from peerwheel.study.errors import StudyActionError
from peerwheel.study.keys import seal, unseal
from peerwheel.study.models import ReportSnapshot, SurveyWave
from peerwheel.study.services import instrument_of, wave_accepts_answers, wave_close

TEXT_COLUMNS = ("team", "department", "level")


@dataclass(frozen=True)
class Snapshot:
    """The data a report may show, frozen on the day `taken` (None for imported waves)."""

    data: WaveData
    key: str  # the report's cache key
    respondents: int
    taken: date | None


def published_snapshot(wave: SurveyWave) -> Snapshot | None:
    """The data the wave's report shows: None while the wave is a draft or open."""
    if wave.source == SurveyWave.Source.IMPORT:
        data = wave_frame(wave)
        key = f"import:{wave.pk}:{wave.created.isoformat()}:{wave.revision}"
        return Snapshot(data, key, len(data.frame), None)
    if wave.status == SurveyWave.Status.OPEN and not wave_accepts_answers(wave):
        with contextlib.suppress(StudyActionError):  # closed by a read at the same moment
            wave_close(wave=wave)
    with transaction.atomic():
        locked = SurveyWave.objects.select_for_update().get(pk=wave.pk)
        if locked.status != SurveyWave.Status.CLOSED:
            return None
        row = locked.snapshots.first()
        return _take(locked) if row is None else _load(locked, row)


def snapshot_report(
    snapshot: Snapshot, *, outcomes: tuple[str, ...] = OUTCOMES, n_boot: int = 1000, seed: int = 42
) -> tuple[StudyReport, WaveData]:
    """The report of a snapshot (cached); raises the engine's `SurveyDataError`."""
    return analyze_data(
        snapshot.data, key=snapshot.key, outcomes=outcomes, n_boot=n_boot, seed=seed
    )


def _context(wave: SurveyWave) -> str:
    return f"peerwheel.study.snapshot:{wave.pk}"


def _take(wave: SurveyWave) -> Snapshot:
    data = wave_frame(wave)
    frame = data.frame
    payload = {
        "columns": [str(c) for c in frame.columns],
        "index": [int(i) for i in frame.index],
        "index_name": frame.index.name,
        "data": [[_plain(v) for v in row] for row in frame.itertuples(index=False)],
        "sources": data.sources,
    }
    row = ReportSnapshot.objects.create(
        wave=wave,
        taken=timezone.localdate(),
        respondents=len(frame),
        sealed=seal(payload, context=_context(wave)),
    )
    return _as_snapshot(wave, row, data)


def _load(wave: SurveyWave, row: ReportSnapshot) -> Snapshot:
    payload = unseal(row.sealed, context=_context(wave))
    frame = pd.DataFrame(payload["data"], columns=payload["columns"])
    for column in frame.columns:
        if column not in TEXT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame.index = pd.Index(payload["index"], name=payload["index_name"])
    instrument = instrument_of(wave.instrument)
    data = WaveData(frame=frame, instrument=instrument, sources=payload["sources"])
    return _as_snapshot(wave, row, data)


def _as_snapshot(wave: SurveyWave, row: ReportSnapshot, data: WaveData) -> Snapshot:
    key = f"snapshot:{wave.pk}:{wave.created.isoformat()}:{row.pk}"
    return Snapshot(data, key, row.respondents, row.taken)


def _plain(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
