"""Reads for the study. Nothing here returns a response together with a person, except
`own_response`, which returns a person's own answers to that person's own login."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability, may_read_study_report
from peerwheel.accounts.roles import Capability
from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.engine.study import SurveyDataError
from peerwheel.org.models import Person
from peerwheel.study.keys import response_locator
from peerwheel.study.models import InstrumentVersion, Participation, Response, SurveyWave
from peerwheel.study.pool import StoredAnswers, pool_find
from peerwheel.study.snapshots import published_snapshot, snapshot_report


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


def _user_id(user: object) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def own_response(*, person: Person, wave: SurveyWave, user: object) -> StoredAnswers | None:
    """The person's own answers (pending or written), shown only to the login that gave them.

    After another login is linked to the person, nothing comes back: the participation is bound
    to the first login, and the locator computed for another login finds no response.
    """
    participation = Participation.objects.filter(person=person, wave=wave).first()
    user_id = _user_id(user)
    if participation is None or participation.answered_as != user_id:
        return None
    locator = response_locator(person_id=person.pk, wave_id=wave.pk, user_id=user_id)
    return pool_find(wave=wave, locator=locator)


def answered_under_another_login(*, person: Person, wave: SurveyWave, user: object) -> bool:
    """The person answered, but under a login other than this one (a re-link)."""
    return (
        Participation.objects.filter(person=person, wave=wave)
        .exclude(answered_as=_user_id(user))
        .exists()
    )


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


def _count(model: type[Participation] | type[Response]) -> Coalesce:
    counted = (
        model.objects.filter(wave=OuterRef("pk"))
        .order_by()
        .values("wave")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def wave_summaries() -> list[WaveSummary]:
    """Respondents per wave: participations for in-app waves (answers may still be waiting in
    the pool), rows for imported ones."""
    waves = SurveyWave.objects.select_related("instrument").annotate(
        answered=_count(Participation), rows=_count(Response)
    )
    return [_summary(w, max(w.answered, w.rows)) for w in waves]


def wave_summary(wave: SurveyWave) -> WaveSummary:
    if wave.source == SurveyWave.Source.IN_APP:
        return _summary(wave, Participation.objects.filter(wave=wave).count())
    return _summary(wave, Response.objects.filter(wave=wave).count())


def wave_for_viewer(wave_id: int, viewer: User | AnonymousUser) -> SurveyWave:
    """A survey wave for someone who runs the study (its report and actions): ForbiddenError
    for anyone else, NotFoundError when there is none."""
    if not has_capability(viewer, Capability.RUN_STUDY):
        raise ForbiddenError(f"This needs the '{Capability.RUN_STUDY.label}' permission.")
    wave = SurveyWave.objects.select_related("instrument").filter(pk=wave_id).first()
    if wave is None:
        raise NotFoundError(f"There is no survey wave {wave_id}.")
    return wave


def wave_is_closed(wave: SurveyWave, *, now: datetime | None = None) -> bool:
    """Closed, or open past its closing date (its first read closes it)."""
    if wave.status == SurveyWave.Status.CLOSED:
        return True
    now = now or timezone.now()
    return wave.status == SurveyWave.Status.OPEN and wave.closes is not None and wave.closes <= now


def wave_report_for_viewer(wave_id: int, viewer: User | AnonymousUser) -> SurveyWave:
    """A wave whose report this viewer may read (accounts.permissions.may_read_study_report):
    those who run the study, any wave; leads, closed waves. ForbiddenError for anyone else,
    NotFoundError when there is none."""
    wave = SurveyWave.objects.select_related("instrument").filter(pk=wave_id).first()
    if wave is None:
        if has_capability(viewer, Capability.READ_STUDY_REPORTS) or has_capability(
            viewer, Capability.RUN_STUDY
        ):
            raise NotFoundError(f"There is no survey wave {wave_id}.")
        raise ForbiddenError(f"This needs the '{Capability.READ_STUDY_REPORTS.label}' permission.")
    if not may_read_study_report(viewer, wave_closed=wave_is_closed(wave)):
        if has_capability(viewer, Capability.READ_STUDY_REPORTS):
            raise ForbiddenError(
                "This wave's report can be read once the wave has closed; until then only "
                "the study team sees its response count."
            )
        raise ForbiddenError(f"This needs the '{Capability.READ_STUDY_REPORTS.label}' permission.")
    return wave


def instrument_versions() -> list[InstrumentVersion]:
    return list(InstrumentVersion.objects.select_related("created_by"))


# ---- the organisation's own peer effects, for the simulator's calibration ------------------
# Only what a closed wave's report already publishes (aggregate effects, frozen at the close)
# is read, through the same snapshot and cached analysis as the report page.

PEER = "peer_influence"
#: How many of the latest closed waves are tried before giving up (each may need an analysis).
WAVES_TRIED = 3


@dataclass(frozen=True)
class WavePeerEffects:
    """Points by which +1 SD of peer influence raised P(heavy use) and P(agent use)."""

    wave_id: int
    wave_name: str
    respondents: int
    heavy: float
    agent: float


def closed_wave_peer_effects() -> WavePeerEffects | None:
    """The latest closed wave's peer effects; None when no closed wave has both estimated."""
    waves = SurveyWave.objects.filter(status=SurveyWave.Status.CLOSED).order_by("-created", "-id")
    for wave in waves[:WAVES_TRIED]:
        snapshot = published_snapshot(wave)
        if snapshot is None:
            continue
        try:
            report, _ = snapshot_report(snapshot)
            heavy = report.effect("heavy_user", PEER).ame
            agent = report.effect("agent_user", PEER).ame
        except (SurveyDataError, KeyError):
            continue
        if not (math.isfinite(heavy) and math.isfinite(agent)):
            continue
        return WavePeerEffects(
            wave_id=wave.pk,
            wave_name=wave.name,
            respondents=report.n,
            heavy=100 * heavy,
            agent=100 * agent,
        )
    return None
