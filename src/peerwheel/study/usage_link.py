"""The one door from the study to usage data: heavy and agent use of linked people.

The `usage` app (when installed) provides `peerwheel.usage.selectors.study_outcomes(person_ids)
-> Mapping[int, UsageOutcome | tuple[bool | None, bool | None]]`: per person, whether they are
in the Power or Habitual segment (heavy) and whether they used an agent in the last 4 weeks,
or None where the person has no usage data. Until it exists, this returns None and the study
falls back to self-reports. Called only by the analysis step (`analysis.wave_frame`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
        return None
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
