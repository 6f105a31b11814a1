"""The pending pool: in-app answers wait here, sealed, and reach `Response` in shuffled batches.

Why: rows are stored in the order they are written (SQLite's rowid, PostgreSQL's ctid, any
sequence), and `Participation` rows are written in the order people answer. If each answer
became a `Response` at once, the two orders would match row for row, and anyone with a copy of
the database could join them without the SECRET_KEY. So an answer is sealed (AES-GCM, key from
the SECRET_KEY, padded to a fixed size, locator inside) into `PendingAnswers`; when the pool
holds at least the minimum group, or the wave closes, it is opened, shuffled with the system's
random source and written as `Response` rows with random keys, in one transaction. Inside a
batch, row order says nothing; when the wave closes, the whole wave is rewritten shuffled.

An edit of an already written answer takes the `Response` row out and puts the new answers back
into the pool, so no written row is ever updated in place. Called only by `services`.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F

from peerwheel.study.keys import seal, unseal
from peerwheel.study.models import PendingAnswers, Response, SurveyWave

FIELDS = ("answers", "training", "frequency", "heavy_user", "agent_user")
_ROW_FIELDS = (*FIELDS, "team", "department", "level", "line")


@dataclass(frozen=True)
class StoredAnswers:
    """A person's own answers, as they gave them (for show-back and the service's reply)."""

    answers: dict[str, int]
    training: bool | None
    frequency: int | None
    heavy_user: bool | None
    agent_user: bool | None
    pending: bool  # still in the pool, not yet written as a Response

    @classmethod
    def of(cls, values: dict[str, Any], *, pending: bool) -> StoredAnswers:
        return cls(
            answers={str(k): int(v) for k, v in dict(values["answers"]).items()},
            training=values["training"],
            frequency=values["frequency"],
            heavy_user=values["heavy_user"],
            agent_user=values["agent_user"],
            pending=pending,
        )


def _context(wave: SurveyWave) -> str:
    return f"peerwheel.study.pending:{wave.pk}"


def _entries(wave: SurveyWave) -> list[tuple[PendingAnswers, dict[str, Any]]]:
    return [
        (row, unseal(row.sealed, context=_context(wave)))
        for row in PendingAnswers.objects.filter(wave=wave)
    ]


def pool_find(*, wave: SurveyWave, locator: str) -> StoredAnswers | None:
    """The answers under this locator: waiting in the pool, or already written."""
    for _, payload in _entries(wave):
        if payload["locator"] == locator:
            return StoredAnswers.of(payload, pending=True)
    row = Response.objects.filter(wave=wave, locator=locator).values(*FIELDS).first()
    return None if row is None else StoredAnswers.of(row, pending=False)


def pool_put(*, wave: SurveyWave, locator: str, values: dict[str, Any]) -> StoredAnswers:
    """Put (or replace) the answers under this locator into the pool; flush a full pool.

    The caller holds the wave's row lock, so pool writes of one wave never interleave.
    """
    stale = [row.pk for row, payload in _entries(wave) if payload["locator"] == locator]
    PendingAnswers.objects.filter(pk__in=stale).delete()
    Response.objects.filter(wave=wave, locator=locator).delete()
    payload = {"locator": locator, **{k: values[k] for k in FIELDS}}
    PendingAnswers.objects.create(wave=wave, sealed=seal(payload, context=_context(wave), pad=True))
    stored = StoredAnswers.of(payload, pending=True)
    pool_flush(wave=wave)
    return stored


def pool_flush(*, wave: SurveyWave, force: bool = False) -> int:
    """Write the pool as one shuffled batch once it holds the minimum group (or when `force`,
    as the wave closes). Returns the number of responses written."""
    entries = _entries(wave)
    if not entries or (len(entries) < settings.PEERWHEEL_MIN_GROUP and not force):
        return 0
    payloads = [payload for _, payload in entries]
    secrets.SystemRandom().shuffle(payloads)
    locators = [p["locator"] for p in payloads]
    Response.objects.filter(wave=wave, locator__in=locators).delete()
    Response.objects.bulk_create(
        [
            Response(id=uuid.uuid4(), wave=wave, locator=p["locator"], **{k: p[k] for k in FIELDS})
            for p in payloads
        ]
    )
    PendingAnswers.objects.filter(pk__in=[row.pk for row, _ in entries]).delete()
    SurveyWave.objects.filter(pk=wave.pk).update(revision=F("revision") + 1)
    return len(payloads)


def wave_reshuffle(*, wave: SurveyWave) -> None:
    """Rewrite every response of the wave in shuffled order with new random keys, so that no
    trace of the batches (which followed the order of answering) is left in row order."""
    rows = list(Response.objects.filter(wave=wave).values("locator", *_ROW_FIELDS))
    secrets.SystemRandom().shuffle(rows)
    Response.objects.filter(wave=wave).delete()
    Response.objects.bulk_create([Response(id=uuid.uuid4(), wave=wave, **row) for row in rows])
