"""Linear threshold model (Granovetter 1978; Kempe, Kleinberg and Tardos 2003).

Each step, synchronously, a node that has not adopted adopts when the weighted share of its
in-ties that have adopted is at least its threshold: sum of adopting in-weights / in-weight.
With unit weights that is the share of adopting neighbours. A node with no in-ties sees a
share of 0. Adoption is for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion import _kernels
from peerwheel.engine.diffusion._batch import (
    SeedsLike,
    check_counts,
    chunk_size,
    run_chunks,
    seed_matrix,
    unit_weight,
)
from peerwheel.engine.diffusion.result import Backend, ModelKind, ProgressFn, SimulationResult
from peerwheel.engine.networks import Network


@dataclass(frozen=True)
class UniformThresholds:
    """Thresholds drawn afresh for every run, uniform on [low, high]."""

    low: float = 0.0
    high: float = 1.0


@dataclass(frozen=True)
class NormalThresholds:
    """Thresholds drawn afresh for every run from N(mean, sd), unclipped: a threshold at or
    below 0 makes an instigator who adopts in the first step (Granovetter's zero-threshold
    radicals)."""

    mean: float
    sd: float


ThresholdSpec = UniformThresholds | NormalThresholds | npt.NDArray[np.floating]


def parse_thresholds(text: str) -> UniformThresholds | NormalThresholds:
    """Parse `uniform:A:B` or `normal:MEAN:SD` (the command line's --thresholds)."""
    kind, _, rest = text.partition(":")
    parts = rest.split(":")
    try:
        a, b = (float(x) for x in parts)
    except ValueError:
        raise ValueError(
            f"thresholds {text!r}: expected uniform:A:B, normal:MEAN:SD or a file"
        ) from None
    if kind == "uniform":
        if not 0.0 <= a <= b <= 1.0:
            raise ValueError(f"thresholds {text!r}: need 0 <= A <= B <= 1")
        return UniformThresholds(a, b)
    if kind == "normal":
        if b < 0:
            raise ValueError(f"thresholds {text!r}: the standard deviation must be >= 0")
        return NormalThresholds(a, b)
    raise ValueError(f"thresholds {text!r}: unknown distribution {kind!r}")


@dataclass(frozen=True, eq=False)
class ThresholdParams:
    thresholds: ThresholdSpec = UniformThresholds()
    model: ClassVar[ModelKind] = ModelKind.THRESHOLD

    def describe(self) -> dict[str, object]:
        spec = self.thresholds
        if isinstance(spec, np.ndarray):
            return {"thresholds": "per node"}
        return {"thresholds": spec.__class__.__name__, **vars(spec)}


def draw_thresholds(
    spec: ThresholdSpec, n: int, runs: int, rng: np.random.Generator
) -> npt.NDArray[np.floating]:
    """Thresholds for a chunk of runs: (runs, n), or (1, n) when fixed per node."""
    if isinstance(spec, UniformThresholds):
        u = rng.random((runs, n), dtype=np.float32)
        return np.float32(spec.low) + np.float32(spec.high - spec.low) * u
    if isinstance(spec, NormalThresholds):
        return rng.normal(spec.mean, spec.sd, size=(runs, n))
    fixed = np.asarray(spec, dtype=np.float64)
    if fixed.shape != (n,):
        raise ValueError(f"need one threshold per node ({n}), got shape {fixed.shape}")
    return fixed[None, :]


def simulate(
    network: Network,
    params: ThresholdParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 50,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    backend: Backend = Backend.AUTO,
) -> SimulationResult:
    """R runs of the linear threshold model, batched."""
    check_counts(runs, steps)
    n = network.n
    seed_rows = seed_matrix(seeds, n, runs)
    graph = network.kernel
    use_numpy = backend is Backend.NUMPY
    unit = 0 if use_numpy else unit_weight(network)

    def spread(size: int, rng: np.random.Generator, sd: npt.NDArray[np.int64]) -> np.ndarray:
        th = draw_thresholds(params.thresholds, n, size, rng)
        if use_numpy:
            return _kernels.threshold_numpy(
                graph.transposed, graph.in_total, th, 0, sd, size, steps
            )
        return _kernels.threshold_numba(
            graph.indptr,
            graph.indices,
            graph.weights,
            graph.in_total,
            th,
            0,
            sd,
            size,
            steps,
            unit=unit,
        )

    chunk = chunk_size(n, runs)  # the same for both backends, so the draws are the same
    return run_chunks(
        network=network,
        model=ModelKind.THRESHOLD,
        runs=runs,
        steps=steps,
        rng_seed=rng_seed,
        seeds=seed_rows,
        chunk=chunk,
        spread=spread,
        on_step=on_step,
        parameters=params.describe(),
    )
