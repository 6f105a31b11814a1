"""The peer model's calibration for the Simulate page and its runs (DESIGN.md, "The model").

Which effects to reproduce: the organisation's own, from its latest closed study wave
(`study.selectors.closed_wave_peer_effects`), else the published research (+1 SD of peer
exposure: 8.9 points on heavy use, 10.4 on agent use). The coefficients that reproduce them on
the organisation's network come from `engine.calibration.calibrate_workplace`, cached per
network and targets. A network too small or too sparse to calibrate on keeps the workplace
defaults' coefficients (calibrated on the demo company), and the run says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache

from peerwheel.engine.calibration import (
    PUBLISHED,
    WORKPLACE_BASE,
    WORKPLACE_SURVEY,
    CalibrationError,
    Targets,
    calibrate_workplace,
)
from peerwheel.engine.diffusion import PeerParams
from peerwheel.engine.networks import Network
from peerwheel.study.selectors import closed_wave_peer_effects

#: Fewer people than this: a simulated survey of them says nothing; the defaults are kept.
MIN_PEOPLE = 50
CACHE_SECONDS = 7 * 24 * 3600
PUBLISHED_SOURCE = "the published research"


@dataclass(frozen=True)
class PeerTargets:
    """The effects the peer model is calibrated to, and where they come from."""

    heavy: float
    agent: float
    source: str  # for a sentence: "calibrated to {source}"
    wave_id: int | None = None

    @property
    def targets(self) -> Targets:
        return Targets(heavy=self.heavy, agent=self.agent)


def peer_targets() -> PeerTargets:
    """The latest closed study wave's peer effects, else the published ones."""
    own = closed_wave_peer_effects()
    if own is None:
        return published_targets()
    return PeerTargets(
        heavy=round(own.heavy, 1),
        agent=round(own.agent, 1),
        source=f"your study's wave “{own.wave_name}” ({own.respondents} respondents)",
        wave_id=own.wave_id,
    )


def _cache_key(network: Network, targets: Targets) -> str:
    digest = hashlib.sha256()
    adjacency = network.adjacency
    for part in (adjacency.indptr, adjacency.indices, adjacency.data):
        digest.update(part.tobytes())
    digest.update(repr((targets, WORKPLACE_BASE, WORKPLACE_SURVEY)).encode())
    return f"simulate:calibration:{digest.hexdigest()}"


def published_targets() -> PeerTargets:
    """The published effects (8.9 and 10.4 points), whatever the database holds."""
    return PeerTargets(PUBLISHED.heavy, PUBLISHED.agent, PUBLISHED_SOURCE)


def calibrated_base(
    network: Network, targets: PeerTargets, *, use_cache: bool = True
) -> tuple[PeerParams, dict[str, Any]]:
    """The peer model's params for every arm of a run, and what to say about them (stored in
    the run's result as `calibration`). `use_cache=False` neither reads nor writes Django's cache
    (`peerwheel simulate` on a file graph, which must not need a database)."""
    about: dict[str, Any] = {
        "source": targets.source,
        "wave_id": targets.wave_id,
        "heavy_target": targets.heavy,
        "agent_target": targets.agent,
        "heavy_effect": None,
        "agent_effect": None,
        "note": "",
    }
    params = WORKPLACE_BASE
    if network.n < MIN_PEOPLE:
        about["note"] = (
            f"{network.n} people are too few to calibrate on (at least {MIN_PEOPLE}): the "
            "coefficients calibrated on the demo company are used"
        )
    else:
        key = _cache_key(network, targets.targets)
        cached = cache.get(key) if use_cache else None
        if cached is None:
            try:
                calibration = calibrate_workplace(network, targets.targets)
            except CalibrationError as exc:
                cached = {"error": str(exc)}
            else:
                cached = {
                    "beta_peer": calibration.params.beta_peer,
                    "beta_peer_agent": calibration.params.beta_peer_agent,
                    "heavy_effect": calibration.heavy_effect,
                    "agent_effect": calibration.agent_effect,
                }
            if use_cache:
                cache.set(key, cached, CACHE_SECONDS)
        if "error" in cached:
            about["note"] = (
                f"these effects cannot be reproduced on this network ({cached['error']}): the "
                "coefficients calibrated on the demo company are used"
            )
        else:
            params = replace(
                WORKPLACE_BASE,
                beta_peer=cached["beta_peer"],
                beta_peer_agent=cached["beta_peer_agent"],
            )
            about["heavy_effect"] = round(cached["heavy_effect"], 1)
            about["agent_effect"] = round(cached["agent_effect"], 1)
    about["beta_peer"] = round(params.beta_peer, 4)
    about["beta_peer_agent"] = round(params.beta_peer_agent, 4)
    return params, about
