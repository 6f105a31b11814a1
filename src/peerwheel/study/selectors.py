"""Reads for the study. Nothing here returns a response together with a person, except
`own_response`, which returns a person's own answers to that person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from peerwheel.org.models import Person
from peerwheel.study.keys import response_locator
from peerwheel.study.models import InstrumentVersion, Participation, Response, SurveyWave


def open_wave(*, now: datetime | None = None) -> SurveyWave | None:
    """The wave people can answer now, if any."""
    now = now or timezone.now()
    return (
        SurveyWave.objects.filter(status=SurveyWave.Status.OPEN)
        .filter(Q(closes__isnull=True) | Q(closes__gt=now))
        .select_related("instrument")
        .order_by("-opens")
        .first()
    )


def own_response(*, person: Person, wave: SurveyWave) -> Response | None:
    """The person's own response to the wave (found through their keyed locator)."""
    locator = response_locator(person_id=person.pk, wave_id=wave.pk)
    return Response.objects.filter(wave=wave, locator=locator).first()


def has_answered(*, person: Person, wave: SurveyWave) -> bool:
    return Participation.objects.filter(person=person, wave=wave).exists()


@dataclass(frozen=True)
class WaveSummary:
    """What an analyst may see of a wave: counts only, small counts hidden."""

    wave: SurveyWave
    responses: int | None  # None: fewer than the minimum group
    response_rate: float | None
    min_group: int

    @property
    def hidden(self) -> bool:
        return self.responses is None


def _summary(wave: SurveyWave, count: int) -> WaveSummary:
    min_group = settings.PEERWHEEL_MIN_GROUP
    if count < min_group:
        return WaveSummary(wave, None, None, min_group)
    rate = count / wave.invited if wave.invited else None
    return WaveSummary(wave, count, rate, min_group)


def wave_summaries() -> list[WaveSummary]:
    waves = SurveyWave.objects.select_related("instrument").annotate(n=Count("responses"))
    return [_summary(w, w.n) for w in waves]


def wave_summary(wave: SurveyWave) -> WaveSummary:
    return _summary(wave, Response.objects.filter(wave=wave).count())


def wave_get(wave_id: int) -> SurveyWave | None:
    return SurveyWave.objects.select_related("instrument").filter(pk=wave_id).first()


def instrument_versions() -> list[InstrumentVersion]:
    return list(InstrumentVersion.objects.select_related("created_by"))
