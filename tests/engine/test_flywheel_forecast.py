"""The forecast's Monte Carlo: exact answers on small cases, the numpy sweep's distribution,
reproducible runs whatever the threads, and clear errors."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import pytest

from peerwheel.engine.flywheel.data import AdoptionData, csr_from_edges, no_events
from peerwheel.engine.flywheel.forecast import forecast, forecast_numpy, forecast_variants

PMF = np.array([0.0, 0.5, 0.3, 0.2])


def _data(
    n: int,
    edges: list[tuple[int, int]],
    adoption_day: dict[int, int],
    as_of_day: int,
    weights: list[float] | None = None,
) -> AdoptionData:
    a = [e[0] for e in edges]
    b = [e[1] for e in edges]
    indptr, indices, w = csr_from_edges(n, a, b, weights)
    days = np.full(n, -1, dtype=np.int32)
    for person, day in adoption_day.items():
        days[person] = day
    src, tgt, kind, when = no_events()
    return AdoptionData(
        n_people=n,
        indptr=indptr,
        indices=indices,
        weights=w,
        department=np.zeros(n, dtype=np.int32),
        adoption_day=days,
        seeded=np.zeros(n, dtype=bool),
        event_source=src,
        event_target=tgt,
        event_kind=kind,
        event_day=when,
        as_of_day=as_of_day,
    )


def _pairs(count: int, adopted_day: int, as_of_day: int) -> AdoptionData:
    """`count` separate pairs: in each, person 2i adopted on `adopted_day`, 2i + 1 has not."""
    edges = [(2 * i, 2 * i + 1) for i in range(count)]
    return _data(2 * count, edges, {2 * i: adopted_day for i in range(count)}, as_of_day)


def test_one_tie_fires_in_each_week_with_the_generation_intervals_hazard() -> None:
    # adopted in week 9; as of week 10's Monday: week 10 is lag 1, week 11 lag 2, week 12 lag 3
    data = _pairs(5_000, adopted_day=65, as_of_day=70)
    tau = 0.8
    fc = forecast(data, transmission_per_tie=tau, generation_pmf=PMF, background_rate=0.0, runs=8)
    assert fc.weeks.tolist() == list(range(10, 22))
    assert fc.start == 5_000
    converted = fc.mean - 5_000
    expected = 5_000 * -np.expm1(-tau * np.cumsum(PMF)[1:])  # by the end of lags 1, 2, 3
    se = np.sqrt(expected * (1 - expected / 5_000) / 8)
    assert np.all(np.abs(converted[:3] - expected) < 4 * se)
    assert np.all(converted[3:] == converted[2])  # the window is closed after lag 3


def test_an_adopter_whose_window_has_closed_brings_nobody_in() -> None:
    data = _pairs(200, adopted_day=0, as_of_day=28)  # adopted in week 0; lag 4 is past K = 3
    fc = forecast(data, transmission_per_tie=50.0, generation_pmf=PMF, background_rate=0.0)
    assert np.all(fc.cumulative == 200)


def test_only_what_is_left_of_the_window_counts() -> None:
    # adopted in week 7, as of week 10: only lag 3 (0.2 of the pmf) is left
    data = _pairs(5_000, adopted_day=49, as_of_day=70)
    tau = 2.0
    fc = forecast(data, transmission_per_tie=tau, generation_pmf=PMF, background_rate=0.0, runs=8)
    expected = 5_000 * -np.expm1(-tau * 0.2)
    assert fc.mean[0] - 5_000 == pytest.approx(expected, rel=0.03)
    assert np.all(fc.mean[1:] == fc.mean[0])


def test_background_alone_follows_the_exponential_with_a_partial_first_week() -> None:
    # nobody has adopted, no ties; as of a Thursday (day 4 of the week): 3/7 of week 0 is left
    data = _data(20_000, [], {}, as_of_day=7 * 30 + 4)
    b = 0.02
    fc = forecast(data, transmission_per_tie=1.0, generation_pmf=PMF, background_rate=b, runs=20)
    weeks_left = 3 / 7 + np.arange(12)
    expected = 20_000 * -np.expm1(-b * weeks_left)
    se = np.sqrt(expected * (1 - expected / 20_000) / 20)
    assert np.all(np.abs(fc.mean - expected) < 4 * se + 1e-9)
    assert fc.weeks[0] == 30


def test_tie_weights_scale_the_transmission() -> None:
    # two pairs of 2,000: ties of weight 0.25 and 1; adopted in week 9, as of week 10
    count = 2_000
    edges = [(2 * i, 2 * i + 1) for i in range(2 * count)]
    weights = [0.25] * count + [1.0] * count
    data = _data(4 * count, edges, {2 * i: 65 for i in range(2 * count)}, 70, weights)
    fc = forecast(data, transmission_per_tie=1.0, generation_pmf=PMF, background_rate=0.0, runs=1)
    run = fc.cumulative[0]
    expected = count * (-np.expm1(-0.25)) + count * (-np.expm1(-1.0))
    assert run[-1] - 2 * count == pytest.approx(expected, rel=0.05)


def test_the_compiled_forecast_and_the_numpy_sweep_agree_in_distribution() -> None:
    rng = np.random.default_rng(7)
    n = 400
    a, b = rng.integers(0, n, 2_400), rng.integers(0, n, 2_400)
    weights = rng.choice([0.5, 1.0], size=2_400).tolist()
    adopted = {
        int(v): int(d)
        for v, d in zip(rng.choice(n, 40, replace=False), rng.integers(40, 74, 40), strict=True)
    }
    data = _data(n, list(zip(a.tolist(), b.tolist(), strict=True)), adopted, 74, weights)
    model: dict[str, Any] = {
        "transmission_per_tie": 0.15,
        "generation_pmf": PMF,
        "background_rate": 0.004,
    }
    extra = np.flatnonzero(data.adoption_day < 0)[:3]
    ours = forecast(data, **model, runs=4_000, seed=1, extra_adopters=extra)
    sweep = forecast_numpy(data, **model, runs=4_000, seed=2, extra_adopters=extra)
    se = np.sqrt(ours.cumulative.var(axis=0) / 4_000 + sweep.cumulative.var(axis=0) / 4_000)
    assert ours.mean[-1] > ours.start + 50  # the cascade did spread
    assert np.all(np.abs(ours.mean - sweep.mean) < 4 * se)
    assert np.all(np.abs(ours.high - sweep.high) <= 0.05 * sweep.high)
    assert np.all(np.abs(ours.low - sweep.low) <= 0.05 * sweep.low)


def _spread_data() -> AdoptionData:
    rng = np.random.default_rng(3)
    n = 1_000
    edges = list(
        zip(rng.integers(0, n, 4_000).tolist(), rng.integers(0, n, 4_000).tolist(), strict=True)
    )
    adopted = {int(v): 60 + int(v) % 10 for v in rng.choice(n, 60, replace=False)}
    return _data(n, edges, adopted, 70)


MODEL: dict[str, Any] = {
    "transmission_per_tie": 0.2,
    "generation_pmf": PMF,
    "background_rate": 0.002,
}


def test_the_same_seed_gives_the_same_runs_on_any_number_of_threads() -> None:
    data = _spread_data()
    first = forecast(data, **MODEL, runs=301, seed=5)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        single = forecast(data, **MODEL, runs=301, seed=5)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(first.cumulative, single.cumulative)
    other = forecast(data, **MODEL, runs=301, seed=6)
    assert not np.array_equal(first.cumulative, other.cumulative)


def test_curves_rise_and_the_band_holds_the_median() -> None:
    fc = forecast(_spread_data(), **MODEL, runs=500)
    assert np.all(np.diff(fc.cumulative, axis=1) >= 0)
    assert np.all(fc.low <= fc.median) and np.all(fc.median <= fc.high)
    assert np.all(fc.cumulative[:, 0] >= fc.start)
    assert fc.runs == 500 and fc.people == 1_000
    assert fc.week_reaching(fc.start) == 10
    assert fc.week_reaching(2_000) is None
    reached = fc.week_reaching(float(fc.median[5]))
    assert reached is not None and reached <= 15


def test_extra_adopters_only_ever_add_adopters_run_by_run() -> None:
    data = _spread_data()
    base = forecast(data, **MODEL, runs=400, seed=9)
    extra = np.flatnonzero(data.adoption_day < 0)[:10]
    more = forecast(data, **MODEL, runs=400, seed=9, extra_adopters=extra)
    assert more.start == base.start + 10
    # the same coins: every run with them is the run without them plus what they set off
    assert np.all(more.cumulative >= base.cumulative)
    assert np.all(more.cumulative[:, 0] >= base.start + 10)
    assert more.mean[-1] > base.mean[-1] + 10  # and they bring others in


def test_variants_in_one_pass_equal_separate_forecasts_run_for_run() -> None:
    data = _spread_data()
    free = np.flatnonzero(data.adoption_day < 0)
    sets = [free[:5], free[100:101], free[200:240]]
    model = MODEL | {"transmission_cv": 0.2, "background_cv": 0.3}
    baseline, *variants = forecast_variants(data, sets, **model, runs=300, seed=3)
    np.testing.assert_array_equal(
        baseline.cumulative,
        forecast(data, **model, runs=300, seed=3).cumulative,
    )
    for extra, variant in zip(sets, variants, strict=True):
        alone = forecast(data, **model, runs=300, seed=3, extra_adopters=extra)
        assert variant.start == baseline.start + extra.size
        np.testing.assert_array_equal(variant.cumulative, alone.cumulative)


def test_estimate_uncertainty_widens_the_band_not_the_centre() -> None:
    data = _spread_data()
    plain = forecast(data, **MODEL, runs=2_000)
    unsure = forecast(data, **MODEL, runs=2_000, transmission_cv=0.3, background_cv=0.3)
    assert unsure.high[-1] - unsure.low[-1] > 1.2 * (plain.high[-1] - plain.low[-1])
    assert unsure.median[-1] == pytest.approx(plain.median[-1], rel=0.1)


def test_source_factors_make_some_adopters_transmit_more() -> None:
    data = _pairs(3_000, adopted_day=65, as_of_day=70)
    factor = np.where(np.arange(6_000) < 3_000, 2.0, 1.0)  # the first 1,500 pairs' adopters
    fc = forecast(
        data,
        transmission_per_tie=0.3,
        generation_pmf=PMF,
        background_rate=0.0,
        runs=1,
        source_factor=factor,
    )
    expected = 1_500 * (-np.expm1(-0.6)) + 1_500 * (-np.expm1(-0.3))
    assert fc.cumulative[0, -1] - 3_000 == pytest.approx(expected, rel=0.06)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"generation_pmf": [0.5]}, "weeks 0..K"),
        ({"generation_pmf": [0.0, -0.1, 1.0]}, "not negative"),
        ({"transmission_per_tie": float("nan")}, "transmission_per_tie must be finite"),
        ({"background_rate": -1.0}, "background_rate must be finite and not negative"),
        ({"weeks": 0}, "weeks must be between 1"),
        ({"runs": 0}, "runs must be at least 1"),
        ({"extra_adopters": [5_000]}, "extra_adopters: a person outside"),
        ({"extra_adopters": [0]}, "person 0 has already adopted"),
        ({"source_factor": np.ones(3)}, "source_factor: one finite factor"),
        ({"transmission_cv": -0.1}, "coefficient of variation"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, Any] = {
        "transmission_per_tie": 0.1,
        "generation_pmf": PMF,
        "background_rate": 0.0,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        forecast(_pairs(10, 65, 70), **args)
