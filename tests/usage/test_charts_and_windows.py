"""The usage pages' rough edges (issue 17): the overview's share axis fits the data, and My
usage explains why the 4-week and 12-week segments can differ."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from peerwheel.engine.segments import UsageSegment
from peerwheel.usage.charts import segment_share_chart
from tests.usage.test_pages import alice_usage  # noqa: F401 - a fixture

HABITUAL, POWER = UsageSegment.HABITUAL.value, UsageSegment.POWER.value


def table(shares: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "group": group,
                "week": pd.Timestamp("2026-03-02") + pd.Timedelta(weeks=i),
                f"share_{HABITUAL}": habitual,
                f"share_{POWER}": power,
                "suppressed": False,
            }
            for i, (group, habitual, power) in enumerate(shares)
        ]
    )


def test_the_share_axis_reaches_just_above_the_highest_share() -> None:
    low = segment_share_chart(table([("A", 0.02, 0.0), ("A", 0.15, 0.10), ("B", 0.05, 0.01)]),
                              title_group="department")  # fmt: skip
    assert list(low.layout.yaxis.range) == pytest.approx([0.0, 0.25 * 1.15])
    high = segment_share_chart(table([("A", 0.6, 0.35)]), title_group="department")
    assert list(high.layout.yaxis.range) == [0.0, 1.0]  # never past 100%
    none = segment_share_chart(table([("A", 0.0, 0.0)]), title_group="department")
    assert list(none.layout.yaxis.range) == [0.0, 0.05]  # a flat line still has an axis


def test_my_usage_explains_the_two_windows(
    client_for: Callable[[str], Client],
    alice_usage: None,  # noqa: F811 - the fixture imported above
) -> None:
    page = client_for("alice").get(reverse("usage:me")).content.decode()
    assert "over the last 12 weeks" in page and "over the last 4 weeks" in page
    assert "The two segments above can differ, and that is expected" in page
    assert "(active in 9 of your last 12 weeks for Habitual or Power)" in page
    assert "(active in all 4 for Habitual or Power" in page
