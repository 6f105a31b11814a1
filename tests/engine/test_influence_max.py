"""IMM's machinery: RR sets estimate single-node spreads, the lazy greedy is the plain greedy,
and the draws do not depend on the number of threads."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine import influence_max
from peerwheel.engine.diffusion import CascadeParams, ThresholdParams, UniformThresholds, simulate
from peerwheel.engine.influence_max import (
    CoverIndex,
    RRSets,
    greedy_cover,
    imm,
    in_graph,
    sample_rr_sets,
)
from peerwheel.engine.networks import from_edges, watts_strogatz


@pytest.mark.parametrize(
    ("params", "model"),
    [
        (CascadeParams(p=0.15), CascadeParams(p=0.15)),
        (CascadeParams(p=None), CascadeParams(p=None)),
        # Kempe's live-edge form of the linear threshold model needs thresholds U(0, 1)
        (ThresholdParams(), ThresholdParams(UniformThresholds(0.0, 1.0))),
    ],
)
def test_rr_sets_estimate_each_nodes_spread(
    params: CascadeParams | ThresholdParams, model: CascadeParams | ThresholdParams
) -> None:
    # n * P(u in a random RR set) = expected spread of {u} (Borgs et al. 2014); the ties are
    # directed, so sets grown forward instead of in reverse would miss
    rng = np.random.default_rng(3)
    src, dst = rng.integers(0, 200, 900), rng.integers(0, 200, 900)
    network, _, _ = from_edges(src, dst, 200, weights=rng.integers(1, 4, 900), directed=True)
    sets = sample_rr_sets(in_graph(network, params), 200_000, rng_seed=4)
    hits = np.bincount(sets.nodes, minlength=network.n) * network.n / sets.count
    for node in (0, 1, 50, 199):
        truth = simulate(network, model, seeds=[node], runs=4_000, steps=200, rng_seed=5)
        mean = truth.final_sizes.mean()
        # both are means of many draws: allow 5% plus a little for small spreads
        assert abs(hits[node] - mean) < 0.05 * mean + 0.1


def reference_greedy(sets: list[set[int]], n: int, k: int) -> tuple[list[int], int]:
    left = [set(s) for s in sets]
    chosen: list[int] = []
    total = 0
    for _ in range(k):
        gains = [sum(v in s for s in left) if v not in chosen else -1 for v in range(n)]
        best = int(np.argmax(gains))  # first of the largest: the lowest position
        chosen.append(best)
        total += gains[best]
        left = [s for s in left if best not in s]
    return chosen, total


def test_lazy_greedy_picks_what_the_plain_greedy_picks() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        n = int(rng.integers(3, 15))
        sets = [
            set(rng.choice(n, int(rng.integers(1, 4)), replace=False).tolist())
            for _ in range(int(rng.integers(1, 40)))
        ]
        k = int(rng.integers(1, n + 1))
        ptr = np.cumsum([0] + [len(s) for s in sets]).astype(np.int64)
        nodes = np.array([v for s in sets for v in sorted(s)], dtype=np.int32)
        chosen, total = greedy_cover(RRSets(ptr, nodes), n, k)
        expected, expected_total = reference_greedy(sets, n, k)
        assert chosen.tolist() == expected
        assert total == expected_total
        # indexed in two batches, as IMM's estimation phase does when it doubles the sets
        half = len(sets) // 2
        index = CoverIndex(n)
        index.cover(RRSets(ptr[: half + 1], nodes[: ptr[half]]), k)
        assert index.cover(RRSets(ptr, nodes), k)[0].tolist() == expected


def test_rr_sets_do_not_depend_on_the_number_of_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    network = watts_strogatz(2_000, 10, 0.1, rng_seed=1)
    graph = in_graph(network, CascadeParams(p=None))
    count = 3 * influence_max.BLOCK + 17
    many = sample_rr_sets(graph, count, rng_seed=9)
    monkeypatch.setattr(influence_max.sampling, "_threads", lambda: 1)
    one = sample_rr_sets(graph, count, rng_seed=9)
    np.testing.assert_array_equal(many.ptr, one.ptr)
    np.testing.assert_array_equal(many.nodes, one.nodes)
    assert many.count == count
    other = sample_rr_sets(graph, count, rng_seed=10)
    assert not np.array_equal(other.nodes[:1000], many.nodes[:1000])


def test_imm_picks_the_hubs_of_two_stars_and_estimates_their_spread() -> None:
    # two stars (centres 0 and 10, nine leaves each) and a loose pair: p = 1 spreads fully
    src = [0] * 9 + [10] * 9 + [20]
    dst = list(range(1, 10)) + list(range(11, 20)) + [21]
    network, _, _ = from_edges(src, dst, 22, directed=True)
    result = imm(network, 2, CascadeParams(p=1.0), epsilon=0.2, rng_seed=1)
    assert result.seeds.tolist() == [0, 10]
    assert result.estimated_spread == pytest.approx(20, rel=0.1)
    assert result.lower_bound <= 20


def test_bad_arguments_are_refused() -> None:
    network = watts_strogatz(50, 4, 0.1)
    with pytest.raises(ValueError, match="between 1 and"):
        imm(network, 0, CascadeParams())
    with pytest.raises(ValueError, match="epsilon"):
        imm(network, 2, CascadeParams(), epsilon=1.5)
