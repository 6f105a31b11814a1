"""The demo's promptathon, cohort and show-and-tell: what the issue asks the demo to show."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from peerwheel.demo import demo_build
from peerwheel.hub.models import InfluenceEvent, InfluenceKind
from peerwheel.program.cohort_effect import cohort_effect
from peerwheel.program.models_sessions import Cohort, Session
from peerwheel.program.selectors import next_session
from peerwheel.program.sessions_selectors import cohort_outputs, cohorts_of, sessions_for_person

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_has_a_measured_promptathon_and_five_show_and_tells() -> None:
    context = demo_build(people=300)
    now = timezone.now()
    promptathon = Cohort.objects.get(kind="promptathon")
    assert promptathon.ends_at < now
    outputs = cohort_outputs(promptathon)
    assert len(outputs.posts) >= 3 and outputs.trials_by_others >= 3
    effect = cohort_effect(promptathon)
    assert effect.complete and not effect.hidden
    assert effect.member_rate is not None and effect.matched_rate is not None
    assert effect.member_rate > effect.matched_rate
    past = Session.objects.filter(starts_at__lt=now)
    assert past.count() == 4
    assert all(s.presenters.exists() and s.attendance.exists() for s in past)
    upcoming = next_session()
    assert upcoming is not None and upcoming.presenters
    assert Session.objects.filter(starts_at__gt=now).count() == 1
    attended = InfluenceEvent.objects.filter(kind=InfluenceKind.ATTENDED_DEMO, origin="hub")
    assert attended.count() >= 4 * 17
    member = User.objects.get(username="member").person  # type: ignore[attr-defined]
    assert [c.name for c in cohorts_of(member.pk)] == ["AI for account planning"]
    assert upcoming.pk in [s.pk for s in sessions_for_person(member.pk)]  # said they would come
    assert any(note.startswith("Show-and-tell: 4 past sessions") for note in context.notes)
