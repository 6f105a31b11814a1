"""The Bass fit recovers known curves, respects its bounds and continues from today."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.diffusion.bass import closed_form
from peerwheel.engine.flywheel.bass_fit import (
    BassFit,
    bass_curve,
    bass_fit,
    bass_share,
    bass_weekly,
)


def test_bass_share_is_the_simulators_closed_form() -> None:
    t = np.linspace(0, 40, 81)
    np.testing.assert_allclose(bass_share(0.02, 0.4, t), closed_form(0.02, 0.4, t), rtol=1e-12)


@pytest.mark.parametrize(("p", "q", "m"), [(0.01, 0.35, 800.0), (0.003, 0.6, 15_000.0)])
def test_an_exact_curve_gives_back_its_parameters(p: float, q: float, m: float) -> None:
    weekly = bass_weekly(p, q, m, 30)
    fit = bass_fit(weekly, headcount=int(m * 1.3))
    assert fit.p == pytest.approx(p, rel=1e-4)
    assert fit.q == pytest.approx(q, rel=1e-4)
    assert fit.m == pytest.approx(m, rel=1e-4)
    assert fit.weeks == 30
    assert fit.rmse < 1e-3


def test_an_exact_curve_before_its_peak_still_gives_back_its_parameters() -> None:
    # 12 weeks of p = 0.01, q = 0.5: the peak is at ln(q/p)/(p+q) = 7.7 weeks, just passed
    weekly = bass_weekly(0.01, 0.5, 2_000.0, 12)
    fit = bass_fit(weekly, headcount=5_000)
    assert (fit.p, fit.q, fit.m) == pytest.approx((0.01, 0.5, 2_000.0), rel=1e-3)


def test_noisy_counts_give_parameters_near_the_truth() -> None:
    p, q, m = 0.008, 0.4, 3_000.0
    errors = []
    for seed in range(20):
        noisy = np.random.default_rng(seed).poisson(bass_weekly(p, q, m, 35))
        fit = bass_fit(noisy, headcount=5_000)
        errors.append([fit.p / p - 1, fit.q / q - 1, fit.m / m - 1])
    err = np.abs(np.array(errors))
    # m and q are pinned down by a whole curve; p (the first weeks' few adopters) less so
    assert np.median(err, axis=0) == pytest.approx([0, 0, 0], abs=0.10)
    assert err[:, 2].max() < 0.05
    assert err[:, 1].max() < 0.15


def test_market_size_is_bounded_by_the_headcount() -> None:
    weekly = bass_weekly(0.01, 0.35, 1_500.0, 10)  # 746 adopters so far, half the market
    fit = bass_fit(weekly, headcount=1_000)
    assert fit.m == pytest.approx(1_000.0)
    assert fit.rmse > 1.0  # the curve cannot fit: it was capped


def test_market_size_is_at_least_the_adopters_so_far() -> None:
    # a steady trickle: a least-squares m would sit below what has already been seen
    weekly = np.array([5.0, 0, 0, 0, 0, 0, 0, 0, 0, 40])
    fit = bass_fit(weekly, headcount=500)
    assert fit.m >= weekly.sum() - 1e-6


def test_everyone_adopted_fixes_the_market_size() -> None:
    weekly = np.round(bass_weekly(0.05, 0.5, 100.0, 60))
    fit = bass_fit(weekly, headcount=int(weekly.sum()))
    assert fit.m == pytest.approx(weekly.sum(), rel=1e-6)


def test_the_curve_continues_an_exact_curve_from_today() -> None:
    p, q, m = 0.01, 0.35, 800.0
    fit = bass_fit(bass_weekly(p, q, m, 15), headcount=1_000)
    today = m * float(bass_share(p, q, 15))
    ahead = bass_curve(fit, today, 12)
    np.testing.assert_allclose(ahead, m * bass_share(p, q, np.arange(16, 28)), rtol=1e-4)


def test_the_curve_starts_from_the_adopters_seen_and_never_passes_m() -> None:
    fit = BassFit(p=0.01, q=0.4, m=500.0, weeks=10, rmse=0.0)
    ahead = bass_curve(fit, 300.0, 52)
    assert ahead[0] > 300.0
    assert np.all(np.diff(ahead) >= 0)
    assert ahead[-1] <= 500.0
    assert ahead[-1] == pytest.approx(500.0, rel=1e-3)
    np.testing.assert_array_equal(bass_curve(fit, 520.0, 3), [520.0] * 3)
    assert bass_curve(fit, 300.0, 0).size == 0


@pytest.mark.parametrize(
    ("weekly", "headcount", "message"),
    [
        ([1.0, 2.0], 100, "at least 3 weeks"),
        ([0.0, 0.0, 0.0], 100, "at least one adopter"),
        ([1.0, -2.0, 3.0], 100, r"weekly_new\[1\] = -2"),
        ([1.0, np.nan, 3.0], 100, r"weekly_new\[1\]"),
        ([[1.0, 2.0, 3.0]], 100, "one count per week"),
        ([60.0, 50.0, 3.0], 100, "more than the headcount of 100"),
        ([1.0, 2.0, 3.0], 0, "headcount must be at least 1"),
    ],
)
def test_bad_input_says_what_is_wrong(weekly: list[float], headcount: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bass_fit(np.array(weekly), headcount=headcount)
