"""The demo's flywheel story: R above 1 in Engineering and Marketing, below 1 elsewhere."""

from __future__ import annotations

import pytest
from django.utils import timezone

from peerwheel.demo import demo_build
from peerwheel.insights.report import flywheel_report

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_tells_the_flywheel_story() -> None:
    demo_build()
    report = flywheel_report(as_of=timezone.localdate(), runs=200).data
    shown = {
        row["department"]: row["value"]
        for row in report["flywheel_r"]["by_department"]
        if not row["suppressed"]
    }
    assert shown["Engineering"] > 1
    assert shown["Marketing"] > 1
    others = {name: r for name, r in shown.items() if name not in {"Engineering", "Marketing"}}
    assert len(others) >= 3
    assert all(r < 1 for r in others.values())
    assert report["champions"]
    assert len(report["forecast"]["weeks"]) == 12
    assert report["forecast"]["what_if"]
    assert report["critical_mass"]["crossed_week"] is not None
    assert not report["missing"]
