"""The notifications demo step, after the hub's demo and the logins.

The hub demo already wrote the notifications of its answers, accepted answers, trials and
adaptations, through `notify` (called by the hub's services): dated by the demo, so none was
emailed, and those older than `services.HISTORY` are read. This step adds follows (people follow
the authors whose named posts they tried, and the tools and topics of those posts; the demo
logins follow the hub's most tried tool and topic), notifies the followers of the last two
weeks' posts through the same service, and sets a seeded mix of email preferences (the member
login batches them into the weekly digest). No email is sent.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
from django.utils import timezone

from peerwheel.hub.models import Post
from peerwheel.notifications.models import Delivery, Follow, Notification, NotificationKind
from peerwheel.notifications.services import (
    follow_add,
    notification_preference_set,
    notify_followers,
)
from peerwheel.org.demo import DemoContext
from peerwheel.org.models import Person

FOLLOW_AUTHOR = 0.3  # the share of "tried a named post" that make the trier follow its author
FOLLOW_TOOL = 0.15  # ... that make them follow its tool
RECENT_DAYS = 14


def notifications_demo(context: DemoContext) -> None:
    rng = np.random.default_rng([context.seed, 17])
    tried = list(
        Notification.objects.filter(
            kind=NotificationKind.TRIED_MY_POST, actor_hidden=False, post__anonymous=False
        )
        .order_by("pk")
        .values_list("actor_id", "recipient_id", "post__tool", "post__tags")
    )
    people = Person.objects.in_bulk({pk for row in tried for pk in row[:2] if pk is not None})
    tools: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    for (actor, author, tool, tags), roll in zip(tried, rng.random((len(tried), 2)), strict=True):
        tools.update([tool] if tool else [])
        topics.update(tags or [])
        if actor is None or actor == author:
            continue
        if roll[0] < FOLLOW_AUTHOR:
            follow_add(person=people[actor], kind="person", followed=people[author])
        if tool and roll[1] < FOLLOW_TOOL:
            follow_add(person=people[actor], kind="tool", value=tool)
    logins = list(Person.objects.filter(user__isnull=False).select_related("user"))
    for person in logins:
        for tool, _ in tools.most_common(1):
            follow_add(person=person, kind="tool", value=tool)
        for topic, _ in topics.most_common(1):
            follow_add(person=person, kind="topic", value=topic)
        if person.user is not None and person.user.username == "member":
            notification_preference_set(person=person, email=Delivery.DIGEST)
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    followed = 0
    for post in Post.objects.filter(created__gte=since, deleted__isnull=True).order_by("created"):
        followed += len(notify_followers(post=post, at=post.created))
    others = Person.objects.exclude(user__isnull=False).order_by("pk").values_list("pk", flat=True)
    choice = rng.choice([Delivery.IMMEDIATE, Delivery.DIGEST, Delivery.OFF], size=len(others),
                        p=[0.6, 0.3, 0.1])  # fmt: skip
    for pk, email in zip(others, choice, strict=True):
        if email != Delivery.IMMEDIATE:
            notification_preference_set(person=Person(pk=pk), email=str(email))
    unread = Notification.objects.filter(read=False).count()
    context.notes.append(
        f"Notifications: {Notification.objects.count()} (answers, trials, adaptations, mentions; "
        f"{followed} from {Follow.objects.count()} follows), {unread} unread from the last two "
        "weeks; no email sent. Sign in and open the bell."
    )
