"""Diffusion models with one interface: `simulate(network, params, *, seeds, runs, steps,
rng_seed, on_step, backend) -> SimulationResult`.

Each model lives in its own module with a frozen params dataclass; `simulate` here picks the
module from the params' type, so a caller needs only the params.
"""

from __future__ import annotations

from peerwheel.engine.diffusion import bass, cascade, complex_contagion, peer, threshold
from peerwheel.engine.diffusion._batch import SeedsLike
from peerwheel.engine.diffusion.bass import BassParams
from peerwheel.engine.diffusion.cascade import CascadeParams
from peerwheel.engine.diffusion.complex_contagion import ComplexParams
from peerwheel.engine.diffusion.peer import (
    AdoptionState,
    Cadence,
    LeaderStyle,
    PeerParams,
    Rollout,
)
from peerwheel.engine.diffusion.result import (
    Backend,
    GroupBreakdown,
    ModelKind,
    ProgressFn,
    SimulationResult,
)
from peerwheel.engine.diffusion.threshold import (
    NormalThresholds,
    ThresholdParams,
    UniformThresholds,
    parse_thresholds,
)
from peerwheel.engine.networks import Network

ModelParams = ThresholdParams | ComplexParams | CascadeParams | BassParams | PeerParams


def simulate(
    network: Network | None,
    params: ModelParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 50,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    backend: Backend = Backend.AUTO,
) -> SimulationResult:
    """Run the model the params belong to. Bass needs no network; the others do."""
    options = {
        "seeds": seeds,
        "runs": runs,
        "steps": steps,
        "rng_seed": rng_seed,
        "on_step": on_step,
        "backend": backend,
    }
    if isinstance(params, BassParams):
        return bass.simulate(network, params, **options)  # type: ignore[arg-type]
    if network is None:
        raise ValueError(f"the {params.model} model needs a network")
    match params:
        case ThresholdParams():
            return threshold.simulate(network, params, **options)  # type: ignore[arg-type]
        case ComplexParams():
            return complex_contagion.simulate(network, params, **options)  # type: ignore[arg-type]
        case CascadeParams():
            return cascade.simulate(network, params, **options)  # type: ignore[arg-type]
        case PeerParams():
            return peer.simulate(network, params, **options)  # type: ignore[arg-type]
    raise TypeError(f"unknown model parameters {type(params).__name__}")


__all__ = [
    "AdoptionState",
    "Backend",
    "BassParams",
    "Cadence",
    "CascadeParams",
    "ComplexParams",
    "GroupBreakdown",
    "LeaderStyle",
    "ModelKind",
    "ModelParams",
    "NormalThresholds",
    "PeerParams",
    "ProgressFn",
    "Rollout",
    "SimulationResult",
    "ThresholdParams",
    "UniformThresholds",
    "parse_thresholds",
    "simulate",
]
