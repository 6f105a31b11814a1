"""Champion selection: the simple strategies and the optimised ones against plain CELF."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.diffusion import CascadeParams, PeerParams, ThresholdParams
from peerwheel.engine.networks import barabasi_albert, from_edges, watts_strogatz
from peerwheel.engine.seeding import (
    appointed_seeds,
    celf_seeds,
    degree_seeds,
    expected_spread,
    imm_seeds,
    natural_seeds,
    optimised_seeds,
    pagerank_seeds,
)


def test_simple_strategies_pick_the_obvious_nodes() -> None:
    # a star centred on 0 plus a separate pair: degree and PageRank both pick the centre
    network, _, _ = from_edges([0, 0, 0, 4], [1, 2, 3, 5], 6)
    assert degree_seeds(network, 1).tolist() == [0]
    assert pagerank_seeds(network, 1).tolist() == [0]
    assert natural_seeds(network, ["5", "4"]).tolist() == [4, 5]
    with pytest.raises(ValueError, match="unknown node id"):
        natural_seeds(network, ["9"])
    labelled = network.with_groups(department=["HR", "IT", "ops", "ops", "HR", "ops"])
    picks = appointed_seeds(labelled, 2, group="department", values=["HR", "IT"], rng_seed=1)
    assert set(picks.tolist()) <= {0, 1, 4}
    with pytest.raises(ValueError, match="between 1 and"):
        degree_seeds(network, 7)


@pytest.mark.parametrize("params", [CascadeParams(p=0.05), ThresholdParams()])
def test_imm_is_at_least_099_of_plain_celf(params: CascadeParams | ThresholdParams) -> None:
    network = barabasi_albert(300, 3, rng_seed=5)
    judge = expected_spread(network, params, runs=2_000, rng_seed=99)
    celf = celf_seeds(np.arange(network.n), 5, expected_spread(network, params, runs=300))
    imm = imm_seeds(network, 5, params, epsilon=0.1, rng_seed=1)
    assert judge(imm) >= 0.99 * judge(celf)
    assert judge(imm) > judge(np.arange(5))  # and better than arbitrary nodes


def test_celf_with_common_random_numbers_picks_the_greedy_optimum() -> None:
    # coverage is submodular: CELF must match the plain greedy choice
    sets = {0: {1, 2, 3}, 1: {3, 4}, 2: {5}, 3: {1, 2}}

    def spread(seeds: np.ndarray) -> float:
        return float(len(set().union(*(sets[int(s)] for s in seeds)))) if seeds.size else 0.0

    assert celf_seeds([0, 1, 2, 3], 2, spread).tolist() == [0, 1]


def test_optimised_peer_seeds_beat_random_ones() -> None:
    network = watts_strogatz(300, 6, 0.05, rng_seed=2)
    params = PeerParams(beta_peer=1.5)
    chosen = optimised_seeds(network, 3, params, shortlist=12, runs=10, steps=12)
    judge = expected_spread(network, params, runs=40, steps=12, rng_seed=7)
    rng = np.random.default_rng(0)
    random_sets = [rng.choice(network.n, 3, replace=False) for _ in range(5)]
    assert judge(chosen) >= max(judge(s) for s in random_sets)
