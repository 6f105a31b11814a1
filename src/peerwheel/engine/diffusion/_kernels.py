"""Kernels for the progressive models, compiled (numba) and plain numpy, with equal results.

Both paths take the same random inputs: thresholds drawn by a numpy Generator, and for the
cascade a per-run key from which each edge's coin is a counter-based hash (splitmix64), so a
coin does not depend on the order edges are visited. Weights are exact integers (see
`Network.kernel`), so sums do not depend on order either.

times[r, v] is the step at which v adopted in run r: 0 for seeds, -1 for never.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]
Floats = npt.NDArray[np.floating]

_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_EDGE = 0xD1B54A32D192ED03
_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def edge_uniforms(key: int | np.uint64, edges: I64) -> F64:
    """The cascade's coin for each edge in a run: uniform [0, 1), a hash of (key, edge)."""
    x = np.uint64(key) ^ (edges.astype(np.uint64) * np.uint64(_EDGE))
    x = x + np.uint64(_GOLDEN)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) * _UNIT


@numba.njit(cache=True, inline="always")
def _edge_uniform(key: np.uint64, edge: int) -> float:  # pragma: no cover - compiled
    x = key ^ (np.uint64(edge) * np.uint64(_EDGE))
    x = x + np.uint64(_GOLDEN)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    x = x ^ (x >> np.uint64(31))
    return float(x >> np.uint64(11)) * _UNIT


# ---- threshold and complex contagion -------------------------------------------------------


@numba.njit(parallel=True, cache=True)
def threshold_numba(
    indptr: I64,
    indices: I64,
    weights: I64,
    in_total: I64,
    thresholds: Floats,
    count_k: int,
    seeds: I64,
    runs: int,
    steps: int,
) -> I32:  # pragma: no cover - compiled
    """Frontier-only synchronous threshold spread, one run per thread.

    count_k > 0: adopt once the (integer) sum of adopting in-ties reaches count_k (complex
    contagion with unit weights). Otherwise adopt once sum / in_total >= threshold.
    """
    n = indptr.size - 1
    times = np.full((runs, n), -1, dtype=np.int32)
    for r in numba.prange(runs):
        th = thresholds[r % thresholds.shape[0]]
        sd = seeds[r % seeds.shape[0]]
        t_r = times[r]
        acc = np.zeros(n, dtype=np.int64)
        mark = np.zeros(n, dtype=np.int32)
        frontier = np.empty(n, dtype=np.int64)
        cand = np.empty(n, dtype=np.int64)
        nf = 0
        for s in sd:
            t_r[s] = 0
            frontier[nf] = s
            nf += 1
        for step in range(1, steps + 1):
            nc = 0
            for i in range(nf):
                u = frontier[i]
                for e in range(indptr[u], indptr[u + 1]):
                    v = indices[e]
                    if t_r[v] < 0:
                        acc[v] += weights[e]
                        if mark[v] != step:
                            mark[v] = step
                            cand[nc] = v
                            nc += 1
            nf = 0
            for i in range(nc):
                v = cand[i]
                if count_k > 0:
                    ok = acc[v] >= count_k
                else:
                    share = float(acc[v]) / float(in_total[v]) if in_total[v] > 0 else 0.0
                    ok = share >= th[v]
                if ok:
                    t_r[v] = step
                    frontier[nf] = v
                    nf += 1
            if step == 1 and count_k <= 0:
                for v in range(n):  # a threshold of 0 or less needs nobody
                    if t_r[v] < 0 and th[v] <= 0.0:
                        t_r[v] = 1
                        frontier[nf] = v
                        nf += 1
            if nf == 0:
                break
    return times


def threshold_numpy(
    transposed: sp.csr_array,
    in_total: I64,
    thresholds: Floats,
    count_k: int,
    seeds: I64,
    runs: int,
    steps: int,
) -> I32:
    """All runs at once: one sparse product per step over the newly adopted (n x runs)."""
    n = transposed.shape[0]
    times = np.full((n, runs), -1, dtype=np.int32)
    cols = np.arange(runs)
    if seeds.shape[0] == 1:
        times[seeds[0], :] = 0
    else:
        times[seeds, cols[:, None]] = 0
    acc = np.zeros((n, runs), dtype=np.int64)
    new = times == 0
    total = in_total.astype(np.float64)[:, None]
    th = np.broadcast_to(thresholds.T, (n, runs)) if count_k <= 0 else None
    for step in range(1, steps + 1):
        acc += transposed @ new.astype(np.int64)
        if count_k > 0:
            ok = acc >= count_k
        else:
            share = np.divide(
                acc.astype(np.float64), total, out=np.zeros((n, runs)), where=total > 0
            )
            ok = share >= th
        new = ok & (times < 0)
        times[new] = step
        if not new.any():
            break
    return np.ascontiguousarray(times.T)


# ---- independent cascade -------------------------------------------------------------------


@numba.njit(parallel=True, cache=True)
def cascade_numba(
    indptr: I64, indices: I64, edge_p: F64, keys: npt.NDArray[np.uint64], seeds: I64, steps: int
) -> I32:  # pragma: no cover - compiled
    """Frontier-only independent cascade: each new adopter gets one try per out-tie."""
    n = indptr.size - 1
    runs = keys.size
    times = np.full((runs, n), -1, dtype=np.int32)
    for r in numba.prange(runs):
        key = keys[r]
        sd = seeds[r % seeds.shape[0]]
        t_r = times[r]
        frontier = np.empty(n, dtype=np.int64)
        nxt = np.empty(n, dtype=np.int64)
        nf = 0
        for s in sd:
            t_r[s] = 0
            frontier[nf] = s
            nf += 1
        for step in range(1, steps + 1):
            nn = 0
            for i in range(nf):
                u = frontier[i]
                for e in range(indptr[u], indptr[u + 1]):
                    v = indices[e]
                    if t_r[v] < 0 and _edge_uniform(key, e) < edge_p[e]:
                        t_r[v] = step
                        nxt[nn] = v
                        nn += 1
            frontier, nxt = nxt, frontier
            nf = nn
            if nf == 0:
                break
    return times


def ragged_edges(indptr: I64, nodes: I64) -> I64:
    """Positions of all out-ties of the given nodes, concatenated."""
    starts = indptr[nodes]
    lens = indptr[nodes + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lens) + lens, lens)
    return offsets + np.arange(total, dtype=np.int64)


def cascade_numpy(
    indptr: I64, indices: I64, edge_p: F64, keys: npt.NDArray[np.uint64], seeds: I64, steps: int
) -> I32:
    n = indptr.size - 1
    runs = keys.size
    times = np.full((runs, n), -1, dtype=np.int32)
    for r in range(runs):
        t_r = times[r]
        frontier = np.unique(seeds[r % seeds.shape[0]])
        t_r[frontier] = 0
        for step in range(1, steps + 1):
            edges = ragged_edges(indptr, frontier)
            targets = indices[edges]
            live = (t_r[targets] < 0) & (edge_uniforms(keys[r], edges) < edge_p[edges])
            frontier = np.unique(targets[live])
            t_r[frontier] = step
            if frontier.size == 0:
                break
    return times
