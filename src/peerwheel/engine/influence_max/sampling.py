"""Reverse-reachable (RR) sets for IMM: the in-graph a sampler walks and the sampler itself.

Sets are drawn in blocks, each block with its own counter-based random stream (splitmix64), so
the sets depend on the seed and the block size only, never on how many threads drew them;
blocks run on all cores (the kernel releases the GIL).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
from scipy.stats import binom

from peerwheel.engine.diffusion import CascadeParams, ThresholdParams
from peerwheel.engine.diffusion._kernels import prefetch, splitmix_compiled
from peerwheel.engine.diffusion.cascade import edge_probabilities
from peerwheel.engine.networks import Network

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

BLOCK = 1 << 15  # RR sets per block: one random stream, one task for a thread
SMALL_TIES = 64  # in-ties up to which a node's live count is drawn from a table
MAX_TABLES = 4096  # distinct (ties, probability) tables at most
# how a node's live in-ties are drawn (column 3 of InGraph.meta)
_PER_TIE, _ALL_LIVE, _GEOMETRIC, _COUNT, _ONE_BY_WEIGHT = 0, 1, 2, 3, 4
_GOLDEN = 0x9E3779B97F4A7C15
_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@dataclass(frozen=True, eq=False)
class InGraph:
    """In-ties of every node, as the RR-set sampler walks them (from a node to its influencers).

    prob: per in-tie, its live probability (cascade) or the running sum of the node's in-tie
    probabilities up to and including it (threshold: one in-tie at most is live, by weight).
    log_skip: per node log(1 − q) when all its in-ties share one probability q in (0, 1).
    meta[v] = (first in-tie, end, start of v's table in cdf or −1, how to draw): with few
    in-ties sharing q (a uniform p, the weighted cascade), cdf holds the binomial distribution
    of how many are live.
    """

    ptr: I64
    src: I32
    prob: F64
    log_skip: F64
    meta: I64
    cdf: F64

    @property
    def n(self) -> int:
        return int(self.ptr.size - 1)


def _log_skips(ptr: I64, prob: F64) -> F64:
    n = ptr.size - 1
    out = np.zeros(n)
    if prob.size == 0:
        return out
    counts = np.diff(ptr)
    owner = np.repeat(np.arange(n), counts)
    first = np.zeros(n)
    has = counts > 0
    first[has] = prob[ptr[:-1][has]]
    same = np.ones(n, dtype=bool)
    same[owner[prob != first[owner]]] = False
    uniform = has & same
    inside = uniform & (first > 0) & (first < 1)
    out[inside] = np.log1p(-first[inside])
    out[uniform & (first >= 1)] = 1.0
    return out


def _count_tables(ptr: I64, prob: F64, log_skip: F64) -> tuple[I64, F64]:
    """Binomial(d, q) distribution functions for nodes whose d in-ties share q, few and
    rarely live (d <= SMALL_TIES, d·q <= 4): the sampler then draws how many ties are live and
    which, with no logarithm; exactly the same distribution as a coin per tie."""
    n = ptr.size - 1
    table = np.full(n, -1, dtype=np.int64)
    degree = np.diff(ptr)
    shared = np.flatnonzero(log_skip < 0)
    q = prob[ptr[shared]]
    small = (degree[shared] <= SMALL_TIES) & (degree[shared] * q <= 4.0)
    shared, q = shared[small], q[small]
    if shared.size == 0:
        return table, np.zeros(1)
    pairs, inverse = np.unique(
        np.stack([degree[shared].astype(np.float64), q], axis=1), axis=0, return_inverse=True
    )
    pairs = pairs[:MAX_TABLES]
    starts = np.r_[0, np.cumsum(pairs[:, 0].astype(np.int64) + 1)]
    cdf = np.empty(int(starts[-1]))
    for row, (d, share) in enumerate(pairs):
        counts = np.arange(int(d) + 1)
        cdf[starts[row] : starts[row + 1]] = binom.cdf(counts, int(d), share)
        cdf[starts[row + 1] - 1] = 2.0  # every tie live: the walk always stops here
    inverse = inverse.ravel()
    kept = inverse < pairs.shape[0]
    table[shared[kept]] = starts[inverse[kept]]
    return table, cdf


def in_graph(network: Network, params: CascadeParams | ThresholdParams) -> InGraph:
    """The in-ties with their live probabilities: p (or w / in-weight) per tie for the cascade;
    w / in-weight per tie for the threshold model."""
    transposed = network.kernel.transposed  # row v: v's in-ties, sorted by source
    ptr = transposed.indptr.astype(np.int64)
    src = transposed.indices.astype(np.int32)
    n = network.n
    if isinstance(params, ThresholdParams):
        owner = np.repeat(np.arange(n), np.diff(ptr))
        prob = transposed.data / np.maximum(network.kernel.in_total[owner], 1)
        cum = np.cumsum(prob)
        starts = np.repeat(np.r_[0.0, cum][ptr[:-1]], np.diff(ptr))
        meta = _meta(ptr, np.full(n, -1, dtype=np.int64), np.full(n, _ONE_BY_WEIGHT))
        return InGraph(ptr, src, cum - starts, np.zeros(n), meta, np.zeros(1))
    out = network.adjacency.copy()
    out.data = edge_probabilities(network, params)
    prob = np.asarray(out.T.tocsr().sorted_indices().data, dtype=np.float64)
    log_skip = _log_skips(ptr, prob)
    table, cdf = _count_tables(ptr, prob, log_skip)
    kind = np.select(
        [table >= 0, log_skip < 0, log_skip > 0], [_COUNT, _GEOMETRIC, _ALL_LIVE], _PER_TIE
    )
    return InGraph(ptr, src, prob, log_skip, _meta(ptr, table, kind), cdf)


def _meta(ptr: I64, table: I64, kind: npt.NDArray[np.integer]) -> I64:
    return np.ascontiguousarray(np.stack([ptr[:-1], ptr[1:], table, kind], axis=1), np.int64)


@numba.njit(cache=True, inline="always")
def _next(state: np.uint64) -> tuple[np.uint64, float]:  # pragma: no cover - compiled
    """splitmix64: the next state and a uniform on [0, 1)."""
    z = splitmix_compiled(state)
    return state + np.uint64(_GOLDEN), float(np.int64(z)) * _UNIT


@numba.njit(cache=True, nogil=True)
def _rr_block(
    meta: I64, src: I32, prob: F64, log_skip: F64, cdf: F64, count: int, stream: np.uint64
) -> tuple[I64, I32]:  # pragma: no cover - compiled
    """`count` RR sets from one random stream: offsets (count + 1) and the nodes, root first.

    Each set is grown breadth-first straight into the output, which is its own queue.
    meta[v] = (first in-tie, end, table row, how to draw) keeps a node's look-ups in one
    cache line.
    """
    n = meta.shape[0]
    state = stream
    offsets = np.zeros(count + 1, dtype=np.int64)
    seen = np.full(n, -1, dtype=np.int32)
    picked = np.empty(SMALL_TIES + 1, dtype=np.int64)
    rows = meta.ravel()  # row v starts at 4 v: for prefetching
    room = n + 1
    for v in range(n):
        room = max(room, n + 1 + meta[v, 1] - meta[v, 0])
    nodes = np.empty(count * 8 + 2 * room, dtype=np.int32)
    # roots are drawn two sets ahead: the root after next has its row fetched, the next one
    # its ties, while this set grows (a root's first look-ups are cache misses)
    roots = np.empty(count + 2, dtype=np.int64)
    for i in range(count):
        state, x = _next(state)
        roots[i] = min(int(x * n), n - 1)
    roots[count:] = roots[0]
    prefetch(rows, 4 * roots[0])
    prefetch(rows, 4 * roots[1])
    m = 0
    for i in range(count):
        if m + room > nodes.size:  # room for a set as large as the graph, and some ties
            grown = np.empty(2 * nodes.size + room, dtype=np.int32)
            grown[:m] = nodes[:m]
            nodes = grown
        stamp = np.int32(i)
        prefetch(rows, 4 * roots[i + 2])
        prefetch(src, meta[roots[i + 1], 0])
        root = roots[i]
        seen[root] = stamp
        nodes[m] = root
        head, tail = m, m + 1
        while head < tail:
            v = nodes[head]
            head += 1
            start, end, row, kind = meta[v, 0], meta[v, 1], meta[v, 2], meta[v, 3]
            d = end - start
            if d == 0:
                continue
            mark = tail  # the ties found live are appended from here, then filtered
            if kind == _COUNT:  # few ties sharing q: how many are live, then which
                state, x = _next(state)
                live = 0
                while x >= cdf[row + live]:
                    live += 1
                for t in range(live):
                    fresh = False
                    while not fresh:  # a position not picked yet, uniformly
                        state, x = _next(state)
                        pos = min(int(x * d), d - 1)
                        fresh = True
                        for q in range(t):
                            if picked[q] == pos:
                                fresh = False
                    picked[t] = pos
                    nodes[tail] = src[start + pos]
                    tail += 1
            elif kind == _ONE_BY_WEIGHT:  # linear threshold: at most one live in-tie
                state, x = _next(state)
                j = start + np.searchsorted(prob[start:end], x, side="right")
                if j < end:
                    nodes[tail] = src[j]
                    tail += 1
            elif kind == _GEOMETRIC:  # one shared q: geometric gaps between live ties
                skip = log_skip[v]
                e = start - 1
                while True:
                    state, x = _next(state)
                    gap = np.log(1.0 - x) / skip
                    if gap >= end - e - 1:
                        break
                    e += 1 + int(gap)
                    nodes[tail] = src[e]
                    tail += 1
            else:
                for e in range(start, end):
                    live_tie = kind == _ALL_LIVE
                    if not live_tie:
                        state, x = _next(state)
                        live_tie = x < prob[e]
                    if live_tie:
                        nodes[tail] = src[e]
                        tail += 1
            kept = mark
            for j in range(mark, tail):  # keep the ones not yet in this set
                u = nodes[j]
                if seen[u] != stamp:
                    seen[u] = stamp
                    nodes[kept] = u
                    kept += 1
                    prefetch(rows, 4 * u)
            tail = kept
        m = tail
        offsets[i + 1] = m
    return offsets, nodes[:m].copy()


def _stream(rng_seed: int, phase: int, block: int) -> np.uint64:
    mixed = np.random.SeedSequence([rng_seed, phase, block]).generate_state(1, np.uint64)
    return np.uint64(mixed[0])


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class RRSets:
    """RR sets as CSR: sets i's nodes are nodes[ptr[i]:ptr[i + 1]]."""

    ptr: I64
    nodes: I32

    @property
    def count(self) -> int:
        return int(self.ptr.size - 1)


def sample_rr_sets(
    graph: InGraph, count: int, *, rng_seed: int, phase: int = 0, first_block: int = 0
) -> RRSets:
    """`count` RR sets, drawn in blocks of BLOCK on every core; the same for any thread count."""
    blocks = [(first_block + b, min(BLOCK, count - b * BLOCK)) for b in range(-(-count // BLOCK))]

    def one(item: tuple[int, int]) -> tuple[I64, I32]:
        block, size = item
        return _rr_block(
            graph.meta,
            graph.src,
            graph.prob,
            graph.log_skip,
            graph.cdf,
            size,
            _stream(rng_seed, phase, block),
        )

    with ThreadPoolExecutor(max_workers=_threads()) as pool:
        parts = list(pool.map(one, blocks))
    return _concat(parts)


def _concat(parts: list[tuple[I64, I32]]) -> RRSets:
    if not parts:
        return RRSets(np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32))
    sizes = [p[1].size for p in parts]
    nodes = np.concatenate([p[1] for p in parts]) if len(parts) > 1 else parts[0][1]
    shifts = np.cumsum([0, *sizes[:-1]])
    ptr = np.concatenate(
        [np.zeros(1, dtype=np.int64)] + [p[0][1:] + s for p, s in zip(parts, shifts, strict=True)]
    )
    return RRSets(ptr, nodes)


def extend(sets: RRSets, more: RRSets) -> RRSets:
    return _concat([(sets.ptr, sets.nodes), (more.ptr, more.nodes)])
