"""The simulator's outputs, as docs/metrics.md defines them, on a result worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.diffusion.result import ModelKind, SimulationResult
from peerwheel.engine.sweep import summarise


def _result(counts: list[list[int]], heavy: list[list[int]] | None = None) -> SimulationResult:
    states = {} if heavy is None else {"heavy": np.array(heavy, dtype=np.int64)}
    return SimulationResult(
        model=ModelKind.PEER,
        people=10,
        counts=np.array(counts, dtype=np.int64),
        seed=1,
        seconds=0.1,
        state_counts=states,
    )


def test_curves_are_cumulative_shares_with_a_five_to_ninety_five_percent_band() -> None:
    result = _result([[1, 2, 6], [1, 4, 8], [1, 1, 2]])

    np.testing.assert_allclose(result.mean_fraction, [0.1, 7 / 30, 16 / 30])
    np.testing.assert_allclose(result.band_low, np.quantile(result.counts / 10, 0.05, axis=0))
    np.testing.assert_allclose(result.band_high, np.quantile(result.counts / 10, 0.95, axis=0))
    assert result.first_run_counts.tolist() == [1, 2, 6]
    assert result.final_sizes.tolist() == [6, 8, 2]


def test_time_to_half_is_the_first_step_at_half_and_its_median_needs_most_runs_there() -> None:
    result = _result([[1, 5, 9], [1, 2, 6], [1, 1, 2]])  # half of 10 people: step 1, step 2, never

    assert result.time_to_half[:2].tolist() == [1.0, 2.0] and np.isnan(result.time_to_half[2])
    assert result.median_time_to_half == 2.0  # a run that never gets there counts as the slowest
    assert _result([[1, 5], [1, 6], [1, 1], [1, 1]]).median_time_to_half is None  # half never
    assert _result([[1, 5], [1, 6], [1, 5], [1, 1]]).median_time_to_half == 1.0


def test_a_comparison_line_is_the_final_mean_the_median_weeks_to_half_and_the_heavy_share() -> None:
    result = _result([[1, 5, 9], [1, 2, 6]], heavy=[[0, 1, 3], [0, 0, 1]])

    line = summarise("natural", None, result)

    assert line.final_mean == pytest.approx(0.75)
    assert line.weeks_to_half == 1.5
    assert line.heavy_share == pytest.approx(0.2)  # (3 + 1) / 2 runs / 10 people
