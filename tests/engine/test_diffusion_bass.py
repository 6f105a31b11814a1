"""Bass model: the simulated mean tracks the discrete recursion and the continuous curve."""

from __future__ import annotations

import numpy as np

from peerwheel.engine.diffusion import BassParams, simulate
from peerwheel.engine.diffusion.bass import closed_form, discrete_recursion


def test_bass_mean_tracks_discrete_recursion_at_every_step() -> None:
    result = simulate(None, BassParams(p=0.03, q=0.38, people=10_000), runs=100, steps=40)
    expected = discrete_recursion(0.03, 0.38, 40)
    assert np.abs(result.mean_fraction - expected).max() < 0.01


def test_bass_with_50_substeps_tracks_the_continuous_closed_form() -> None:
    params = BassParams(p=0.03, q=0.38, people=10_000, substeps=50)
    result = simulate(None, params, runs=100, steps=40, rng_seed=3)
    expected = closed_form(0.03, 0.38, np.arange(41))
    assert np.abs(result.mean_fraction - expected).max() < 0.01


def test_bass_recursion_hand_computed_first_steps() -> None:
    # F1 = p = 0.1; F2 = 0.1 + (0.1 + 0.5 * 0.1) * 0.9 = 0.235
    np.testing.assert_allclose(discrete_recursion(0.1, 0.5, 2), [0.0, 0.1, 0.235])


def test_bass_without_imitation_or_innovation_never_moves() -> None:
    result = simulate(None, BassParams(p=0.0, q=0.9, people=1_000), runs=3, steps=10)
    assert result.final_sizes.tolist() == [0, 0, 0]
