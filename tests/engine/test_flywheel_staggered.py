"""The wave planner's model: a launch cohort in week 0 is the forecast's extra adopters; a
later wave adopts in its own week and starts spreading from there; an exact small case."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.flywheel.data import AdoptionData, csr_from_edges, no_events
from peerwheel.engine.flywheel.forecast import forecast
from peerwheel.engine.flywheel.staggered import forecast_waves

PMF = np.array([0.0, 0.5, 0.3, 0.2])


def _data(
    n: int, edges: list[tuple[int, int]], adopted: dict[int, int], as_of_day: int
) -> AdoptionData:
    indptr, indices, weights = csr_from_edges(n, [e[0] for e in edges], [e[1] for e in edges], None)
    days = np.full(n, -1, dtype=np.int32)
    for person, day in adopted.items():
        days[person] = day
    src, tgt, kind, when = no_events()
    return AdoptionData(
        n_people=n, indptr=indptr, indices=indices, weights=weights,
        department=np.zeros(n, dtype=np.int32), adoption_day=days,
        seeded=np.zeros(n, dtype=bool), event_source=src, event_target=tgt, event_kind=kind,
        event_day=when, as_of_day=as_of_day,
    )  # fmt: skip


def _random_network(n: int = 400, degree: int = 6, seed: int = 1) -> AdoptionData:
    rng = np.random.default_rng(seed)
    edges = {
        tuple(sorted(e))
        for e in rng.integers(0, n, size=(n * degree // 2, 2)).tolist()
        if e[0] != e[1]
    }
    adopted = {
        int(p): int(d)
        for p, d in zip(rng.choice(n, 20, replace=False), rng.integers(0, 35, 20), strict=True)
    }
    return _data(n, sorted(edges), adopted, as_of_day=35)  # type: ignore[arg-type]


MODEL = {"transmission_per_tie": 0.12, "generation_pmf": PMF, "background_rate": 0.002}


def test_a_wave_in_week_zero_is_the_forecasts_extra_adopters() -> None:
    data = _random_network()
    free = np.flatnonzero(data.adoption_day < 0)[:15]
    engine = forecast(data, extra_adopters=free, weeks=12, runs=2000, seed=3, **MODEL)
    waves = forecast_waves(data, waves=[(0, free)], weeks=12, runs=2000, seed=4, **MODEL)
    assert waves.start == engine.start - free.size
    assert waves.cumulative[:, 0].min() >= engine.start  # the cohort counts from week 0
    # the same distribution: means within 3%, medians within 4 adopters, at every week
    np.testing.assert_allclose(waves.mean, engine.mean, rtol=0.03)
    assert np.abs(waves.median - engine.median).max() <= 4


def test_a_later_wave_adopts_in_its_week_and_spreads_less_by_the_end() -> None:
    data = _random_network()
    free = np.flatnonzero(data.adoption_day < 0)[:30]
    now = forecast_waves(data, waves=[(0, free)], weeks=12, runs=1000, seed=5, **MODEL)
    later = forecast_waves(data, waves=[(6, free)], weeks=12, runs=1000, seed=5, **MODEL)
    none = forecast_waves(data, weeks=12, runs=1000, seed=5, **MODEL)
    assert now.mean[-1] > later.mean[-1] > none.mean[-1]
    # the cohort (less the few who started on their own before) adopts in week 6, at once
    assert later.mean[6] - later.mean[5] >= 0.8 * free.size
    np.testing.assert_allclose(later.mean[:6], none.mean[:6], rtol=0.05)


def test_exact_small_case_one_tie_from_a_wave() -> None:
    # 2,000 separate pairs; in each, person 2i is launched in week 2 and 2i + 1 waits.
    pairs = 2000
    data = _data(2 * pairs, [(2 * i, 2 * i + 1) for i in range(pairs)], {}, as_of_day=0)
    tau = 0.6
    result = forecast_waves(
        data, transmission_per_tie=tau, generation_pmf=PMF, background_rate=0.0,
        waves=[(2, np.arange(0, 2 * pairs, 2))], weeks=6, runs=50, seed=0,
    )  # fmt: skip
    assert result.cumulative[:, :2].max() == 0
    assert (result.cumulative[:, 2] == pairs).all()
    # partner adopts in week 2 + k with hazard tau * pmf[k] (k = 1..3)
    p_by_end = 1 - np.exp(-tau * PMF[1:].sum())
    expected = pairs * (1 + p_by_end)
    assert result.mean[-1] == pytest.approx(expected, rel=0.01)


def test_bad_waves_are_named() -> None:
    data = _random_network(n=20, degree=2)
    with pytest.raises(ValueError, match=r"within 0\.\.11"):
        forecast_waves(data, waves=[(12, [1])], **MODEL)
    with pytest.raises(ValueError, match=r"outside 0\.\.19"):
        forecast_waves(data, waves=[(0, [20])], **MODEL)
