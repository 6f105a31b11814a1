"""Shared plumbing for the models: argument checks, seed matrices, chunks of runs."""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion import _kernels
from peerwheel.engine.diffusion.result import (
    ModelKind,
    ProgressFn,
    SimulationResult,
    TimesCollector,
)
from peerwheel.engine.networks import Network

SeedsLike = npt.ArrayLike | None
"""Node positions: shape (k,) for the same seeds in every run, or (runs, k) per run."""

# Runs per chunk are chosen so that a chunk's per-node arrays stay near this many cells.
CHUNK_CELLS = 1 << 24


_UNIT_WEIGHTS: weakref.WeakKeyDictionary[Network, int] = weakref.WeakKeyDictionary()


def unit_weight(network: Network) -> int:
    """The kernels' common tie weight (fixed point) or 0 when weights differ; kept per network,
    since checking reads every tie."""
    unit = _UNIT_WEIGHTS.get(network)
    if unit is None:
        unit = _kernels.unit_weight(network.kernel.weights)
        _UNIT_WEIGHTS[network] = unit
    return unit


def check_counts(runs: int, steps: int) -> None:
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if steps < 0:
        raise ValueError(f"steps must be 0 or more, got {steps}")


def seed_matrix(seeds: SeedsLike, n: int, runs: int) -> npt.NDArray[np.int64]:
    """Seeds as a (1, k) or (runs, k) matrix of distinct node positions per row."""
    if seeds is None:
        return np.empty((1, 0), dtype=np.int64)
    arr = np.asarray(seeds, dtype=np.int64)
    if arr.ndim == 1:
        arr = np.unique(arr)[None, :]
    elif arr.ndim != 2 or arr.shape[0] != runs:
        raise ValueError(f"seeds must have shape (k,) or ({runs}, k), got {arr.shape}")
    elif arr.shape[1] > 1 and (np.diff(np.sort(arr, axis=1), axis=1) == 0).any():
        raise ValueError("each run's seeds must be distinct")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"seed positions must lie in [0, {n})")
    if arr.shape[1] > n:
        raise ValueError(f"k = {arr.shape[1]} seeds is more than the {n} nodes")
    return arr


def chunk_size(n: int, runs: int) -> int:
    return max(1, min(runs, CHUNK_CELLS // max(n, 1)))


def run_chunks(
    *,
    network: Network,
    model: ModelKind,
    runs: int,
    steps: int,
    rng_seed: int,
    seeds: npt.NDArray[np.int64],
    chunk: int,
    spread: Callable[[int, np.random.Generator, npt.NDArray[np.int64]], npt.NDArray[np.int32]],
    on_step: ProgressFn | None,
    parameters: Mapping[str, Any],
) -> SimulationResult:
    """Run `spread(chunk_runs, rng, chunk_seeds) -> times` over chunks and summarise.

    Random draws come from one Generator seeded with rng_seed, chunk after chunk, so the
    result depends on the chunk size only through the order of draws, which is fixed.
    """
    start = time.perf_counter()
    rng = np.random.default_rng(rng_seed)
    collector = TimesCollector(network.n, steps, network.groups)
    done = 0
    while done < runs:
        size = min(chunk, runs - done)
        chunk_seeds = seeds if seeds.shape[0] == 1 else seeds[done : done + size]
        collector.add(spread(size, rng, chunk_seeds))
        done += size
        if on_step is not None:
            on_step(done, runs)
    return collector.result(model, rng_seed, time.perf_counter() - start, parameters)
