"""The scenario presets, each run at seed 42 on the demo organisation: the story they tell."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.demo_org import generate_demo_org
from peerwheel.engine.diffusion import Cadence, SimulationResult, simulate
from peerwheel.engine.networks import Network, from_edges
from peerwheel.engine.scenarios import PRESETS, Scenario, preset
from peerwheel.engine.seeding import SeedStrategy, choose_seeds

RUNS, WEEKS = 20, 26


@pytest.fixture(scope="module")
def company() -> Network:
    org = generate_demo_org()
    ties = org.ties
    network, _, _ = from_edges(
        ties["source"],
        ties["target"],
        len(org.people),
        weights=ties["weight"],
        node_ids=org.people["employee_id"],
    )
    return network.with_groups(
        department=org.people["department"].to_numpy(), site=org.people["site"].to_numpy()
    )


def run(network: Network, scenario: Scenario) -> SimulationResult:
    seeds = choose_seeds(
        network, scenario.strategy, scenario.k, params=scenario.peer_params(), rng_seed=42
    )
    return simulate(
        network, scenario.peer_params(), seeds=seeds, runs=RUNS, steps=WEEKS, rng_seed=42
    )


@pytest.fixture(scope="module")
def results(company: Network) -> dict[str, SimulationResult]:
    return {scenario.key: run(company, scenario) for scenario in PRESETS}


def test_every_preset_runs_at_seed_42(results: dict[str, SimulationResult]) -> None:
    for key, result in results.items():
        assert result.seed == 42, key
        assert result.counts.shape == (RUNS, WEEKS + 1), key
        assert np.all(np.diff(result.counts, axis=1) >= 0), key  # cumulative
        assert 0 < result.mean_fraction[-1] <= 1, key
    champions = {key: int(r.counts[0, 0]) for key, r in results.items()}
    assert champions == {
        "mandate-only": 0,
        "appointed": 15,
        "natural": 15,
        "natural-show-and-tell": 15,
        "natural-show-and-tell-failure": 15,
    }


def test_natural_champions_and_show_and_tell_beat_a_mandate(
    results: dict[str, SimulationResult],
) -> None:
    final = {key: float(r.mean_fraction[-1]) for key, r in results.items()}
    assert final["natural-show-and-tell"] > final["mandate-only"] + 0.15
    assert final["natural"] > final["appointed"] > final["mandate-only"]
    assert final["natural-show-and-tell"] > final["natural"]
    half = {key: r.median_time_to_half for key, r in results.items()}
    assert half["natural-show-and-tell"] is not None
    assert half["mandate-only"] is None or half["natural-show-and-tell"] < half["mandate-only"]


def test_a_mandate_trains_people_but_moves_nobody_by_itself(
    company: Network, results: dict[str, SimulationResult]
) -> None:
    mandated = results["mandate-only"]
    assert mandated.state_fraction("trained")[-1] > 0.85
    unmandated = run(company, preset("mandate-only").with_changes(mandate_week=None))
    np.testing.assert_array_equal(mandated.counts, unmandated.counts)


def test_a_visible_failure_in_week_6_dents_the_curve(
    results: dict[str, SimulationResult],
) -> None:
    clean = results["natural-show-and-tell"].mean_fraction
    failed = results["natural-show-and-tell-failure"].mean_fraction
    np.testing.assert_array_equal(clean[:6], failed[:6])  # same draws until the failure
    gap = clean - failed
    assert gap[10] > 0.03  # four weeks of hesitation
    assert gap[-1] > 0


def test_scenarios_round_trip_and_reject_nonsense() -> None:
    for scenario in PRESETS:
        assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert preset("natural").peer_params().show_and_tell is Cadence.NONE
    assert preset("natural-show-and-tell-failure").peer_params().failure_weeks == (6,)
    with pytest.raises(ValueError, match="friction"):
        preset("natural").with_changes(friction=1.5)
    with pytest.raises(ValueError, match="unknown scenario 'x'; choose one of mandate-only"):
        preset("x")


def test_choose_seeds_by_name(company: Network) -> None:
    assert choose_seeds(company, None, 5).size == 0
    degree = choose_seeds(company, SeedStrategy.DEGREE, 5)
    assert np.all(company.out_weight[degree] >= np.sort(company.out_weight)[-5])
    natural = choose_seeds(company, SeedStrategy.NATURAL, 8)
    departments = set(company.groups["department"][natural])
    assert len(departments) == 8  # one from each department before a second from any
    ranked = ["E00010", "E00020"]
    topped = choose_seeds(company, SeedStrategy.NATURAL, 4, natural_ids=ranked)
    assert set(company.indices_of(ranked)) <= set(topped.tolist()) and topped.size == 4
    hr = choose_seeds(
        company, SeedStrategy.APPOINTED, 5, appointed_group=("department", ["People"]), rng_seed=1
    )
    assert set(company.groups["department"][hr]) == {"People"}
    with pytest.raises(ValueError, match="between 1 and the 600 nodes"):
        choose_seeds(company, SeedStrategy.PAGERANK, 601)
