"""Independent cascade: backends agree, and the spread matches hand-computed expectations."""

from __future__ import annotations

import numpy as np

from peerwheel.engine.diffusion import Backend, CascadeParams, simulate
from peerwheel.engine.diffusion.cascade import edge_probabilities
from peerwheel.engine.networks import barabasi_albert, from_edges


def test_cascade_numba_and_numpy_paths_are_identical() -> None:
    network = barabasi_albert(3_000, 4, rng_seed=2)
    for params in (CascadeParams(p=0.2), CascadeParams(p=None)):
        fast = simulate(network, params, seeds=[0, 1, 2], runs=20, steps=30, rng_seed=9)
        slow = simulate(
            network, params, seeds=[0, 1, 2], runs=20, steps=30, rng_seed=9, backend=Backend.NUMPY
        )
        np.testing.assert_array_equal(fast.counts, slow.counts)


def test_cascade_on_a_star_converts_each_leaf_with_probability_p() -> None:
    leaves = 200
    network, _, _ = from_edges(np.zeros(leaves), np.arange(1, leaves + 1), leaves + 1)
    result = simulate(network, CascadeParams(p=0.3), seeds=[0], runs=400, steps=3)
    mean_new = result.counts[:, 1].mean() - 1
    assert abs(mean_new - 0.3 * leaves) < 1.5  # 400 runs: standard error about 0.32
    # the centre tries once: nothing happens after the first step
    assert (result.counts[:, 1] == result.counts[:, 3]).all()


def test_weighted_cascade_gives_each_tie_one_over_in_weight() -> None:
    network, _, _ = from_edges([0, 1, 2], [3, 3, 0], 4, weights=[1.0, 3.0, 2.0], directed=True)
    probs = edge_probabilities(network, CascadeParams(p=None))
    coo = network.adjacency.tocoo()
    got = {(int(u), int(v)): p for u, v, p in zip(coo.row, coo.col, probs, strict=True)}
    assert got == {(0, 3): 0.25, (1, 3): 0.75, (2, 0): 1.0}


def test_single_runs_with_a_shared_or_per_tie_probability_match_numpy() -> None:
    # one run takes the serial kernel; a shared p is passed as one number
    network = barabasi_albert(5_000, 6, rng_seed=4)
    seeds = np.random.default_rng(3).choice(network.n, 50, replace=False)
    for params in (CascadeParams(p=0.1), CascadeParams(p=None), CascadeParams(p=1.0)):
        for rng_seed in range(3):
            fast, slow = (
                simulate(
                    network,
                    params,
                    seeds=seeds,
                    runs=1,
                    steps=50,
                    rng_seed=rng_seed,
                    backend=backend,
                ).counts
                for backend in (Backend.NUMBA, Backend.NUMPY)
            )
            np.testing.assert_array_equal(fast, slow)
            assert fast[0, -1] > 200
