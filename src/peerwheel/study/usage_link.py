"""The one door from the study to usage data: heavy and agent use of linked people.

Heavy = the Power or Habitual segment, agent = any agent action in the last 4 weeks, both at
the person's latest week of usage data. Read from the `usage` app when it is installed: its
`selectors.study_outcomes(person_ids)` if it offers one (a mapping person id → object with
`heavy_user`/`agent_user`, or a pair), else its `selectors.segments_all()` frame. Without usage
data for a person, the study falls back to the self-report. Called only by the analysis step
(`analysis.wave_frame`), so the link never leaves it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class UsageOutcome:
    heavy_user: bool | None
    agent_user: bool | None


def usage_outcomes(person_ids: Sequence[int]) -> Mapping[int, UsageOutcome] | None:
    """Usage-based outcomes for these people, or None when no usage data can be had."""
    if not apps.is_installed("peerwheel.usage"):
        return None
    try:
        selectors = importlib.import_module("peerwheel.usage.selectors")
    except ImportError:
        return None
    provider = getattr(selectors, "study_outcomes", None)
    if provider is None:
        return _from_segments(selectors, person_ids)
    raw = provider(list(person_ids))
    if raw is None:
        return None
    out: dict[int, UsageOutcome] = {}
    for person_id, value in raw.items():
        if value is None:
            continue
        if hasattr(value, "heavy_user"):
            out[int(person_id)] = UsageOutcome(value.heavy_user, value.agent_user)
        else:
            heavy, agent = value
            out[int(person_id)] = UsageOutcome(heavy, agent)
    return out


HEAVY_SEGMENTS = frozenset({"power", "habitual"})


def _from_segments(selectors: Any, person_ids: Sequence[int]) -> dict[int, UsageOutcome] | None:
    """Latest week per linked person from the usage app's segments frame."""
    segments_all = getattr(selectors, "segments_all", None)
    record = apps.get_model("usage", "UsageSeries")
    if segments_all is None or not record.objects.filter(person__in=person_ids).exists():
        return None
    frame = segments_all()
    frame = frame[frame["person_id"].isin(list(person_ids))]
    latest = frame.sort_values("week", kind="stable").groupby("person_id").tail(1)
    out: dict[int, UsageOutcome] = {}
    for person_id, segment, agent in zip(
        latest["person_id"], latest["segment"], latest["agent_user"], strict=True
    ):
        value = str(getattr(segment, "value", segment))
        out[int(person_id)] = UsageOutcome(value in HEAVY_SEGMENTS, bool(agent))
    return out
