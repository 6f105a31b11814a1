"""Momentum math: burstiness, active weeks, rates and the before-any-push share."""

from __future__ import annotations

import math

import numpy as np
import pytest

from peerwheel.engine.momentum import (
    active_weeks,
    before_push,
    burstiness,
    per_100,
    quartiles,
    share,
)


def test_a_metronome_has_burstiness_minus_one() -> None:
    assert burstiness([0, 7, 14, 21, 28]) == pytest.approx(-1.0)


def test_burstiness_is_sigma_minus_mu_over_sigma_plus_mu_of_the_gaps() -> None:
    # gaps 1, 1, 10: mean 4, population sd sqrt(18)
    sigma, mu = math.sqrt(18.0), 4.0
    assert burstiness([0, 1, 2, 12]) == pytest.approx((sigma - mu) / (sigma + mu))
    assert burstiness([12, 0, 2, 1, 1]) == pytest.approx((sigma - mu) / (sigma + mu))  # unsorted


def test_poisson_gaps_are_near_zero_and_bursts_above() -> None:
    rng = np.random.default_rng(0)
    poisson = np.cumsum(rng.exponential(5.0, size=4000))
    assert abs(burstiness(poisson)) < 0.05
    bursts = np.concatenate([np.arange(10) * 0.1 + 100.0 * k for k in range(20)])
    assert burstiness(bursts) > 0.5


def test_under_two_gaps_burstiness_is_undefined() -> None:
    assert math.isnan(burstiness([]))
    assert math.isnan(burstiness([3, 9]))
    assert math.isnan(burstiness([3, 3, 9]))  # one distinct gap


def test_active_weeks_counts_weeks_with_an_event_inside_the_window() -> None:
    # window: days 0..83 (12 weeks); events in weeks 0, 0, 2, 11 and outside (-1, 84)
    assert active_weeks([0, 6, 14, 83, -1, 84], start=0, weeks=12) == 3
    assert active_weeks([], start=0, weeks=12) == 0


def test_rates_and_shares() -> None:
    assert per_100(3, 60) == pytest.approx(5.0)
    assert per_100(3, 0) is None
    assert share(1, 4) == 0.25
    assert share(1, 0) is None


def test_an_event_is_before_any_push_only_without_an_action_in_its_group_in_the_28_days() -> None:
    events_day = [30, 30, 30, 60, 10]
    events_group = [0, 1, 2, 0, -1]
    # actions: group 0 on day 5, organisation-wide on day 59, group 1 on day 2 (exactly 28
    # days before day 30: the window [2, 30) holds it), group 2 on day 30 itself
    actions_day = [5, 59, 2, 30]
    actions_group = [0, -1, 1, 2]
    free = before_push(events_day, events_group, actions_day, actions_group)
    # group 0 day 30: action day 5 in [2, 30) → pushed; group 1: day 2 in [2, 30) → pushed;
    # group 2: its action on day 30 is not before it → free; group 0 day 60: org-wide day 59 →
    # pushed; unknown group day 10: only org-wide actions count, none before → free
    assert free.tolist() == [False, False, True, False, True]


def test_before_push_without_actions_is_all_free() -> None:
    assert before_push([1, 2], [0, 1], [], []).tolist() == [True, True]


def test_quartiles_ignore_nan_and_need_a_value() -> None:
    q = quartiles([1.0, 2.0, 3.0, 4.0, 5.0, float("nan")])
    assert q is not None
    assert (q.low, q.median, q.high) == (2.0, 3.0, 4.0)
    assert quartiles([float("nan")]) is None
