"""Which data a wave's report may show, and when: the rule against differencing an open wave.

An analyst who reads a live report before and after one known person answers recovers that
person's answers from the difference (n·mean_after − (n−1)·mean_before). So reports on in-app
waves are made only from snapshots, frozen and sealed (`ReportSnapshot`):

- An open wave shows only its response count, until a snapshot is published.
- While the wave is open, a snapshot is published only when *every* cell has grown by at least
  the minimum group (`PEERWHEEL_MIN_GROUP`) of new complete respondents since the last one.
  The cells are: all respondents, and each team, department, level and training answer (every
  value, shown or suppressed, since a suppressed cell could be recovered as total minus the
  shown ones). A cell that would grow by fewer keeps the whole report at the last snapshot.
  Any difference between two published snapshots is then an aggregate of at least the minimum
  group of new people, in every cell.
- When the wave closes, one final snapshot is taken (on the first read after closing) and the
  report never changes again: usage-linked outcomes are frozen in it too, so a later usage
  import cannot be differenced either. A wave past its closing date is closed on first read.
- The analysis's error messages come from the same snapshot, so they change only with it.

Imported waves have no people behind them and never change: they are analysed as stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from peerwheel.engine.study import StudyReport
from peerwheel.study.analysis import OUTCOMES, WaveData, analyze_data, wave_frame
from peerwheel.study.keys import seal, unseal
from peerwheel.study.models import ReportSnapshot, SurveyWave
from peerwheel.study.services import instrument_of, wave_accepts_answers, wave_close

CELL_COLUMNS = ("team", "department", "level", "training")


@dataclass(frozen=True)
class Snapshot:
    """The data a report may show: frozen at `taken` (a day; None for imported waves)."""

    data: WaveData
    key: str  # the report cache key: changes only when a new snapshot is published
    respondents: int
    taken: date | None
    final: bool


def cell_counts(data: WaveData) -> dict[str, int]:
    """Complete respondents (every item and outcome answered) per cell: 'all', 'team=…', …"""
    frame = data.frame
    needed = [c for c in frame.columns if c not in ("frequency", *CELL_COLUMNS)]
    needed += [c for c in ("training",) if c in frame.columns]
    complete = frame.dropna(subset=needed)
    counts = {"all": len(complete)}
    for column in CELL_COLUMNS:
        if column in complete.columns:
            values = complete[column].astype(object).where(complete[column].notna(), "(blank)")
            for value, n in values.astype(str).value_counts().items():
                counts[f"{column}={value}"] = int(n)
    return counts


def grown_enough(before: dict[str, int], now: dict[str, int], *, min_group: int) -> bool:
    """Every cell, old or new, has at least `min_group` more complete respondents."""
    cells = set(before) | set(now)
    return all(now.get(c, 0) - before.get(c, 0) >= min_group for c in cells)


def published_snapshot(wave: SurveyWave) -> Snapshot | None:
    """The snapshot the wave's report shows now, taking a new one where the rule allows."""
    if wave.source == SurveyWave.Source.IMPORT:
        data = wave_frame(wave)
        key = f"import:{wave.pk}:{wave.created.isoformat()}:{wave.revision}"
        return Snapshot(data, key, len(data.frame), None, True)
    if wave.status == SurveyWave.Status.OPEN and not wave_accepts_answers(wave):
        wave_close(wave=wave)
        wave.refresh_from_db()
    if wave.status == SurveyWave.Status.DRAFT:
        return None
    with transaction.atomic():
        locked = SurveyWave.objects.select_for_update().get(pk=wave.pk)
        last = locked.snapshots.first()
        if locked.status == SurveyWave.Status.CLOSED:
            if last is not None and last.final:
                return _load(locked, last)
            return _take(locked, final=True)
        data = wave_frame(locked)
        before = _payload(locked, last)["counts"] if last is not None else {}
        if grown_enough(before, cell_counts(data), min_group=settings.PEERWHEEL_MIN_GROUP):
            return _take(locked, final=False, data=data)
        return None if last is None else _load(locked, last)


def snapshot_report(
    snapshot: Snapshot, *, outcomes: tuple[str, ...] = OUTCOMES, n_boot: int = 1000, seed: int = 42
) -> tuple[StudyReport, WaveData]:
    """The report of a snapshot (cached); raises the engine's `SurveyDataError`."""
    return analyze_data(
        snapshot.data, key=snapshot.key, outcomes=outcomes, n_boot=n_boot, seed=seed
    )


def _context(wave: SurveyWave) -> str:
    return f"peerwheel.study.snapshot:{wave.pk}"


def _take(wave: SurveyWave, *, final: bool, data: WaveData | None = None) -> Snapshot:
    data = data or wave_frame(wave)
    frame = data.frame
    payload = {
        "frame": {
            "columns": [str(c) for c in frame.columns],
            "index": [int(i) for i in frame.index],
            "index_name": frame.index.name,
            "data": [[_plain(v) for v in row] for row in frame.itertuples(index=False)],
        },
        "sources": data.sources,
        "counts": cell_counts(data),
    }
    row = ReportSnapshot.objects.create(
        wave=wave,
        taken=timezone.localdate(),
        final=final,
        respondents=len(frame),
        sealed=seal(payload, context=_context(wave)),
    )
    return _as_snapshot(wave, row, data)


def _payload(wave: SurveyWave, row: ReportSnapshot) -> dict:
    return dict(unseal(row.sealed, context=_context(wave)))


def _load(wave: SurveyWave, row: ReportSnapshot) -> Snapshot:
    payload = _payload(wave, row)
    spec = payload["frame"]
    frame = pd.DataFrame(spec["data"], columns=spec["columns"])
    for column in frame.columns:
        if column not in ("team", "department", "level"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame.index = pd.Index(spec["index"], name=spec["index_name"])
    data = WaveData(
        frame=frame, instrument=instrument_of(wave.instrument), sources=payload["sources"]
    )
    return _as_snapshot(wave, row, data)


def _as_snapshot(wave: SurveyWave, row: ReportSnapshot, data: WaveData) -> Snapshot:
    key = f"snapshot:{wave.pk}:{wave.created.isoformat()}:{row.pk}"
    return Snapshot(data, key, row.respondents, row.taken, row.final)


def _plain(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
