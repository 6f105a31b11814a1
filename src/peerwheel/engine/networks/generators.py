"""Graph generators for tests and benchmarks, vectorised or compiled, seeded."""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerwheel.engine.networks.graph import Network, from_edges


def _undirected(src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64], n: int) -> Network:
    network, _, _ = from_edges(src, dst, n, directed=False)
    return network


def ring_lattice(n: int, k: int) -> Network:
    """The clustered ring lattice: each node tied to its k nearest neighbours (k even)."""
    if k % 2 or not 0 < k < n:
        raise ValueError("k must be even and between 2 and n - 1")
    base = np.arange(n, dtype=np.int64)
    src = np.repeat(base, k // 2)
    dst = (src + np.tile(np.arange(1, k // 2 + 1), n)) % n
    return _undirected(src, dst, n)


def watts_strogatz(n: int, k: int, p: float, *, rng_seed: int = 0) -> Network:
    """Watts–Strogatz: a ring lattice whose ties each move one end to a random node with
    probability p. Ties that collide are merged, so the mean degree can fall a hair below k."""
    rng = np.random.default_rng(rng_seed)
    base = np.arange(n, dtype=np.int64)
    src = np.repeat(base, k // 2)
    dst = (src + np.tile(np.arange(1, k // 2 + 1), n)) % n
    move = rng.random(src.size) < p
    dst[move] = rng.integers(0, n, size=int(move.sum()))
    return _undirected(src, dst, n)


@numba.njit(cache=True)
def _batagelj_brandes(
    n: int, m: int, draws: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:  # pragma: no cover - compiled
    ends = np.empty(2 * n * m, dtype=np.int64)
    for v in range(n):
        for i in range(m):
            e = v * m + i
            ends[2 * e] = v
            r = int(draws[e] * (2 * e + 1))
            ends[2 * e + 1] = ends[r]
    return ends


def barabasi_albert(n: int, m: int, *, rng_seed: int = 0) -> Network:
    """Barabási–Albert preferential attachment with m ties per new node (Batagelj–Brandes).

    Self-loops and repeated ties drawn by the linear-time algorithm are merged away, so the
    mean degree is a little under 2m.
    """
    rng = np.random.default_rng(rng_seed)
    ends = _batagelj_brandes(n, m, rng.random(n * m))
    return _undirected(ends[0::2], ends[1::2], n)


def complete_graph(n: int) -> Network:
    """Everyone tied to everyone: a fully mixed population as a network."""
    full = np.ones((n, n))
    np.fill_diagonal(full, 0.0)
    adj = sp.csr_array(full)
    return Network(adjacency=adj, node_ids=np.arange(n).astype(str), directed=False)


def degree_preserving_twin(
    network: Network, *, swaps_per_tie: int = 10, rng_seed: int = 0
) -> Network:
    """The randomly rewired twin of an undirected network with the same degree sequence.

    Double-edge swaps (a-b, c-d → a-d, c-b) that would make a self-loop or repeated tie are
    skipped; every node keeps its exact degree.
    """
    if network.directed:
        raise ValueError("the twin is defined for undirected networks")
    upper = sp.triu(network.adjacency, k=1).tocoo()
    src, dst = upper.row.astype(np.int64), upper.col.astype(np.int64)
    m = src.size
    rng = np.random.default_rng(rng_seed)
    tries = swaps_per_tie * m
    picks = rng.integers(0, m, size=(tries, 2))
    flips = rng.random(tries) < 0.5
    src, dst = _swap(src, dst, picks, flips)
    return _undirected(src, dst, network.n).with_groups(**network.groups)


@numba.njit(cache=True)
def _swap(
    src: npt.NDArray[np.int64],
    dst: npt.NDArray[np.int64],
    picks: npt.NDArray[np.int64],
    flips: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:  # pragma: no cover - compiled
    src, dst = src.copy(), dst.copy()
    n = max(src.max(), dst.max()) + 1
    # A typed dict, not a set: numba's set can stall after many discards.
    ties = numba.typed.Dict.empty(key_type=numba.types.int64, value_type=numba.types.boolean)
    for i in range(src.size):
        ties[min(src[i], dst[i]) * n + max(src[i], dst[i])] = True
    for t in range(picks.shape[0]):
        e, f = picks[t, 0], picks[t, 1]
        a, b = src[e], dst[e]
        c, d = (src[f], dst[f]) if flips[t] else (dst[f], src[f])
        if a in (c, d) or b in (c, d):
            continue
        new1 = min(a, d) * n + max(a, d)
        new2 = min(c, b) * n + max(c, b)
        if new1 in ties or new2 in ties:
            continue
        del ties[min(a, b) * n + max(a, b)]
        del ties[min(c, d) * n + max(c, d)]
        ties[new1] = True
        ties[new2] = True
        src[e], dst[e] = a, d
        src[f], dst[f] = c, b
    return src, dst
