"""The Flywheel page's report, cached until the data it reads changes.

The report takes a second or two at the target size (the shuffled baseline re-runs attribution
20 times, the forecast 1,000 runs twice per strategy); the page and its what-if panel are read
far more often than the data changes. The key holds the as-of date, the what-if's k and a
fingerprint of every table the report reads, so a new import, post, trial, answer, tie, event
or person change gives a new report at once.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from peerwheel.catalog.selectors import change_marker as catalog_change_marker
from peerwheel.core.models import Import
from peerwheel.hub.models import Answer, InfluenceEvent, Post, Trial
from peerwheel.insights.models import Nudge
from peerwheel.insights.report import flywheel_report
from peerwheel.org.models import Person, Tie
from peerwheel.program.selectors import change_marker as program_change_marker

CACHE_SECONDS = 15 * 60


def data_fingerprint() -> str:
    """A digest of how many rows each table the report reads holds and its latest change."""
    parts: list[Any] = [
        Import.objects.aggregate(n=Count("pk"), last=Max("pk"), done=Max("finished")),
        Person.objects.aggregate(n=Count("pk"), last=Max("updated")),
        Tie.objects.aggregate(n=Count("pk"), last=Max("pk")),
        InfluenceEvent.objects.aggregate(n=Count("pk"), last=Max("pk")),
        Post.objects.aggregate(n=Count("pk"), last=Max("pk"), edited=Max("edited")),
        Trial.objects.aggregate(n=Count("pk"), last=Max("updated")),
        Answer.objects.aggregate(n=Count("pk"), last=Max("pk")),
        # momentum's nudges, the program's scope and champions, the catalogue's demand
        Nudge.objects.aggregate(n=Count("pk"), last=Max("pk"), shared=Max("shared_at")),
        program_change_marker(),
        catalog_change_marker(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def flywheel_report_cached(*, as_of: date, what_if_k: int) -> dict[str, Any]:
    """`flywheel_report(...).data`, from the cache when the data has not changed since."""
    key = f"insights:flywheel:{as_of.isoformat()}:{what_if_k}:{data_fingerprint()}"
    report: dict[str, Any] | None = cache.get(key)
    if report is None:
        report = flywheel_report(as_of=as_of, what_if_k=what_if_k).data
        cache.set(key, report, CACHE_SECONDS)
    return report
