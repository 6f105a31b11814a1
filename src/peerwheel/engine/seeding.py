"""Choosing k champions: natural, appointed, top degree, PageRank and optimised.

Optimised is IMM (Tang, Shi and Xiao, SIGMOD 2015) for the independent cascade and the linear
threshold model: reverse-reachable (RR) sets sampled until a greedy cover of them is, with
probability 1 − n^−ℓ, within (1 − 1/e − ε) of the best seed set. The linear-threshold RR set is
Kempe's live-edge walk (thresholds uniform on [0, 1]). For the peer-influence model, which has
no RR-set form, it is CELF lazy greedy over a shortlist with common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion import (
    CascadeParams,
    ModelParams,
    PeerParams,
    ThresholdParams,
    simulate,
)
from peerwheel.engine.influence_max import imm
from peerwheel.engine.networks import Network

Seeds = npt.NDArray[np.int64]


class SeedStrategy(StrEnum):
    NATURAL = "natural"
    APPOINTED = "appointed"
    DEGREE = "degree"
    PAGERANK = "pagerank"
    OPTIMISED = "optimised"


def _check_k(network: Network, k: int) -> None:
    if not 0 < k <= network.n:
        raise ValueError(f"k = {k} must be between 1 and the {network.n} nodes")


def natural_seeds(network: Network, ids: Sequence[str]) -> Seeds:
    """The given people (for example the natural-champion scores' top list)."""
    try:
        return np.unique(network.indices_of(list(ids)))
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None


def appointed_seeds(
    network: Network, k: int, *, group: str, values: Sequence[str], rng_seed: int = 0
) -> Seeds:
    """k people drawn at random from a named group, e.g. department in {HR, IT}."""
    _check_k(network, k)
    if group not in network.groups:
        raise ValueError(f"the network has no {group!r} labels")
    pool = np.flatnonzero(np.isin(network.groups[group], list(values)))
    if pool.size < k:
        raise ValueError(f"only {pool.size} people in {group} {list(values)}, asked for {k}")
    return np.sort(np.random.default_rng(rng_seed).choice(pool, size=k, replace=False))


def degree_seeds(network: Network, k: int) -> Seeds:
    """The k nodes with the most out-weight (ties broken by position)."""
    _check_k(network, k)
    return np.sort(np.argsort(-network.out_weight, kind="stable")[:k])


def pagerank(network: Network, damping: float = 0.85, tol: float = 1e-10) -> npt.NDArray:
    """PageRank on the reversed ties: high for those whom many influential people see."""
    adj = network.adjacency
    # reversed walk: from v to an in-neighbour u with weight w(u, v)
    step = adj.multiply(1.0 / np.where(network.in_weight > 0, network.in_weight, 1.0)[None, :])
    n = network.n
    rank = np.full(n, 1.0 / n)
    dangling = network.in_weight == 0
    for _ in range(200):
        new = damping * (step @ rank + rank[dangling].sum() / n) + (1 - damping) / n
        if np.abs(new - rank).sum() < tol:
            return new
        rank = new
    return rank


def pagerank_seeds(network: Network, k: int) -> Seeds:
    _check_k(network, k)
    return np.sort(np.argsort(-pagerank(network), kind="stable")[:k])


# ---- RR sets and IMM -----------------------------------------------------------------------


def imm_seeds(
    network: Network,
    k: int,
    params: CascadeParams | ThresholdParams,
    *,
    epsilon: float = 0.1,
    ell: float = 1.0,
    rng_seed: int = 0,
) -> Seeds:
    """IMM: a (1 − 1/e − ε)-approximate seed set with probability at least 1 − 1/n^ℓ."""
    _check_k(network, k)
    # parallel RR sets and a lazy greedy cover live in influence_max
    return imm(network, k, params, epsilon=epsilon, ell=ell, rng_seed=rng_seed).seeds


# ---- CELF ----------------------------------------------------------------------------------


def celf_seeds(
    candidates: Sequence[int] | npt.NDArray[np.int64],
    k: int,
    spread: Callable[[Seeds], float],
) -> Seeds:
    """Lazy greedy (Leskovec et al. 2007): marginal gains are re-evaluated only when stale.

    `spread` must be deterministic in its argument (common random numbers) for the lazy
    bound to hold.
    """
    pool = [int(c) for c in candidates]
    if k > len(pool):
        raise ValueError(f"k = {k} is more than the {len(pool)} candidates")
    chosen: list[int] = []
    base = spread(np.empty(0, dtype=np.int64))
    gains = {c: spread(np.array([c])) - base for c in pool}
    fresh = dict.fromkeys(pool, 0)
    current = base
    while len(chosen) < k:
        best = max(gains, key=lambda c: (gains[c], -c))
        if fresh[best] == len(chosen):
            chosen.append(best)
            current += gains.pop(best)
            continue
        gains[best] = spread(np.array([*chosen, best])) - current
        fresh[best] = len(chosen)
    return np.sort(np.asarray(chosen, dtype=np.int64))


def expected_spread(
    network: Network,
    params: CascadeParams | ThresholdParams | PeerParams,
    *,
    runs: int = 200,
    steps: int = 50,
    rng_seed: int = 0,
) -> Callable[[Seeds], float]:
    """Mean final adopters for a seed set, with the same random numbers for every set."""

    def spread(seeds: Seeds) -> float:
        result = simulate(network, params, seeds=seeds, runs=runs, steps=steps, rng_seed=rng_seed)
        return float(result.final_sizes.mean())

    return spread


def optimised_seeds(
    network: Network,
    k: int,
    params: CascadeParams | ThresholdParams | PeerParams,
    *,
    shortlist: int = 60,
    runs: int = 50,
    steps: int = 26,
    epsilon: float = 0.1,
    rng_seed: int = 0,
) -> Seeds:
    """IMM for the cascade and threshold models; CELF over the top `shortlist` by PageRank
    and degree for the peer-influence model."""
    _check_k(network, k)
    if isinstance(params, CascadeParams | ThresholdParams):
        return imm_seeds(network, k, params, epsilon=epsilon, rng_seed=rng_seed)
    half = max(k, shortlist // 2)
    pool = np.union1d(
        np.argsort(-pagerank(network), kind="stable")[:half],
        np.argsort(-network.out_weight, kind="stable")[:half],
    )
    spread = expected_spread(network, params, runs=runs, steps=steps, rng_seed=rng_seed)
    return celf_seeds(pool, k, spread)


# ---- choosing by name ----------------------------------------------------------------------


def _natural_order(network: Network, group: str = "department") -> Seeds:
    """Every node, as a stand-in for natural champions when nobody's hub activity is known.

    Natural champions are the colleagues people in their own group already go to, spread across
    groups. Without activity data we take, group by group (largest first, in turns), the person
    with the most tie weight inside their own group. Without group labels, the whole network is
    one group and this is top degree.
    """
    labels = network.groups.get(group)
    if labels is None:
        labels = np.zeros(network.n, dtype=str)
    adj = network.adjacency.tocoo()
    same = labels[adj.row] == labels[adj.col]
    within = np.bincount(adj.row[same], weights=adj.data[same], minlength=network.n)
    names, codes, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    # within each group, strongest first (ties by position); then the round of each person
    order = np.lexsort((np.arange(network.n), -within, codes))
    rank_in_group = np.empty(network.n, dtype=np.int64)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    rank_in_group[order] = np.arange(network.n) - np.repeat(starts, sizes)
    group_turn = np.empty(names.size, dtype=np.int64)
    group_turn[np.argsort(-sizes, kind="stable")] = np.arange(names.size)
    return np.lexsort((group_turn[codes], rank_in_group)).astype(np.int64)


def choose_seeds(
    network: Network,
    strategy: SeedStrategy | None,
    k: int,
    *,
    params: ModelParams | None = None,
    natural_ids: Sequence[str] | None = None,
    appointed_group: tuple[str, Sequence[str]] | None = None,
    rng_seed: int = 0,
) -> Seeds:
    """k champions by strategy; None means no champions (an empty seed set).

    natural: the first k of `natural_ids` (ranked, e.g. by hub reach), topped up in the
    structural order of `_natural_order` when fewer are given. appointed: k drawn at random from
    `appointed_group` = (group name, values), or from everyone when it is None. optimised
    needs the model's params (IMM for cascade and threshold, CELF for the peer model).
    """
    if strategy is None:
        return np.empty(0, dtype=np.int64)
    _check_k(network, k)
    match strategy:
        case SeedStrategy.NATURAL:
            given = natural_seeds(network, list(natural_ids or [])[:k])
            if given.size >= k:
                return given
            fill = _natural_order(network)
            extra = fill[~np.isin(fill, given)][: k - given.size]
            return np.sort(np.concatenate([given, extra]))
        case SeedStrategy.APPOINTED:
            if appointed_group is None:
                rng = np.random.default_rng(rng_seed)
                return np.sort(rng.choice(network.n, size=k, replace=False).astype(np.int64))
            group, values = appointed_group
            return appointed_seeds(network, k, group=group, values=values, rng_seed=rng_seed)
        case SeedStrategy.DEGREE:
            return degree_seeds(network, k)
        case SeedStrategy.PAGERANK:
            return pagerank_seeds(network, k)
        case SeedStrategy.OPTIMISED:
            if not isinstance(params, CascadeParams | ThresholdParams | PeerParams):
                raise ValueError("optimised seeds are for the peer, threshold and cascade models")
            return optimised_seeds(network, k, params, rng_seed=rng_seed)
    raise ValueError(f"unknown seed strategy {strategy!r}")
