"""Small-group suppression: no small group is shown, and none can be recovered by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.privacy import suppress_counts, suppressed_groups


def test_groups_at_or_over_the_minimum_are_all_shown() -> None:
    assert not suppressed_groups([5, 9, 30], min_group=5).any()


def test_one_small_group_takes_the_smallest_other_group_with_it() -> None:
    # Hiding only the 3 would let total - 10 - 8 give it back exactly.
    assert suppressed_groups([10, 8, 3, 40], min_group=5).tolist() == [False, True, True, False]


def test_two_small_groups_too_small_together_take_a_third() -> None:
    # 1 + 2 = 3 people: their sum would still describe fewer than 5 people.
    assert suppressed_groups([1, 2, 20, 6], min_group=5).tolist() == [True, True, False, True]


def test_two_small_groups_large_enough_together_are_enough() -> None:
    assert suppressed_groups([3, 2, 20], min_group=5).tolist() == [True, True, False]


def test_empty_groups_are_neither_hidden_nor_used_as_cover() -> None:
    assert suppressed_groups([0, 4, 9, 12], min_group=5).tolist() == [False, True, True, False]


def test_a_total_under_the_minimum_hides_everything() -> None:
    assert suppressed_groups([2, 1, 0], min_group=5).tolist() == [True, True, False]


@pytest.mark.parametrize("seed", range(5))
def test_subtraction_from_the_total_never_recovers_a_small_group(seed: int) -> None:
    """The attack: the total and every shown group are public; hidden = total - shown."""
    rng = np.random.default_rng(seed)
    for _ in range(400):
        sizes = rng.integers(0, 12, size=int(rng.integers(1, 8)))
        k = int(rng.integers(2, 8))
        hide = suppressed_groups(sizes, min_group=k)
        shown = sizes[~hide]
        assert (shown[shown > 0] >= k).all()
        recovered = sizes.sum() - shown.sum()  # what subtraction gives
        if sizes.sum() >= k and hide.any():
            assert recovered >= k
            assert (hide & (sizes > 0)).sum() >= 2


def test_suppress_counts_blanks_hidden_rows_and_the_attack_fails() -> None:
    counts = pd.DataFrame(
        {
            "week": ["w1"] * 3 + ["w2"] * 3,
            "department": ["Eng", "Legal", "Sales"] * 2,
            "power": [4, 1, 2, 5, 0, 2],
            "non_user": [6, 1, 6, 5, 2, 7],
        }
    )
    out = suppress_counts(
        counts, period="week", group="department", categories=["power", "non_user"], min_group=5
    )
    legal = out[out["department"] == "Legal"]
    assert legal["suppressed"].all()
    assert legal[["power", "non_user", "people", "share_power"]].isna().all().all()
    # Sales (8 people) is hidden too: otherwise total - Eng - Sales would reveal Legal.
    assert out.loc[out["department"] == "Sales", "suppressed"].tolist() == [True, True]
    eng = out[out["department"] == "Eng"].iloc[0]
    assert (eng["people"], eng["share_power"]) == (10, 0.4)
    totals = counts.groupby("week")[["power", "non_user"]].sum()
    for week, shown in out[~out["suppressed"]].groupby("week"):
        remainder = totals.loc[week] - shown[["power", "non_user"]].sum()
        assert remainder.sum() >= 5  # only a group of at least five can be recovered
