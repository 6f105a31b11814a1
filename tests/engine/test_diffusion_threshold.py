"""Linear threshold model: a one-node-at-a-time reference, Granovetter (1978), both backends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerwheel.engine.diffusion import (
    Backend,
    NormalThresholds,
    ThresholdParams,
    UniformThresholds,
    parse_thresholds,
    simulate,
)
from peerwheel.engine.networks import complete_graph, from_edges, watts_strogatz


def reference_threshold(
    n: int, edges: list[tuple[int, int, int]], thresholds: list[float], seeds: list[int], steps: int
) -> list[int]:
    """Straightforward synchronous LT: every step look at every node, one at a time."""
    in_ties: dict[int, list[tuple[int, int]]] = {v: [] for v in range(n)}
    for u, v, w in edges:
        in_ties[v].append((u, w))
    adopted = set(seeds)
    counts = [len(adopted)]
    for _ in range(steps):
        new = set()
        for v in range(n):
            if v in adopted:
                continue
            total = sum(w for _, w in in_ties[v])
            active = sum(w for u, w in in_ties[v] if u in adopted)
            share = active / total if total > 0 else 0.0
            if share >= thresholds[v]:
                new.add(v)
        adopted |= new
        counts.append(len(adopted))
    return counts


@st.composite
def instances(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(2, 12))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 4))
    raw = draw(st.lists(pairs, max_size=40))
    directed = draw(st.booleans())
    thresholds = draw(
        st.lists(
            st.one_of(st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 1.0]), st.floats(0, 1)),
            min_size=n,
            max_size=n,
        )
    )
    seeds = draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
    return n, raw, directed, thresholds, seeds


@settings(max_examples=150, deadline=None)
@given(instances())
def test_threshold_trajectory_matches_one_node_at_a_time_reference(instance: tuple) -> None:
    n, raw, directed, thresholds, seeds = instance
    src = [u for u, _, _ in raw]
    dst = [v for _, v, _ in raw]
    weights = [w for _, _, w in raw]
    network, _, _ = from_edges(src, dst, n, weights=weights, directed=directed)
    coo = network.adjacency.tocoo()
    edges = [(int(u), int(v), int(w)) for u, v, w in zip(coo.row, coo.col, coo.data, strict=True)]
    expected = reference_threshold(n, edges, thresholds, seeds, steps=6)
    for backend in (Backend.NUMBA, Backend.NUMPY):
        result = simulate(
            network,
            ThresholdParams(np.asarray(thresholds)),
            seeds=seeds,
            runs=2,
            steps=6,
            backend=backend,
        )
        assert result.counts.tolist() == [expected, expected]


def test_numba_and_numpy_paths_give_identical_adoption_curves() -> None:
    network = watts_strogatz(3_000, 10, 0.1, rng_seed=3)
    rng = np.random.default_rng(0)
    seeds = np.stack([rng.choice(network.n, 30, replace=False) for _ in range(12)])
    params = ThresholdParams(UniformThresholds(0.1, 0.3))
    fast = simulate(network, params, seeds=seeds, runs=12, steps=30, rng_seed=5)
    slow = simulate(
        network, params, seeds=seeds, runs=12, steps=30, rng_seed=5, backend=Backend.NUMPY
    )
    np.testing.assert_array_equal(fast.counts, slow.counts)
    assert fast.final_sizes.max() > 100  # something spread, so the comparison means something


def granovetter_final_share(sd: float) -> float:
    population = complete_graph(1_000)
    result = simulate(
        population, ThresholdParams(NormalThresholds(0.25, sd)), runs=8, steps=200, rng_seed=7
    )
    return float(result.mean_fraction[-1])


def test_granovetter_participation_jumps_as_threshold_spread_crosses_012() -> None:
    assert granovetter_final_share(0.10) < 0.10
    assert granovetter_final_share(0.14) > 0.90


def test_thresholds_parse_from_the_command_line_spelling() -> None:
    assert parse_thresholds("uniform:0.1:0.3") == UniformThresholds(0.1, 0.3)
    assert parse_thresholds("normal:0.25:0.12") == NormalThresholds(0.25, 0.12)
    with pytest.raises(ValueError, match="0 <= A <= B <= 1"):
        parse_thresholds("uniform:0.5:1.5")
    with pytest.raises(ValueError, match="expected uniform"):
        parse_thresholds("uniform:x")


def test_negative_runs_and_too_many_seeds_are_refused() -> None:
    network = complete_graph(5)
    with pytest.raises(ValueError, match="runs must be at least 1"):
        simulate(network, ThresholdParams(), runs=-1)
    with pytest.raises(ValueError, match="seed positions"):
        simulate(network, ThresholdParams(), seeds=[9])


def test_result_json_has_t_plus_one_values_from_the_seeds() -> None:
    network = watts_strogatz(500, 6, 0.1)
    result = simulate(
        network, ThresholdParams(UniformThresholds(0.1, 0.3)), seeds=[0, 1, 2], runs=5, steps=10
    )
    data = result.to_dict()
    assert len(data["mean_fraction"]) == 11
    assert data["first_run_counts"][0] == 3
    assert len(data["final_sizes"]) == 5
    assert all(lo <= hi for lo, hi in zip(data["band_low"], data["band_high"], strict=True))
    assert data["seed"] == 0


def test_single_runs_take_the_serial_path_and_still_match_numpy() -> None:
    # one run goes through the serial kernel; unit ties skip reading the weights
    network = watts_strogatz(4_000, 12, 0.1, rng_seed=8)
    rng = np.random.default_rng(1)
    weighted, _, _ = from_edges(
        network.adjacency.tocoo().row,
        network.adjacency.tocoo().col,
        network.n,
        weights=rng.integers(1, 6, network.adjacency.nnz),
        directed=True,
    )
    seeds = rng.choice(network.n, 40, replace=False)
    for graph in (network, weighted):
        for spec in (UniformThresholds(0.1, 0.3), NormalThresholds(0.2, 0.1)):
            for rng_seed in range(3):
                runs = [
                    simulate(
                        graph,
                        ThresholdParams(spec),
                        seeds=seeds,
                        runs=1,
                        steps=40,
                        rng_seed=rng_seed,
                        backend=backend,
                    ).counts
                    for backend in (Backend.NUMBA, Backend.NUMPY)
                ]
                np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0][0, -1] > 1_000  # the last case spread widely


def test_a_threshold_exactly_at_a_reachable_share_adopts() -> None:
    # node 3's in-ties weigh 1, 2 and 3: seeds 0, 1 and both give shares 1/6, 2/6 and 3/6,
    # which meet thresholds equal to them and not ones just above (the kernel's integer need
    # must reproduce the numpy path's float test exactly)
    network, _, _ = from_edges([0, 1, 2], [3, 3, 3], 4, weights=[1, 2, 3], directed=True)
    third = np.float64(1) / np.float64(6)
    for seeds, share in (([0], third), ([1], 2 * third), ([0, 1], 0.5)):
        for bump, expected in ((0.0, 2), (1e-12, 1)):
            thresholds = np.array([1.0, 1.0, 1.0, share + bump])
            counts = [
                simulate(
                    network,
                    ThresholdParams(thresholds),
                    seeds=seeds,
                    runs=1,
                    steps=2,
                    backend=backend,
                ).counts[0, -1]
                for backend in (Backend.NUMBA, Backend.NUMPY)
            ]
            assert counts == [len(seeds) + expected - 1] * 2
