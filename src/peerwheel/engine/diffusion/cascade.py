"""Independent cascade (Kempe, Kleinberg and Tardos 2003).

A node that adopts in step t gets one chance, in step t + 1, to convert each out-tie's
target, with probability p per tie, or under the weighted cascade w(u, v) / in-weight(v)
(1 / in-degree with unit weights).
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
class CascadeParams:
    """p: the same probability on every tie; None for the weighted cascade."""

    p: float | None = 0.1
    model: ClassVar[ModelKind] = ModelKind.CASCADE

    def __post_init__(self) -> None:
        if self.p is not None and not 0.0 <= self.p <= 1.0:
            raise ValueError(f"edge probability must be in [0, 1], got {self.p}")

    def describe(self) -> dict[str, object]:
        return {"edge_p": "weighted" if self.p is None else self.p}


def edge_probabilities(network: Network, params: CascadeParams) -> npt.NDArray[np.float64]:
    """The probability of each out-tie, aligned with the CSR adjacency."""
    adj = network.adjacency
    if params.p is not None:
        return np.full(adj.nnz, params.p)
    in_w = network.in_weight
    return np.asarray(adj.data, dtype=np.float64) / in_w[adj.indices]


def simulate(
    network: Network,
    params: CascadeParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 50,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    backend: Backend = Backend.AUTO,
) -> SimulationResult:
    """R runs of the independent cascade, frontier-only."""
    check_counts(runs, steps)
    n = network.n
    seed_rows = seed_matrix(seeds, n, runs)
    graph = network.kernel
    # one shared probability is passed as is: no array of nnz copies to build per call
    edge_p = np.array([params.p]) if params.p is not None else edge_probabilities(network, params)
    kernel = _kernels.cascade_numpy if backend is Backend.NUMPY else _kernels.cascade_numba

    def spread(
        size: int, rng: np.random.Generator, sd: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int32]:
        keys = rng.integers(0, np.iinfo(np.int64).max, size=size).astype(np.uint64)
        return kernel(graph.indptr, graph.indices, edge_p, keys, sd, steps)

    return run_chunks(
        network=network,
        model=ModelKind.CASCADE,
        runs=runs,
        steps=steps,
        rng_seed=rng_seed,
        seeds=seed_rows,
        chunk=chunk_size(n, runs),
        spread=spread,
        on_step=on_step,
        parameters=params.describe(),
    )
