"""Complex contagion against Centola (Science 2010) and Centola and Macy (2007)."""

from __future__ import annotations

import numpy as np

from peerwheel.engine.diffusion import Backend, CascadeParams, ComplexParams, simulate
from peerwheel.engine.networks import degree_preserving_twin, ring_lattice

N, DEGREE, STEPS = 2_000, 8, 400


def centola_pair() -> tuple:
    lattice = ring_lattice(N, DEGREE)
    twin = degree_preserving_twin(lattice, rng_seed=1)
    return lattice, twin


def test_twin_keeps_every_degree_and_loses_the_clustering() -> None:
    lattice, twin = centola_pair()
    np.testing.assert_array_equal(lattice.in_weight, twin.in_weight)
    shared = lattice.adjacency.multiply(twin.adjacency).nnz
    assert shared < 0.05 * lattice.adjacency.nnz


def test_complex_contagion_reaches_more_sooner_on_the_clustered_lattice() -> None:
    lattice, twin = centola_pair()
    seeds = np.arange(DEGREE // 2 + 1)  # a node and its neighbours on one side
    params = ComplexParams(k=2)
    on_lattice = simulate(lattice, params, seeds=seeds, runs=1, steps=STEPS)
    on_twin = simulate(twin, params, seeds=seeds, runs=1, steps=STEPS)
    assert on_lattice.final_sizes[0] == N
    assert on_twin.final_sizes[0] < 0.05 * N
    assert (on_lattice.counts[0] >= on_twin.counts[0]).all()


def test_simple_contagion_does_the_opposite_and_spreads_sooner_on_the_random_twin() -> None:
    lattice, twin = centola_pair()
    seeds = np.arange(DEGREE // 2 + 1)
    params = CascadeParams(p=0.5)
    on_lattice = simulate(lattice, params, seeds=seeds, runs=20, steps=STEPS, rng_seed=2)
    on_twin = simulate(twin, params, seeds=seeds, runs=20, steps=STEPS, rng_seed=2)
    assert on_twin.median_time_to_half is not None
    assert on_lattice.median_time_to_half is not None
    assert on_twin.median_time_to_half < on_lattice.median_time_to_half / 5
    assert on_twin.mean_fraction[-1] >= on_lattice.mean_fraction[-1] - 0.01


def test_complex_contagion_backends_agree() -> None:
    lattice, twin = centola_pair()
    rng = np.random.default_rng(4)
    seeds = np.stack([rng.choice(N, 60, replace=False) for _ in range(6)])
    for network in (lattice, twin):
        fast = simulate(network, ComplexParams(k=2), seeds=seeds, runs=6, steps=50)
        slow = simulate(
            network, ComplexParams(k=2), seeds=seeds, runs=6, steps=50, backend=Backend.NUMPY
        )
        np.testing.assert_array_equal(fast.counts, slow.counts)
