"""Scale scores, reverse coding, Cronbach's alpha and VIF against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.outliers_influence import variance_inflation_factor

from peerwheel.engine.study import Instrument, cronbach_alpha, score_scales, variance_inflation


def _tiny_instrument() -> Instrument:
    return Instrument.from_dict(
        {
            "id": "tiny",
            "version": "1",
            "constructs": [
                {
                    "key": "safety",
                    "items": [
                        {"key": "safety_1", "text": "I can admit a mistake."},
                        {"key": "safety_2", "text": "I can ask a basic question."},
                        {"key": "safety_3", "text": "People here get blamed.", "reverse": True},
                    ],
                }
            ],
        }
    )


def test_cronbach_alpha_matches_the_hand_computation() -> None:
    # Item variances (ddof=1): 10/3, 5/3, 5/3, sum 20/3. Totals 5, 8, 13, 14: variance 54/3 = 18.
    # alpha = 3/2 · (1 − (20/3)/18) = 3/2 · 34/54 = 17/18.
    items = pd.DataFrame({"a": [1, 2, 4, 5], "b": [2, 3, 4, 5], "c": [2, 3, 5, 4]})
    assert cronbach_alpha(items) == pytest.approx(17 / 18, abs=1e-12)


def test_cronbach_alpha_is_undefined_for_a_single_item_or_no_variance() -> None:
    assert np.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})))
    assert np.isnan(cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [2, 2, 2]})))


def test_reverse_coded_items_count_as_six_minus_the_answer() -> None:
    ins = _tiny_instrument()
    items = pd.DataFrame({"safety_1": [5, 1, 4], "safety_2": [5, 1, 2], "safety_3": [1, 5, 3]})
    scores = score_scales(items, ins)
    # Row 1: (5 + 5 + (6 − 1)) / 3 = 5; row 2: (1 + 1 + 1) / 3 = 1; row 3: (4 + 2 + 3) / 3 = 3.
    assert scores["safety"].tolist() == [5.0, 1.0, 3.0]


def test_a_missing_item_leaves_the_score_missing_for_listwise_deletion() -> None:
    items = pd.DataFrame({"safety_1": [5, np.nan], "safety_2": [5, 1], "safety_3": [1, 5]})
    assert score_scales(items, _tiny_instrument())["safety"].isna().tolist() == [False, True]


def test_vif_of_two_predictors_is_one_over_one_minus_r_squared() -> None:
    # x1, x2 have deviations (−2, −1, 0, 1, 2) and (−1, −2, 1, 0, 2): r = 8/10, VIF = 1/0.36.
    design = pd.DataFrame({"x1": [1, 2, 3, 4, 5], "x2": [2, 1, 4, 3, 5]})
    assert variance_inflation(design) == pytest.approx({"x1": 25 / 9, "x2": 25 / 9})


def test_vif_agrees_with_the_auxiliary_regressions_of_statsmodels() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=(200, 3))
    design = pd.DataFrame(
        {"a": z[:, 0], "b": z[:, 0] * 0.8 + z[:, 1] * 0.6, "c": z[:, 2] + z[:, 1] * 0.5}
    )
    exog = np.column_stack([np.ones(200), design.to_numpy()])
    expected = [variance_inflation_factor(exog, j) for j in (1, 2, 3)]
    assert list(variance_inflation(design).values()) == pytest.approx(expected, rel=1e-9)
