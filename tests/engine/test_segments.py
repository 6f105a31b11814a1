"""Usage segments against a plain per-person loop, hand-worked cases and Viva's own function."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerwheel.engine.segments import (
    FOUR_WEEKS,
    TWELVE_WEEKS,
    AdoptionRung,
    MissingWeeks,
    SegmentInputError,
    SegmentRule,
    UsageSegment,
    adoption_ladder,
    usage_segments,
)

MONDAY = pd.Timestamp("2024-01-01")  # a Monday


def reference_segments(rows: list[tuple[str, int, int]], rule: SegmentRule) -> list[UsageSegment]:
    """The definition read literally: per person, per row, look at the last `window` rows."""
    by_person: dict[str, list[tuple[int, int]]] = {}
    for person, week, actions in rows:
        by_person.setdefault(person, []).append((week, actions))
    out: list[UsageSegment] = []
    for person in sorted(by_person):
        weekly: dict[int, int] = {}
        for week, actions in by_person[person]:
            weekly[week] = weekly.get(week, 0) + actions
        xs = [weekly[w] for w in sorted(weekly)]
        for i in range(len(xs)):
            window = xs[max(0, i - rule.window + 1) : i + 1]
            habit = sum(1 for x in window if x >= 1) >= rule.habit_weeks
            mean = sum(window) / len(window)
            if habit and mean >= rule.power_mean:
                out.append(UsageSegment.POWER)
            elif habit:
                out.append(UsageSegment.HABITUAL)
            elif mean >= 1:
                out.append(UsageSegment.NOVICE)
            elif mean > 0:
                out.append(UsageSegment.LOW)
            else:
                out.append(UsageSegment.NON_USER)
    return out


def frame(rows: list[tuple[str, int, int]], agents: list[int] | None = None) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=["person", "week", "actions"])
    data["week"] = MONDAY + pd.to_timedelta(data["week"] * 7, unit="D")
    if agents is not None:
        data["agent_actions"] = agents
    return data


usage_rows = st.lists(
    st.tuples(
        st.sampled_from(["ana", "ben", "cy"]),
        st.integers(0, 30),
        st.one_of(st.just(0), st.integers(0, 3), st.integers(10, 40)),
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=usage_rows, four=st.booleans())
def test_segments_match_a_per_person_reference_loop(
    rows: list[tuple[str, int, int]], four: bool
) -> None:
    rule = FOUR_WEEKS if four else TWELVE_WEEKS
    result = usage_segments(frame(rows), rule=rule)
    assert list(result["segment"]) == reference_segments(rows, rule)


@settings(max_examples=80, deadline=None)
@given(rows=usage_rows)
def test_zero_filled_weeks_match_the_loop_on_an_explicit_grid(
    rows: list[tuple[str, int, int]],
) -> None:
    last = max(week for _, week, _ in rows)
    firsts: dict[str, int] = {}
    for person, week, _ in rows:
        firsts[person] = min(firsts.get(person, week), week)
    grid = rows + [(p, w, 0) for p, first in firsts.items() for w in range(first, last + 1)]
    result = usage_segments(frame(rows), missing_weeks=MissingWeeks.ZERO)
    assert list(result["segment"]) == reference_segments(grid, TWELVE_WEEKS)


def test_nine_weeks_of_fifteen_make_a_power_user_only_on_the_ninth() -> None:
    result = usage_segments(frame([("ana", w, 15) for w in range(9)]))
    assert list(result["segment"])[7] is UsageSegment.NOVICE
    assert list(result["segment"])[8] is UsageSegment.POWER
    assert result["mean"].iloc[8] == 15.0
    assert result["active_weeks"].iloc[8] == 9


def test_mean_just_under_fifteen_is_habitual_not_power() -> None:
    # 11 weeks of 15 and one of 14: habit, mean 179/12 < 15.
    result = usage_segments(frame([("ana", w, 15) for w in range(11)] + [("ana", 11, 14)]))
    assert list(result["segment"])[-1] is UsageSegment.HABITUAL


def test_first_week_segments_use_the_rows_there_are() -> None:
    result = usage_segments(frame([("ana", 0, 0), ("ben", 0, 1), ("cy", 0, 40)]))
    assert list(result["segment"]) == [
        UsageSegment.NON_USER,
        UsageSegment.NOVICE,
        UsageSegment.NOVICE,  # one active week is no habit, however many actions
    ]


def test_low_user_has_some_but_under_one_action_a_week_on_average() -> None:
    rows = [("ana", w, 0) for w in range(11)] + [("ana", 11, 3)]
    assert list(usage_segments(frame(rows))["segment"])[-1] is UsageSegment.LOW


def test_four_week_rule_needs_all_four_weeks_active() -> None:
    rows = [("ana", 0, 20), ("ana", 1, 20), ("ana", 2, 0), ("ana", 3, 20), ("ana", 4, 20)]
    result = usage_segments(frame(rows), rule=FOUR_WEEKS)
    assert list(result["segment"])[3:] == [UsageSegment.NOVICE, UsageSegment.NOVICE]
    rows.append(("ana", 5, 20))
    result = usage_segments(frame(rows), rule=FOUR_WEEKS)
    assert list(result["segment"])[-1] is UsageSegment.NOVICE  # week 2 still in the window
    rows.append(("ana", 6, 20))
    assert list(usage_segments(frame(rows), rule=FOUR_WEEKS)["segment"])[-1] is (UsageSegment.POWER)


def test_gaps_are_skipped_by_default_like_viva_and_count_as_zero_on_request() -> None:
    rows = [("ana", 2 * w, 5) for w in range(9)]  # active every other week
    skipped = usage_segments(frame(rows))
    zeroed = usage_segments(frame(rows), missing_weeks=MissingWeeks.ZERO)
    assert list(skipped["segment"])[-1] is UsageSegment.HABITUAL
    assert len(zeroed) == 17
    assert list(zeroed["segment"])[-1] is UsageSegment.NOVICE
    assert zeroed["actions"].sum() == 45


def test_zero_fill_runs_to_until_so_lapsed_users_drift_to_non_user() -> None:
    rows = [("ana", w, 20) for w in range(3)]
    until = MONDAY + pd.Timedelta(weeks=20)
    result = usage_segments(frame(rows), missing_weeks=MissingWeeks.ZERO, until=until)
    assert result["week"].iloc[-1] == until
    assert list(result["segment"])[-1] is UsageSegment.NON_USER


def test_zero_fill_refuses_weeks_that_are_not_mondays() -> None:
    data = frame([("ana", 0, 1)])
    data["week"] += pd.Timedelta(days=2)
    with pytest.raises(SegmentInputError, match="Monday"):
        usage_segments(data, missing_weeks=MissingWeeks.ZERO)


def test_tools_in_the_same_week_are_summed_before_segmenting() -> None:
    rows = [("ana", 0, 1), ("ana", 0, 2), ("ana", 1, 4)]
    result = usage_segments(frame(rows))
    assert list(result["actions"]) == [3, 4]


def test_agent_user_means_an_agent_action_in_the_last_four_calendar_weeks() -> None:
    rows = [("ana", w, 1) for w in (0, 1, 2, 3, 4)] + [("ben", 0, 1), ("ben", 6, 1)]
    agents = [1, 0, 0, 0, 0, 1, 0]
    result = usage_segments(frame(rows, agents))
    assert list(result["agent_user"]) == [True, True, True, True, False, True, False]


def test_adoption_ladder_counts_people_per_rung_and_cumulatively() -> None:
    rows = [("ana", w, 20) for w in range(9)] + [("ben", 8, 1), ("cy", 8, 0)]
    ladder = adoption_ladder(usage_segments(frame(rows, [0] * 8 + [1, 0, 0])))
    last = ladder.iloc[-1]
    assert (last["none"], last["explorer"], last["regular"], last["heavy"]) == (1, 1, 0, 1)
    assert (last["at_least_explorer"], last["at_least_none"], last["people"]) == (2, 3, 3)
    assert last["agent_users"] == 1
    assert AdoptionRung.for_segment(UsageSegment.NOVICE) is AdoptionRung.EXPLORER


@pytest.mark.parametrize(
    ("actions", "message"),
    [([-1], "negative"), ([1.5], "whole"), ([np.nan], "missing")],
)
def test_bad_counts_are_refused_with_a_reason(actions: list[float], message: str) -> None:
    data = pd.DataFrame({"person": ["ana"], "week": [MONDAY], "actions": actions})
    with pytest.raises(SegmentInputError, match=message):
        usage_segments(data)


def test_missing_column_is_named() -> None:
    with pytest.raises(SegmentInputError, match="'actions'"):
        usage_segments(pd.DataFrame({"person": ["a"], "week": [MONDAY]}))


def test_labels_match_vivainsights_on_its_sample_person_query() -> None:
    vi = pytest.importorskip("vivainsights")
    pq = vi.load_pq_data()
    metrics = [c for c in pq.columns if c.startswith("Copilot_actions_taken_in_")]
    pq["x"] = pq[metrics].sum(axis=1)
    expected = vi.identify_usage_segments(pq[["PersonId", "MetricDate", "x"]].copy(), metric="x")
    expected = expected.sort_values(["PersonId", "MetricDate"]).reset_index(drop=True)
    for rule, column in ((TWELVE_WEEKS, "UsageSegments_12w"), (FOUR_WEEKS, "UsageSegments_4w")):
        ours = usage_segments(pq, rule=rule, person="PersonId", week="MetricDate", actions="x")
        labels = [segment.label for segment in ours["segment"]]
        assert labels == list(expected[column])
