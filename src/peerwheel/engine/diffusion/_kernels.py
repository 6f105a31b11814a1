"""Kernels for the progressive models, compiled (numba) and plain numpy, with equal results.

Both paths take the same random inputs: thresholds drawn by a numpy Generator, and for the
cascade a per-run key from which each edge's coin is a counter-based hash (splitmix64), so a
coin does not depend on the order edges are visited. Weights are exact integers (see
`Network.kernel`), so sums do not depend on order either.

times[r, v] is the step at which v adopted in run r: 0 for seeds, -1 for never.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]
Floats = npt.NDArray[np.floating]

_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_EDGE = 0xD1B54A32D192ED03
_UNIT = 1.0 / 9007199254740992.0  # 2**-53
# a node's remaining need before anyone has touched it: in fixed-point weight (int64), or in
# ties when every tie weighs the same (int32: half the cache lines, and rem >= -in-degree)
_NOT_SEEN = -(2**62)
_NOT_SEEN_TIES = -(2**31)
AHEAD = 4  # frontier nodes between a prefetch and its use


@intrinsic
def _prefetch(typingctx, arr, idx):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Hint the CPU to fetch arr[idx] into cache (llvm.prefetch; a no-op for the result).

    The kernels are bound by memory latency: each frontier node's ties sit somewhere else in
    a large CSR, so the ties of the node a few places ahead are requested early.
    """
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read, high locality, data cache
        builder.call(
            fn,
            [
                builder.bitcast(ptr, byte_ptr),
                ir.Constant(i32, 0),
                ir.Constant(i32, 3),
                ir.Constant(i32, 1),
            ],
        )
        return context.get_dummy_value()

    return sig, codegen


prefetch = cast("Callable[[npt.NDArray[Any], int], None]", _prefetch)


def splitmix(x: Any) -> Any:
    """splitmix64's finaliser, the top 53 bits: the same body for numpy arrays of uint64 (here)
    and for a compiled uint64 scalar (`splitmix_compiled`, in the kernels)."""
    x = x + np.uint64(_GOLDEN)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    x = x ^ (x >> np.uint64(31))
    return x >> np.uint64(11)


splitmix_compiled = numba.njit(cache=True, inline="always")(splitmix)


def edge_uniforms(key: int | np.uint64, edges: I64) -> F64:
    """The cascade's coin for each edge in a run: uniform [0, 1), a hash of (key, edge)."""
    x = np.uint64(key) ^ (edges.astype(np.uint64) * np.uint64(_EDGE))
    return splitmix(x).astype(np.float64) * _UNIT


@numba.njit(cache=True, inline="always")
def _edge_uniform(key: np.uint64, edge: int) -> float:  # pragma: no cover - compiled
    """One edge's coin, as `edge_uniforms` draws it."""
    return float(splitmix_compiled(key ^ (np.uint64(edge) * np.uint64(_EDGE)))) * _UNIT


# ---- each body once, compiled twice --------------------------------------------------------


def _compiled_twice(body_for: Callable[[Any], Callable[..., Any]]) -> tuple[Any, Any]:
    """A kernel over runs, compiled serial (one run: a parallel region costs more than a whole
    small run) and parallel (one run a thread). `body_for(loop)` is the plain body with its
    loop over runs as `loop`: `range`, or `numba.prange`.

    A factory, not one function compiled twice: numba's on-disk cache keys a function by its
    code and closure, not by `parallel=`, so the two must differ in their closure (the loop).
    """
    serial = numba.njit(cache=True, nogil=True)(body_for(range))
    parallel = numba.njit(parallel=True, cache=True)(body_for(numba.prange))
    return serial, parallel


# ---- threshold and complex contagion -------------------------------------------------------


@numba.njit(cache=True, inline="always")
def _need(total: int, th: float) -> np.int64:  # pragma: no cover - compiled
    """The least adopting in-weight a with float(a) / float(total) >= th (total > 0).

    a -> float(a) / total is non-decreasing, so comparing the integer sum with this need gives
    exactly the float test of the numpy path, without a division per visit.
    """
    tot = float(total)
    c = np.ceil(th * tot)
    c = min(max(c, 0.0), tot + 1.0)
    a = np.int64(c)
    while a > 0 and float(a - 1) / tot >= th:
        a -= 1
    while a <= total and not float(a) / tot >= th:
        a += 1
    return a


@numba.njit(cache=True, nogil=True)
def _threshold_run(
    indptr: I64,
    indices: I64,
    weights: I64,
    unit: int,
    in_total: I64,
    th: Floats,
    count_k: int,
    sd: I64,
    steps: int,
    t_r: I32,
    rem: npt.NDArray[np.signedinteger],
    not_seen: int,
) -> None:  # pragma: no cover - compiled
    """One run, frontier-only, into t_r (all -1 on entry).

    rem[v] is what v still needs: its need minus the adopting in-weight so far, set on first
    touch (rem is all `not_seen` on entry). v adopts in the step its rem crosses from > 0 to
    <= 0, which is exactly "the sum of in-ties adopted before this step reaches the need", so
    adopting at once is synchronous. unit > 0: every tie weighs `unit`, `weights` is not read
    and rem counts ties: a need of a (weight) is ceil(a / unit) ties.
    """
    n = indptr.size - 1
    frontier = np.empty(n, dtype=np.int64)
    nxt = np.empty(n, dtype=np.int64)
    nf = 0
    for s in sd:
        t_r[s] = 0
        rem[s] = 0
        frontier[nf] = s
        nf += 1
    for step in range(1, steps + 1):
        nn = 0
        if step == 1 and count_k <= 0:
            for v in range(n):  # a threshold of 0 or less needs nobody
                if th[v] <= 0.0 and t_r[v] < 0:
                    t_r[v] = 1
                    rem[v] = 0
                    nxt[nn] = v
                    nn += 1
        for i in range(nf):
            if i + 2 * AHEAD < nf:
                prefetch(indptr, frontier[i + 2 * AHEAD])
            if i + AHEAD < nf:
                ahead = indptr[frontier[i + AHEAD]]
                prefetch(indices, ahead)
                if unit <= 0:
                    prefetch(weights, ahead)
            u = frontier[i]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                before = int(rem[v])
                if before == not_seen:
                    if count_k > 0:
                        before = count_k
                    elif in_total[v] > 0:
                        before = int(_need(in_total[v], th[v]))
                    else:
                        before = 1  # no in-weight: unreachable through a tie
                    if unit > 0:
                        before = (before + unit - 1) // unit
                after = before - (1 if unit > 0 else weights[e])
                rem[v] = after
                nxt[nn] = v  # kept only when v crosses its need now (branch-free)
                nn += (after <= 0) & (before > 0)
        for i in range(nn):
            t_r[nxt[i]] = step
        frontier, nxt = nxt, frontier
        nf = nn
        if nf == 0:
            break


def _threshold_runs_for(loop: Any) -> Callable[..., I32]:
    def threshold_runs(
        indptr: I64,
        indices: I64,
        weights: I64,
        unit: int,
        in_total: I64,
        thresholds: Floats,
        count_k: int,
        seeds: I64,
        runs: int,
        steps: int,
    ) -> I32:  # pragma: no cover - compiled
        n = indptr.size - 1
        times = np.full((runs, n), -1, dtype=np.int32)
        for r in loop(runs):
            th = thresholds[r % thresholds.shape[0]]
            sd = seeds[r % seeds.shape[0]]
            args = (indptr, indices, weights, unit, in_total, th, count_k, sd, steps, times[r])
            if unit > 0:
                _threshold_run(*args, np.full(n, _NOT_SEEN_TIES, dtype=np.int32), _NOT_SEEN_TIES)
            else:
                _threshold_run(*args, np.full(n, _NOT_SEEN, dtype=np.int64), _NOT_SEEN)
        return times

    return threshold_runs


_threshold_serial, _threshold_parallel = _compiled_twice(_threshold_runs_for)


def unit_weight(weights: I64) -> int:
    """The common weight of every tie, or 0 when they differ (then weights are read)."""
    if weights.size == 0:
        return 0
    first = int(weights[0])
    return first if first > 0 and bool((weights == first).all()) else 0


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
    *,
    unit: int | None = None,
) -> I32:
    """Frontier-only synchronous threshold spread: one run in this thread, several runs one
    per thread (a parallel region costs more than a whole small run).

    count_k > 0: adopt once the (integer) sum of adopting in-ties reaches count_k (complex
    contagion with unit weights). Otherwise adopt once sum / in_total >= threshold.
    `unit`: the common tie weight if known (see `unit_weight`), so the weights go unread.
    """
    if unit is None:
        unit = unit_weight(weights)
    kernel = _threshold_serial if runs == 1 else _threshold_parallel
    return kernel(indptr, indices, weights, unit, in_total, thresholds, count_k, seeds, runs, steps)


@numba.njit(cache=True, nogil=True)
def step_counts(times: I32, width: int) -> I64:  # pragma: no cover - compiled
    """New adopters per run and step: counts[r, t] = #{v : times[r, v] = t} (t < width)."""
    runs, n = times.shape
    counts = np.zeros((runs, width), dtype=np.int64)
    for r in range(runs):
        for v in range(n):
            t = times[r, v]
            if t >= 0:
                counts[r, t] += 1
    return counts


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


@numba.njit(cache=True, nogil=True)
def _cascade_run(
    indptr: I64, indices: I64, edge_p: F64, p: float, key: np.uint64, sd: I64, steps: int, t_r: I32
) -> None:  # pragma: no cover - compiled
    """One run into t_r (all -1 on entry). p >= 0: every tie has probability p (edge_p unread).

    The coin is tossed before looking at the target: the coin rarely succeeds and so branches
    predictably; the target's state would not. The result is the same either way.
    """
    n = indptr.size - 1
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
            if i + 2 * AHEAD < nf:
                prefetch(indptr, frontier[i + 2 * AHEAD])
            if i + AHEAD < nf:
                ahead = indptr[frontier[i + AHEAD]]
                prefetch(indices, ahead)
                if p < 0.0:
                    prefetch(edge_p, ahead)
            u = frontier[i]
            for e in range(indptr[u], indptr[u + 1]):
                if _edge_uniform(key, e) < (p if p >= 0.0 else edge_p[e]):
                    v = indices[e]
                    if t_r[v] < 0:
                        t_r[v] = step
                        nxt[nn] = v
                        nn += 1
        frontier, nxt = nxt, frontier
        nf = nn
        if nf == 0:
            break


def _cascade_runs_for(loop: Any) -> Callable[..., I32]:
    def cascade_runs(
        indptr: I64,
        indices: I64,
        edge_p: F64,
        p: float,
        keys: npt.NDArray[np.uint64],
        seeds: I64,
        steps: int,
    ) -> I32:  # pragma: no cover - compiled
        n = indptr.size - 1
        runs = keys.size
        times = np.full((runs, n), -1, dtype=np.int32)
        for r in loop(runs):
            _cascade_run(
                indptr, indices, edge_p, p, keys[r], seeds[r % seeds.shape[0]], steps, times[r]
            )
        return times

    return cascade_runs


_cascade_serial, _cascade_parallel = _compiled_twice(_cascade_runs_for)


def cascade_numba(
    indptr: I64,
    indices: I64,
    edge_p: F64,
    keys: npt.NDArray[np.uint64],
    seeds: I64,
    steps: int,
) -> I32:
    """Frontier-only independent cascade: each new adopter gets one try per out-tie.

    edge_p: one probability per out-tie, or a single one shared by every tie.
    """
    shared = float(edge_p[0]) if edge_p.size == 1 else -1.0
    kernel = _cascade_serial if keys.size == 1 else _cascade_parallel
    return kernel(indptr, indices, edge_p, shared, keys, seeds, steps)


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
            p = edge_p[0] if edge_p.size == 1 else edge_p[edges]
            live = (t_r[targets] < 0) & (edge_uniforms(keys[r], edges) < p)
            frontier = np.unique(targets[live])
            t_r[frontier] = step
            if frontier.size == 0:
                break
    return times
