"""Complex contagion (Centola and Macy 2007): adopt after k distinct adopting neighbours.

Ties count once each whatever their weight; a directed tie u → v counts for v. Synchronous
steps, adoption for good.
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
)
from peerwheel.engine.diffusion.result import Backend, ModelKind, ProgressFn, SimulationResult
from peerwheel.engine.networks import Network


@dataclass(frozen=True)
class ComplexParams:
    k: int = 2
    model: ClassVar[ModelKind] = ModelKind.COMPLEX

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"complex contagion needs k >= 1, got {self.k}")

    def describe(self) -> dict[str, object]:
        return {"k": self.k}


def simulate(
    network: Network,
    params: ComplexParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 50,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    backend: Backend = Backend.AUTO,
) -> SimulationResult:
    """R runs of complex contagion. Deterministic given the seeds; runs differ only when the
    seeds do (a (runs, k) seed matrix)."""
    check_counts(runs, steps)
    n = network.n
    seed_rows = seed_matrix(seeds, n, runs)
    graph = network.kernel
    dummy = np.zeros((1, n))

    def spread(
        size: int, _rng: np.random.Generator, sd: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int32]:
        if backend is Backend.NUMPY:
            return _kernels.threshold_numpy(
                graph.transposed_ones, graph.in_degree, dummy, params.k, sd, size, steps
            )
        return _kernels.threshold_numba(
            graph.indptr,
            graph.indices,
            graph.weights,  # not read: every tie counts 1
            graph.in_degree,
            dummy,
            params.k,
            sd,
            size,
            steps,
            unit=1,
        )

    return run_chunks(
        network=network,
        model=ModelKind.COMPLEX,
        runs=runs,
        steps=steps,
        rng_seed=rng_seed,
        seeds=seed_rows,
        chunk=chunk_size(n, runs),
        spread=spread,
        on_step=on_step,
        parameters=params.describe(),
    )
