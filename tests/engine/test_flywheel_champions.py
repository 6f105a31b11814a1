"""Natural champions: percentiles among people with evidence, combined; evidence in words."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.flywheel.champions import champion_scores


def test_ranking_combines_percentiles_with_bringing_in_weighing_most() -> None:
    # person: 0 brings in most; 1 helps and reaches most but brought nobody; 2 a bit of all;
    # 3 nothing but active weeks; 4 nothing at all
    ranking = champion_scores(
        brought_in=[6.0, 0.0, 2.0, 0.0, 0.0],
        help=[1, 9, 2, 0, 0],
        reach=[3, 12, 4, 0, 0],
        bridging=[0.5, 0.9, 0.25, 0.0, 0.0],
        consistency=[10, 12, 8, 12, 0],
    )
    assert ranking.order.tolist() == [0, 2, 1]  # people with evidence of influence only
    # 0: brought_in 1 (top of 2 who brought), help 1/3, reach 1/3, bridging 2/3, cons 2/4
    assert ranking.score[0] == pytest.approx((3 * 1 + 1 / 3 + 1 / 3 + 0.5 * 2 / 3 + 0.5 * 0.5) / 6)
    assert ranking.score[4] == 0.0
    assert ranking.top(1).tolist() == [0]


def test_evidence_is_in_words_and_counts_only() -> None:
    ranking = champion_scores([2.6, 1.0, 0], [3, 1, 0], [10, 1, 0], [0.4, 0, 0], [11, 1, 0])
    assert ranking.evidence(0) == (
        "brought in about 3 colleagues; helped 3 people (answers); "
        "10 people tried their posts, 40% outside their department; active 11 weeks"
    )
    assert ranking.evidence(1) == (
        "brought in about 1 colleague; helped 1 person (answers); "
        "1 person tried their posts; active 1 week"
    )
    assert ranking.evidence(2) == "no evidence yet"


def test_custom_weights_and_bad_measures() -> None:
    ranking = champion_scores(
        [5, 0], [0, 5], [0, 0], [0, 0], [0, 0], weights={"brought_in": 0.0, "help": 1.0}
    )
    assert ranking.order.tolist() == [1, 0]
    with pytest.raises(ValueError, match="help: expected one value per person"):
        champion_scores([1, 2], [1], [0, 0], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="reach: values must be finite and non-negative"):
        champion_scores([1, 2], [1, 1], [0, -1], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="bridging: a share"):
        champion_scores([1, 2], [1, 1], [0, 1], [0, 2], [0, 0])
    assert champion_scores(*(np.zeros(0),) * 5).order.size == 0
