"""Anonymous posts never credit their author in the flywheel: their influence events stay out of
attribution (and so the attribution export) and the natural champions' evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peerwheel.hub.services import post_publish, trial_record
from peerwheel.insights.report import flywheel_report
from peerwheel.insights.selectors import flywheel_inputs
from peerwheel.org.models import Person, Tie

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize("anonymous", [True, False])
def test_an_anonymous_posts_trials_are_no_ones_influence(
    org: dict[str, Person], anonymous: bool
) -> None:
    alice, bob = org["alice"], org["bob"]
    Tie.objects.create(person_a=min(alice, bob, key=lambda p: p.pk),
                       person_b=max(alice, bob, key=lambda p: p.pk), weight=1.0)  # fmt: skip
    post = post_publish(
        author=alice, kind="win", title="Minutes in two minutes", body="b",
        anonymous=anonymous, at=NOW - timedelta(weeks=8),
    )  # fmt: skip
    trial_record(post=post, person=bob, outcome="worked", at=NOW - timedelta(weeks=6))
    as_of = NOW.date()

    inputs = flywheel_inputs(as_of=as_of)
    assert inputs.events == (0 if anonymous else 1)
    report = flywheel_report(as_of=as_of, runs=10).data
    named = {c["employee_id"] for c in report["champions"]}
    # her named post's trial is reach; the anonymous one's is nobody's
    assert (alice.employee_id in named) is not anonymous
