"""Synthetic survey waves: import format, given latent peer influence, reverse-coded items."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.study import (
    SimulationSpec,
    load_instrument,
    score_scales,
    simulate_responses,
    validate_responses,
)

INSTRUMENT = load_instrument()


def test_a_simulated_wave_is_a_valid_responses_frame() -> None:
    df = simulate_responses(200, seed=1, n_teams=20)
    items = [i.key for i in INSTRUMENT.items]
    assert df[items].isin(range(1, 6)).all().all()
    assert set(df["heavy_user"]) == {0, 1} and set(df["agent_user"]) == {0, 1}
    assert df["team"].nunique() == 20
    assert validate_responses(df, INSTRUMENT).n == 200


def test_simulation_is_reproducible_from_its_seed() -> None:
    a = simulate_responses(100, seed=3)
    assert a.equals(simulate_responses(100, seed=3))
    assert not a.equals(simulate_responses(100, seed=4))


def test_reverse_coded_items_are_written_reversed() -> None:
    df = simulate_responses(2000, seed=2)
    # Raw answers to a reverse-coded item run against the other items of the construct...
    assert np.corrcoef(df["leader_consistency_1"], df["leader_consistency_4"])[0, 1] < -0.3
    # ... and with the same sign once scored.
    flipped = 6 - df["leader_consistency_4"]
    assert np.corrcoef(df["leader_consistency_1"], flipped)[0, 1] > 0.3


def test_a_given_latent_peer_influence_drives_the_peer_scale_and_teams_are_kept() -> None:
    rng = np.random.default_rng(0)
    latent = rng.normal(10.0, 3.0, size=500)  # any location and scale: it is standardised
    teams = np.repeat([f"team-{k}" for k in range(25)], 20)
    df = simulate_responses(500, seed=5, peer_influence=latent, teams=teams)
    scores = score_scales(df, INSTRUMENT)
    assert np.corrcoef(latent, scores["peer_influence"])[0, 1] > 0.85
    # Other constructs follow their correlation with peer influence (0.35 for mandate).
    assert np.corrcoef(latent, scores["leader_mandate"])[0, 1] == pytest.approx(0.3, abs=0.1)
    assert (df["team"].to_numpy() == teams).all()
    with pytest.raises(ValueError, match="peer_influence must be 500 finite values"):
        simulate_responses(500, seed=5, peer_influence=np.zeros(500))


def test_stronger_peer_coefficients_give_more_heavy_users_among_high_peer_people() -> None:
    spec = SimulationSpec(
        true_coefs={"heavy_user": {"peer_influence": 2.0}, "agent_user": {}},
        intercepts={"heavy_user": 0.0, "agent_user": -1.0},
    )
    df = simulate_responses(3000, seed=6, spec=spec)
    peer = score_scales(df, INSTRUMENT)["peer_influence"]
    high, low = df["heavy_user"][peer > peer.median()], df["heavy_user"][peer < peer.median()]
    assert high.mean() - low.mean() > 0.4


def test_missing_rate_blanks_item_answers_only() -> None:
    df = simulate_responses(400, seed=7, missing_rate=0.05)
    items = [i.key for i in INSTRUMENT.items]
    assert df[items].isna().mean().mean() == pytest.approx(0.05, abs=0.01)
    assert df[["heavy_user", "agent_user", "team"]].notna().all().all()
