"""What-if: champions chosen by natural order, degree and IMM, and the week 50% comes forward."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from peerwheel.engine.flywheel.data import AdoptionData, csr_from_edges, no_events
from peerwheel.engine.flywheel.forecast import Forecast, forecast
from peerwheel.engine.flywheel.what_if import (
    Strategy,
    WhatIf,
    choose_champions,
    what_if,
    what_ifs,
    window_probability,
)

PMF = np.array([0.0, 0.5, 0.3, 0.2])
MODEL: dict[str, Any] = {"transmission_per_tie": 1.5, "generation_pmf": PMF, "background_rate": 0.0}


def _data(
    n: int, edges: list[tuple[int, int]], adopted: list[int], group: list[int]
) -> AdoptionData:
    indptr, indices, weights = csr_from_edges(n, [e[0] for e in edges], [e[1] for e in edges])
    days = np.full(n, -1, dtype=np.int32)
    days[adopted] = 0
    src, tgt, kind, when = no_events()
    return AdoptionData(
        n_people=n,
        indptr=indptr,
        indices=indices,
        weights=weights,
        department=np.array(group, dtype=np.int32),
        adoption_day=days,
        seeded=np.zeros(n, dtype=bool),
        event_source=src,
        event_target=tgt,
        event_kind=kind,
        event_day=when,
        as_of_day=70,
    )


def _hub_among_adopters() -> AdoptionData:
    """Person 0 has 30 ties, all to adopters (2..31): the most ties, and nobody left to reach.
    Person 1 is the centre of a star of 20 non-adopters (32..51); person 52 of a star of 12
    (53..64), in department 1 with its leaves. Everyone else is in department 0."""
    edges = [(0, v) for v in range(2, 32)]
    edges += [(1, v) for v in range(32, 52)]
    edges += [(52, v) for v in range(53, 65)]
    group = [0] * 52 + [1] * 13
    return _data(65, edges, list(range(2, 32)), group)


def test_degree_takes_the_most_ties_and_optimised_the_most_reach() -> None:
    data = _hub_among_adopters()
    p = window_probability(1.5, PMF)
    assert p == pytest.approx(1 - np.exp(-1.5))
    assert choose_champions(data, 1, "degree").tolist() == [0]
    assert choose_champions(data, 1, "optimised", tie_probability=p).tolist() == [1]
    assert choose_champions(data, 2, "optimised", tie_probability=p).tolist() == [1, 52]


def test_natural_follows_the_order_given_skipping_adopters_and_repeats() -> None:
    data = _hub_among_adopters()
    order = [5, 40, 5, 1, 40, 0, 7]  # 5 and 7 have adopted
    assert choose_champions(data, 3, Strategy.NATURAL, champion_order=order).tolist() == [40, 1, 0]


def test_a_group_limits_every_strategy_to_its_people() -> None:
    data = _hub_among_adopters()
    in_dept_1 = data.department == 1
    p = window_probability(1.5, PMF)
    assert choose_champions(data, 1, "degree", group=in_dept_1).tolist() == [52]
    assert choose_champions(data, 1, "optimised", group=in_dept_1, tie_probability=p).tolist() == [
        52
    ]
    natural = choose_champions(data, 2, "natural", champion_order=[1, 60, 52], group=in_dept_1)
    assert natural.tolist() == [60, 52]
    # a group with fewer non-adopters than asked gives what there is
    assert choose_champions(data, 50, "degree", group=in_dept_1).size == 13


def test_the_optimised_champion_brings_more_in_than_the_top_degree_one() -> None:
    data = _hub_among_adopters()
    by_degree, optimised = what_ifs(
        data, **MODEL, k=1, strategies=["degree", "optimised"], runs=500
    )
    assert by_degree.baseline is optimised.baseline
    assert by_degree.champions.tolist() == [0]
    assert by_degree.added == 1.0  # person 0 adopts and reaches nobody new
    # person 1 reaches each of 20 leaves with probability 1 - e^-1.5 = 0.78
    assert optimised.added == pytest.approx(1 + 20 * (1 - np.exp(-1.5)), abs=1.5)


def test_each_what_if_is_the_forecast_with_its_champions_run_for_run() -> None:
    data = _hub_among_adopters()
    model = MODEL | {"background_rate": 0.01}
    results = what_ifs(data, **model, k=3, runs=200, seed=4, champion_order=[40, 60, 33])
    assert [r.strategy for r in results] == list(Strategy)
    np.testing.assert_array_equal(
        results[0].baseline.cumulative,
        forecast(data, **model, runs=200, seed=4).cumulative,
    )
    for result in results:
        alone = forecast(data, **model, runs=200, seed=4, extra_adopters=result.champions)
        np.testing.assert_array_equal(result.forecast.cumulative, alone.cumulative)


def _curve(weeks: list[float], start: int = 10, first_week: int = 30) -> Forecast:
    median = np.array(weeks)
    return Forecast(
        weeks=np.arange(first_week, first_week + median.size),
        median=median,
        low=median - 1,
        high=median + 1,
        mean=median,
        start=start,
        people=100,
        cumulative=np.tile(median.astype(np.int32), (3, 1)),
        seed=0,
    )


def _what_if(without: list[float], with_them: list[float], k: int = 5) -> WhatIf:
    base, more = _curve(without), _curve(with_them)
    return WhatIf(
        strategy=Strategy.DEGREE,
        champions=np.arange(k),
        baseline=base,
        forecast=more,
        target_share=0.5,
        target=50.0,
        baseline_week=base.week_reaching(50.0),
        week=more.week_reaching(50.0),
    )


def test_the_sentence_a_lead_reads() -> None:
    earlier = _what_if([20, 30, 40, 45, 50, 60], [25, 40, 50, 60, 70, 80])
    assert (earlier.baseline_week, earlier.week, earlier.weeks_earlier) == (34, 32, 2)
    assert earlier.sentence("Legal and Finance") == (
        "5 more champions in Legal and Finance bring 50% forward by 2 weeks"
    )
    beyond = _what_if([20, 25, 30, 35, 40, 45], [25, 40, 50, 60, 70, 80], k=1)
    assert beyond.at_least and beyond.weeks_earlier == 4  # 50% after week 35 without them
    assert beyond.sentence() == "1 more champion brings 50% forward by at least 4 weeks"
    same = _what_if([20, 50, 60], [22, 51, 61])
    assert same.weeks_earlier == 0
    assert same.sentence() == "5 more champions do not bring 50% forward (add 1 adopters)"
    never = _what_if([20, 25, 30], [22, 28, 35])
    assert never.weeks_earlier is None
    assert never.sentence("Legal") == (
        "5 more champions in Legal add 5 adopters in 3 weeks; "
        "50% is not reached within the 3 weeks forecast either way"
    )


def test_what_if_reads_the_weeks_off_the_medians() -> None:
    data = _hub_among_adopters()
    result = what_if(data, **MODEL, k=2, strategy="optimised", runs=300, target_share=0.75)
    assert result.target == pytest.approx(0.75 * 65)
    assert result.baseline_week == result.baseline.week_reaching(result.target)
    assert result.week == result.forecast.week_reaching(result.target)
    assert result.forecast.start == result.baseline.start + 2
    assert np.all(result.forecast.cumulative >= result.baseline.cumulative)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "natural"}, "needs champion_order"),
        ({"strategy": "natural", "champion_order": [99]}, "champion_order: a person outside"),
        ({"strategy": "natural", "champion_order": [2, 3]}, "no non-adopter to choose from"),
        ({"strategy": "degree", "group": np.ones(3, dtype=bool)}, "group: a boolean mask"),
        ({"strategy": "degree", "group": np.ones(65)}, "group: a boolean mask"),
        ({"strategy": "degree", "k": 0}, "k must be at least 1"),
        ({"strategy": "cheapest"}, "'cheapest' is not a valid Strategy"),
        ({"strategy": "degree", "target_share": 0.0}, "target_share must be in"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, Any] = MODEL | {"k": 1, "runs": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        what_if(_hub_among_adopters(), **args)


def test_a_baseline_already_made_is_reused_and_one_made_otherwise_refused() -> None:
    data = _hub_among_adopters()
    base = forecast(data, **MODEL, runs=50, seed=1)
    reused = what_if(data, **MODEL, k=1, strategy="degree", runs=50, seed=1, baseline=base)
    assert reused.baseline is base
    with pytest.raises(ValueError, match="baseline: made with other"):
        what_if(data, **MODEL, k=1, strategy="degree", runs=50, seed=2, baseline=base)
