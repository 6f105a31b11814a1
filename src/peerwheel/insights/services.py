"""Insights' writes: the private nudges to invisible successes (docs/metrics.md, "Momentum")."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from peerwheel.insights.models import Nudge, NudgeKind
from peerwheel.insights.momentum.data import NUDGE_WINDOW, MomentumData, momentum_data, monday
from peerwheel.insights.momentum.nudges import nudge_text
from peerwheel.insights.momentum.people import invisible_success_ids, shares


def _shared_at_refresh(data: MomentumData) -> int:
    """Mark open nudges whose person shared within 4 weeks of them (before the as-of date);
    how many were marked."""
    shared = shares(data)
    marked = 0
    for nudge in Nudge.objects.filter(shared_at__isnull=True, person_id__in=list(shared)):
        after = sorted(
            t for t in shared[nudge.person_id] if nudge.created <= t < nudge.created + NUDGE_WINDOW
        )
        if after:
            nudge.shared_at = after[0]
            nudge.save(update_fields=["shared_at"])
            marked += 1
    return marked


@transaction.atomic
def nudges_create(*, as_of: date, now: datetime | None = None) -> list[Nudge]:
    """Nudge every invisible success on `as_of` who has had no nudge in the last 4 weeks, and
    mark earlier nudges answered by a share. Idempotent: run twice, nudges once. `now` is the
    nudges' creation time (default: now). Returns the nudges created."""
    created_at = now or timezone.now()
    data = momentum_data(as_of=as_of)
    _shared_at_refresh(data)
    week = monday(as_of)
    recent = set(
        Nudge.objects.filter(
            kind=NudgeKind.INVISIBLE_SUCCESS, week__gt=week - NUDGE_WINDOW
        ).values_list("person_id", flat=True)
    )
    made = []
    for person in invisible_success_ids(data):
        if person in recent:
            continue
        text = nudge_text(data, person)
        made.append(
            Nudge(
                person_id=person,
                kind=NudgeKind.INVISIBLE_SUCCESS,
                week=week,
                created=created_at,
                message=text.message,
                topic=text.topic,
                colleagues=text.colleagues,
                title=text.title,
                draft=text.draft,
            )
        )
    return Nudge.objects.bulk_create(made)
