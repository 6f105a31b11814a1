"""The peer-proximal feed ranking, against scores worked out by hand."""

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.ranking import (
    FeedInputError,
    ProximityWeights,
    ReaderContext,
    feed_scores,
    rank_feed,
    score_feed,
)

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
READER = ReaderContext(
    person_id=1, team=10, role_family="analyst", department=100, ties=frozenset({7})
)


def _posts() -> pd.DataFrame:
    """Five posts whose scores are easy to work out by hand (see the test below)."""
    return pd.DataFrame(
        {
            "post_id": [101, 102, 103, 104, 105],
            "kind": ["win", "prompt", "tip", "fail", "win"],
            "created_at": [
                NOW - timedelta(days=7),
                NOW,
                NOW - timedelta(days=14),
                NOW - timedelta(days=3.5),
                NOW + timedelta(hours=1),  # a clock a little ahead: counts as brand new
            ],
            "tried_by": [0, 3, 1, 0, 0],
            "is_anonymous": [False, False, False, True, False],
            "author_id": [2, 3, 7, 5, 6],
            "author_team": [10, 11, 12, 10, 13],
            "author_role_family": ["engineer", "sales", "analyst", "analyst", "legal"],
            "author_department": [100, 100, 300, 100, 400],
        }
    )


def test_scores_match_hand_computation() -> None:
    expected = [
        0.5 * 1.0 * 3.0,  # a week old (half), untried, same team (3)
        1.0 * (1 + math.log(4)) * 2.0,  # new, 3 triers, same department only (2)
        0.25 * (1 + math.log(2)) * 2.5,  # two weeks old, 1 trier, role family 2.5 beats tie 2
        2**-0.5 * 1.0 * 1.0,  # anonymous: proximity 1 despite same team and role family
        1.0 * 1.0 * 1.0,  # future-dated, no relation
    ]
    np.testing.assert_allclose(score_feed(_posts(), READER, NOW), expected, rtol=1e-12)


def test_factors_are_reported_separately() -> None:
    scores = feed_scores(_posts(), READER, NOW)
    np.testing.assert_allclose(scores.recency, [0.5, 1.0, 0.25, 2**-0.5, 1.0])
    np.testing.assert_allclose(scores.reach, [1, 1 + math.log(4), 1 + math.log(2), 1, 1])
    np.testing.assert_allclose(scores.proximity, [3.0, 2.0, 2.5, 1.0, 1.0])
    np.testing.assert_array_equal(scores.post_ids, [101, 102, 103, 104, 105])
    np.testing.assert_allclose(scores.score, scores.recency * scores.reach * scores.proximity)


def test_feed_orders_by_score() -> None:
    # scores: 102 → 4.77, 101 → 1.5, 103 → 1.06, 105 → 1.0, 104 → 0.71
    np.testing.assert_array_equal(rank_feed(_posts(), READER, NOW), [102, 101, 103, 105, 104])
    np.testing.assert_array_equal(rank_feed(_posts(), READER, NOW, limit=2), [102, 101])


def test_network_tie_counts_when_nothing_closer_applies() -> None:
    posts = _posts().assign(author_role_family="other")
    assert feed_scores(posts, READER, NOW).proximity[2] == 2.0  # author 7 is tied to the reader


def test_anonymous_posts_get_proximity_one_and_missing_flags_count_as_anonymous() -> None:
    posts = _posts().assign(author_team=10, is_anonymous=[True, None, False, True, np.nan])
    proximity = feed_scores(posts, READER, NOW).proximity
    np.testing.assert_array_equal(proximity, [1.0, 1.0, 3.0, 1.0, 1.0])


def test_a_fail_ranks_exactly_like_a_win_with_the_same_inputs() -> None:
    same = {
        "created_at": [NOW - timedelta(days=2)] * 2,
        "tried_by": [4, 4],
        "is_anonymous": [False, False],
        "author_team": [10, 10],
    }
    fail_first = pd.DataFrame({"post_id": [8, 9], "kind": ["fail", "win"], **same})
    win_first = pd.DataFrame({"post_id": [8, 9], "kind": ["win", "fail"], **same})
    scores = score_feed(fail_first, READER, NOW)
    assert scores[0] == scores[1]
    np.testing.assert_array_equal(score_feed(win_first, READER, NOW), scores)
    np.testing.assert_array_equal(rank_feed(fail_first, READER, NOW), [8, 9])
    np.testing.assert_array_equal(rank_feed(win_first, READER, NOW), [8, 9])


def test_ties_are_broken_by_post_id_whatever_the_row_order() -> None:
    rng = np.random.default_rng(42)
    n = 200
    posts = pd.DataFrame(
        {
            "post_id": np.arange(1, n + 1),
            "created_at": NOW - pd.to_timedelta(rng.integers(0, 5, n), unit="D"),
            "tried_by": rng.integers(0, 3, n),  # few distinct values: many exact ties
            "is_anonymous": rng.random(n) < 0.2,
            "author_team": rng.integers(9, 12, n),
        }
    )
    ranked = rank_feed(posts, READER, NOW)
    for seed in range(3):
        shuffled = posts.sample(frac=1.0, random_state=seed)
        np.testing.assert_array_equal(rank_feed(shuffled, READER, NOW), ranked)
    scores = pd.Series(score_feed(posts, READER, NOW), index=posts["post_id"]).loc[ranked]
    assert (np.diff(scores.to_numpy()) <= 0).all()
    for _, group in scores.groupby(scores.to_numpy()):
        assert list(group.index) == sorted(group.index)


def test_half_life_is_configurable() -> None:
    posts = {
        "post_id": np.array([1]),
        "created_at": np.array([np.datetime64("2025-03-13T12:00")]),  # naive: taken as UTC
        "tried_by": np.array([0]),
        "is_anonymous": np.array([False]),
    }
    assert score_feed(posts, READER, NOW, half_life_days=1.0)[0] == pytest.approx(0.5)
    assert score_feed(posts, READER, NOW)[0] == pytest.approx(2 ** (-1 / 7))


def test_arrays_and_data_frames_rank_alike() -> None:
    frame = _posts()
    arrays = {name: frame[name].to_numpy() for name in frame.columns}
    np.testing.assert_array_equal(rank_feed(arrays, READER, NOW), rank_feed(frame, READER, NOW))


def test_weights_are_configurable() -> None:
    flat = ProximityWeights(
        same_team=1.0, same_role_family=1.0, same_department=1.0, network_tie=1.0
    )
    np.testing.assert_allclose(feed_scores(_posts(), READER, NOW, weights=flat).proximity, 1.0)


def test_reader_without_groups_sees_proximity_one() -> None:
    stranger = ReaderContext(person_id=99)
    np.testing.assert_allclose(feed_scores(_posts(), stranger, NOW).proximity, 1.0)


def test_missing_optional_columns_never_match() -> None:
    posts = _posts()[["post_id", "created_at", "tried_by", "is_anonymous"]]
    np.testing.assert_allclose(feed_scores(posts, READER, NOW).proximity, 1.0)


def test_missing_group_values_never_match() -> None:
    posts = _posts().assign(author_team=pd.array([pd.NA, 10, None, 10, pd.NA], dtype="Int64"))
    assert feed_scores(posts, READER, NOW).proximity.tolist() == [2.0, 3.0, 2.5, 1.0, 1.0]


def test_empty_candidate_window_ranks_to_nothing() -> None:
    empty = _posts().iloc[0:0]
    assert rank_feed(empty, READER, NOW).size == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.drop(columns="tried_by"), "'tried_by' is missing"),
        (lambda p: p.assign(tried_by=[0, -1, 0, 0, 0]), r"post ids \[102\]"),
        (lambda p: p.assign(created_at=[NOW, None, NOW, NOW, NOW]), "empty for post ids"),
        (lambda p: p.assign(created_at="not a date"), "not a date"),
    ],
)
def test_bad_candidates_raise_a_clear_error(
    change: Callable[[pd.DataFrame], pd.DataFrame], message: str
) -> None:
    with pytest.raises(FeedInputError, match=message):
        rank_feed(change(_posts()), READER, NOW)


def test_bad_settings_raise_a_clear_error() -> None:
    with pytest.raises(FeedInputError, match="timezone-aware"):
        rank_feed(_posts(), READER, datetime(2025, 3, 14))  # noqa: DTZ001 - the point of the test
    with pytest.raises(FeedInputError, match="half_life_days"):
        rank_feed(_posts(), READER, NOW, half_life_days=0.0)
    with pytest.raises(FeedInputError, match="one value per candidate"):
        rank_feed({**_posts().to_dict("list"), "tried_by": [1, 2]}, READER, NOW)
