"""The demo's notifications: written through the service from the hub demo's answers, trials and
adaptations, follows and their notifications, preferences; seeded, and no email sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db.models import F

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import hub_demo
from peerwheel.hub.models import Post
from peerwheel.notifications.demo import notifications_demo
from peerwheel.notifications.models import (
    Follow,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from peerwheel.org.demo import DemoContext, demo_organisation_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_notifies_as_the_hub_would_and_sends_nothing() -> None:
    org = generate_demo_org(DemoOrgConfig(people=200, seed=7))
    context = DemoContext(org=org, people=demo_organisation_load(org), seed=7)
    hub_demo(context)
    member = context.people[5]
    user_create(username="member", role=Role.MEMBER, email=member.email, password="x" * 12,
                person_employee_id=member.employee_id, check_password=False)  # fmt: skip
    mail.outbox.clear()

    notifications_demo(context)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        NotificationKind.ANSWER_ON_MY_POST,
        NotificationKind.TRIED_MY_POST,
        NotificationKind.PROMPT_ADAPTED,
        NotificationKind.ANSWER_ACCEPTED,
        NotificationKind.FOLLOWED_NEW_POST,
    } <= kinds
    assert mail.outbox == []
    assert Notification.objects.filter(read=False).exists()
    assert Notification.objects.filter(read=True).exists()  # older than two weeks: history
    # Nobody is notified of their own action; anonymous authors' actors are hidden.
    assert not Notification.objects.filter(actor=F("recipient")).exists()
    anonymous = Post.objects.filter(anonymous=True).values_list("pk", flat=True)
    followed = Notification.objects.filter(kind=NotificationKind.FOLLOWED_NEW_POST)
    assert all(n.actor_hidden for n in followed.filter(post_id__in=anonymous))
    assert not followed.filter(post_id__in=anonymous, via="person").exists()
    assert Follow.objects.filter(person=member, kind="tool").exists()
    assert NotificationPreference.objects.get(person=member).email == "digest"
    assert context.notes[-1].startswith("Notifications: ")
