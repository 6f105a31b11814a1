"""The peer-influence model: scenario levers and the calibration to the survey study."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.calibration import Survey, calibrate, survey_effects
from peerwheel.engine.diffusion import Cadence, LeaderStyle, PeerParams, Rollout, simulate
from peerwheel.engine.networks import Network, read_edge_list, watts_strogatz

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def email() -> Network:
    if not (DATA / "email-eu-core-edges.csv").exists():
        pytest.skip("shared data not present")
    network, _ = read_edge_list(DATA / "email-eu-core-edges.csv")
    departments = pd.read_csv(DATA / "email-eu-core-departments.csv", dtype=str)
    labels = departments.set_index("node").loc[network.node_ids, "department"]
    return network.with_groups(department=labels.to_numpy())


SEEDS = np.arange(10)


def final_share(network: Network, params: PeerParams, steps: int = 26) -> float:
    result = simulate(network, params, seeds=SEEDS, runs=20, steps=steps, rng_seed=42)
    return float(result.mean_fraction[-1])


def test_mandate_trains_everyone_but_has_no_direct_effect_on_use(email: Network) -> None:
    base = PeerParams()
    plain = simulate(email, base, seeds=SEEDS, runs=10, steps=20, rng_seed=42)
    mandated = simulate(
        email, replace(base, mandate_week=2), seeds=SEEDS, runs=10, steps=20, rng_seed=42
    )
    np.testing.assert_array_equal(plain.counts, mandated.counts)
    assert mandated.state_fraction("trained")[-1] > 0.85
    assert plain.state_fraction("trained")[-1] == 0
    forced = simulate(
        email,
        replace(base, mandate_week=2, mandate_effect=1.0),
        seeds=SEEDS,
        runs=10,
        steps=20,
        rng_seed=42,
    )
    assert forced.mean_fraction[-1] > plain.mean_fraction[-1] + 0.05


def test_levers_move_adoption_the_way_the_research_says(email: Network) -> None:
    base = PeerParams()
    reference = final_share(email, base)
    assert final_share(email, replace(base, show_and_tell=Cadence.WEEKLY)) > reference
    assert final_share(email, replace(base, failure_weeks=(6,))) < reference
    assert final_share(email, replace(base, leader=LeaderStyle.BURSTY)) < reference
    assert final_share(email, replace(base, safety=1.0)) > reference
    assert final_share(email, replace(base, friction=1.0)) < reference
    assert final_share(email, replace(base, beta_peer=0.0)) < reference


def test_nobody_outside_the_pilot_adopts_before_their_site_goes_live() -> None:
    network = watts_strogatz(400, 8, 0.1)
    sites = np.where(np.arange(400) < 200, "north", "south")
    network = network.with_groups(site=sites)
    rollout = Rollout(pilot=tuple(range(10)), waves=((8, ("south",)),))
    result = simulate(
        network, PeerParams(rollout=rollout, a_explore=-1.0), runs=5, steps=12, rng_seed=1
    )
    north = result.breakdowns["site"].mean_fraction[0]
    south = result.breakdowns["site"].mean_fraction[1]
    assert north[7] <= 10 / 200  # only the pilot
    assert south[7] == 0
    assert south[12] > 0.1


def test_breakdowns_add_up_to_the_total(email: Network) -> None:
    result = simulate(email, PeerParams(), seeds=SEEDS, runs=4, steps=10)
    dept = result.breakdowns["department"]
    total = (dept.mean_fraction * dept.sizes[:, None]).sum(axis=0)
    np.testing.assert_allclose(total, result.counts.mean(axis=0))
    states = sum(result.state_counts[s] for s in ("explorer", "regular", "heavy"))
    np.testing.assert_array_equal(states, result.counts)


def test_calibration_hits_the_published_effects_within_one_point(email: Network) -> None:
    survey = Survey(week=26, runs=40, rng_seed=0)
    calibration = calibrate(email, seeds=SEEDS, survey=survey)
    assert abs(calibration.heavy_effect - 8.9) < 0.1
    assert abs(calibration.agent_effect - 10.4) < 0.1
    # measured again in an independent survey of the same organisation
    heavy, agent = survey_effects(
        email, calibration.params, seeds=SEEDS, survey=replace(survey, rng_seed=5)
    )
    assert abs(heavy - 8.9) < 1.0
    assert abs(agent - 10.4) < 1.0
