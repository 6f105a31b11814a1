"""The forecast's compiled Monte Carlo: an earliest-arrival search per run (see forecast.py).

A run is the baseline; a variant (a what-if: extra people adopting in week 0) is computed from
its run's baseline with the same coins, by relaxing only from the people whose week moves
earlier: a tie's candidate week depends only on its source's week and its own coin, so those
of unmoved sources are already in the baseline's weeks.

t[v] is v's adoption week relative to the as-of week (week 0): <= 0 for today's adopters,
NEVER for nobody within the horizon.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion._kernels import AHEAD, prefetch, splitmix_compiled

I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

NEVER = np.int16(32767)
_EDGE = 0xD1B54A32D192ED03
_PERSON = 0x8CB92BA72F3D8DD7
_GOLDEN = 0x9E3779B97F4A7C15
_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@numba.njit(cache=True, inline="always")
def _uniform(key: np.uint64, salt: np.uint64, i: int) -> float:  # pragma: no cover - compiled
    """A uniform on [0, 1) from (run key, what, which): splitmix64 of the mix (53 bits, so the
    signed conversion, one instruction, is exact)."""
    return float(np.int64(splitmix_compiled(key ^ (np.uint64(i) * salt)))) * _UNIT


@numba.njit(cache=True, inline="always")
def _next(state: np.uint64) -> tuple[np.uint64, float]:  # pragma: no cover - compiled
    """A splitmix64 stream: the next state and a uniform on [0, 1)."""
    state = state + np.uint64(_GOLDEN)
    return state, float(np.int64(splitmix_compiled(state))) * _UNIT


@numba.njit(cache=True, inline="always")
def _push(v: int, s: int, head: I32, nxt: I32, node: I32, npush: int) -> int:  # pragma: no cover
    """Queue v in week s's bucket (a linked list in node/nxt)."""
    node[npush] = v
    nxt[npush] = head[s]
    head[s] = npush
    return npush + 1


@numba.njit(cache=True, inline="always")
def _first_week(u: float, h: float, per_week: float, cum: F64) -> int:  # pragma: no cover
    """The lag (1..K) at which a tie with window hazard h fires, from its uniform u, or 0 for
    never: since 1 − e^−h <= h, u >= h never fires (most ties, and no logarithm)."""
    if u >= h:
        return 0
    e = -np.log1p(-u)
    if e >= h:
        return 0
    need = e / per_week
    k = 1
    while cum[k] < need:
        k += 1
    return k


@numba.njit(cache=True, inline="always")
def _relax(
    v: int,
    s: int,
    indptr: I64,
    indices: I32,
    weights: F32,
    row: float,
    cum: F64,
    key: np.uint64,
    t: I16,
    head: I32,
    nxt: I32,
    node: I32,
    npush: int,
) -> int:  # pragma: no cover - compiled
    """v adopted in week s: each tie to someone not yet adopted by week s + 1 gets its
    firing week; earlier than the target's week so far, the target moves and is queued."""
    horizon = head.shape[0]
    window = cum[cum.shape[0] - 2]
    weighted = weights.shape[0] > 0
    for j in range(indptr[v], indptr[v + 1]):
        x = indices[j]
        if t[x] <= s + 1:
            continue
        per_week = row * weights[j] if weighted else row
        k = _first_week(_uniform(key, np.uint64(_EDGE), j), per_week * window, per_week, cum)
        if k > 0 and s + k < horizon and s + k < t[x]:
            t[x] = s + k
            npush = _push(x, s + k, head, nxt, node, npush)
    return npush


@numba.njit(cache=True, inline="always")
def _spread(
    indptr: I64,
    indices: I32,
    weights: F32,
    source_rate: F64,
    cum: F64,
    scale: float,
    key: np.uint64,
    t: I16,
    before: I16,
    head: I32,
    nxt: I32,
    node: I32,
    npush: int,
    frontier: I32,
    out: I32,
) -> None:  # pragma: no cover - compiled
    """The weeks ahead, bucket by bucket: each person adopting in week s is counted in out[s]
    (and, for a variant, taken out of the baseline's week `before`) and relaxes their ties."""
    horizon = out.shape[0]
    variant = before.shape[0] > 0
    for s in range(horizon):
        nf = 0
        i = head[s]
        while i >= 0:
            v = node[i]
            i = nxt[i]
            if t[v] == s:  # else moved earlier since it was queued here
                frontier[nf] = v
                nf += 1
        out[s] += nf
        for f in range(nf):
            if f + 2 * AHEAD < nf:
                prefetch(indptr, frontier[f + 2 * AHEAD])
            if f + AHEAD < nf:
                prefetch(indices, indptr[frontier[f + AHEAD]])
            v = frontier[f]
            if variant and before[v] < horizon:
                out[before[v]] -= 1
            row = source_rate[v] * scale
            npush = _relax(v, s, indptr, indices, weights, row, cum, key, t, head, nxt, node, npush)


@numba.njit(cache=True, nogil=True)
def _baseline(
    indptr: I64,
    indices: I32,
    weights: F32,
    source_rate: F64,
    pmf: F64,
    cum: F64,
    base: I16,
    active: I32,
    frac: float,
    background: float,
    scale: float,
    key: np.uint64,
    t: I16,
    head: I32,
    nxt: I32,
    node: I32,
    frontier: I32,
    out: I32,
) -> None:  # pragma: no cover - compiled
    """One run into t and out (zeros on entry). A tie u -> v has weekly hazard
    source_rate[u] · w · scale · g(k); `weights` is empty for an unweighted network."""
    horizon = out.shape[0]
    n = t.shape[0]
    k_max = pmf.shape[0] - 1
    window = cum[k_max]
    weighted = weights.shape[0] > 0
    t[:] = base
    head[:] = -1
    npush = 0
    # starting alone: people whose background fires within the horizon are found by
    # geometric jumps over 0..n-1 (a stream of the run's key: the same people whoever has
    # adopted), then the week it fires, from the exponential cut at the horizon
    if background > 0.0:
        first = background * frac
        within = min(-np.expm1(-(first + background * (horizon - 1))), 1.0 - 1e-16)
        jump = np.log1p(-within)
        state = splitmix_compiled(key ^ np.uint64(_PERSON))
        v = -1
        while True:
            state, u = _next(state)
            v += 1 + int(np.log1p(-u) / jump)
            if v >= n:
                break
            state, u = _next(state)
            e = -np.log1p(-u * within)
            s = 0 if e < first else 1 + int((e - first) / background)
            if s < horizon and s < t[v]:
                t[v] = s
                npush = _push(v, s, head, nxt, node, npush)
    # today's adopters still inside their window: what is left of it, from week 0
    for i in range(active.shape[0]):
        a = active[i]
        wa = int(t[a])
        k0 = max(1, -wa)
        row = source_rate[a] * scale
        for j in range(indptr[a], indptr[a + 1]):
            v = indices[j]
            if t[v] <= wa + k0:
                continue
            per_week = row * weights[j] if weighted else row
            u = _uniform(key, np.uint64(_EDGE), j)
            if u >= per_week * window:
                continue
            need = -np.log1p(-u) / per_week
            acc = 0.0
            for k in range(k0, k_max + 1):
                acc += pmf[k] * (frac if wa + k == 0 else 1.0)
                if acc >= need:
                    s = wa + k
                    if s < horizon and s < t[v]:
                        t[v] = s
                        npush = _push(v, s, head, nxt, node, npush)
                    break
    none = np.empty(0, dtype=np.int16)
    _spread(
        indptr, indices, weights, source_rate, cum, scale, key, t, none, head, nxt, node,
        npush, frontier, out,
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _variant(
    indptr: I64,
    indices: I32,
    weights: F32,
    source_rate: F64,
    cum: F64,
    scale: float,
    key: np.uint64,
    t: I16,
    extra: I32,
    t2: I16,
    head: I32,
    nxt: I32,
    node: I32,
    frontier: I32,
    base_out: I32,
    out: I32,
) -> None:  # pragma: no cover - compiled
    """The run t with `extra` adopting in week 0 into out: those already in the baseline
    keep their coins; only people who move earlier relax their ties again. The extra people
    are counted as today's adopters, not as new ones."""
    horizon = out.shape[0]
    t2[:] = t
    out[:] = base_out
    head[:] = -1
    npush = 0
    for i in range(extra.shape[0]):
        e = extra[i]
        if t[e] < horizon:
            out[t[e]] -= 1
        t2[e] = 0
    for i in range(extra.shape[0]):
        e = extra[i]
        if t[e] > 0:  # in week 0 already, its ties were relaxed from week 0 in the baseline
            row = source_rate[e] * scale
            npush = _relax(
                e, 0, indptr, indices, weights, row, cum, key, t2, head, nxt, node, npush
            )
    _spread(
        indptr, indices, weights, source_rate, cum, scale, key, t2, t, head, nxt, node,
        npush, frontier, out,
    )  # fmt: skip


@numba.njit(parallel=True, cache=True)
def simulate(
    indptr: I64,
    indices: I32,
    weights: F32,
    source_rate: F64,
    pmf: F64,
    cum: F64,
    base: I16,
    active: I32,
    frac: float,
    background: F64,
    scale: F64,
    keys: npt.NDArray[np.uint64],
    horizon: int,
    variant_ptr: I64,
    variant_people: I32,
    chunks: int,
) -> I32:  # pragma: no cover - compiled
    """New adopters per variant (0: the baseline, then variant_people[ptr[i]:ptr[i + 1]] for
    variant i + 1), run and week: runs split into `chunks` blocks, one buffer set each.
    `cum` is the cumulative pmf with a sentinel (inf) after week K."""
    runs = keys.shape[0]
    n = base.shape[0]
    variants = variant_ptr.shape[0] - 1
    out = np.zeros((variants + 1, runs, horizon), dtype=np.int32)
    room = indices.shape[0] + n + 1  # pushes: at most one per tie walked and per person
    for c in numba.prange(chunks):
        t = np.empty(n, dtype=np.int16)
        t2 = np.empty(n, dtype=np.int16)
        head = np.empty(horizon, dtype=np.int32)
        nxt = np.empty(room, dtype=np.int32)
        node = np.empty(room, dtype=np.int32)
        frontier = np.empty(n, dtype=np.int32)
        for r in range(c * runs // chunks, (c + 1) * runs // chunks):
            _baseline(
                indptr, indices, weights, source_rate, pmf, cum, base, active, frac,
                background[r], scale[r], keys[r], t, head, nxt, node, frontier, out[0, r],
            )  # fmt: skip
            for i in range(variants):
                _variant(
                    indptr, indices, weights, source_rate, cum, scale[r], keys[r], t,
                    variant_people[variant_ptr[i] : variant_ptr[i + 1]], t2, head, nxt, node,
                    frontier, out[0, r], out[i + 1, r],
                )  # fmt: skip
    return out
