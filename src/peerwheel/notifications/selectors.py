"""Reads for notifications and follows: a person's own list and unread count, their email
preference and follows, what the weekly digest batches, and what the hub's feed boosts.

Every notification leaves as a `wording.NotificationView` (the actor dropped when hidden), and
only to its recipient. Notifications about a deleted post are not listed or counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.errors import ForbiddenError
from peerwheel.notifications.models import (
    Delivery,
    Follow,
    FollowKind,
    Notification,
    NotificationPreference,
)
from peerwheel.notifications.wording import NotificationView, notification_view
from peerwheel.org.models import Person

PER_PAGE = 20
MAX_PER_PAGE = 100
#: a followed tool, topic or person multiplies a post's feed score by this (docs/hub.md)
FOLLOW_BOOST = 2.0


def notifications_person(user: User | AnonymousUser) -> Person | None:
    """The signed-in user's person (None: the login is not linked to one); ForbiddenError for
    anyone without the 'Use hub' permission."""
    if not has_capability(user, Capability.USE_HUB):
        raise ForbiddenError("This needs the 'Use hub' permission.")
    assert isinstance(user, User)  # noqa: S101 - has_capability is False for AnonymousUser
    return Person.objects.filter(user=user).first()


def _own(person: Person | None) -> Q:
    if person is None:
        return Q(pk__in=[])
    return Q(recipient=person, post__deleted__isnull=True)


def unread_count(user: User | AnonymousUser) -> int:
    """The bell's number: one query (0 without a query for someone signed out)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(
        recipient__user=user, read=False, post__deleted__isnull=True
    ).count()


@dataclass(frozen=True)
class NotificationPage:
    items: tuple[NotificationView, ...]
    count: int
    unread: int
    page: int
    per_page: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def notifications_for_person(
    person: Person | None, *, page: int = 1, per_page: int = PER_PAGE
) -> NotificationPage:
    """The person's notifications, newest first, one page (three queries)."""
    page = max(1, int(page))
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    rows = Notification.objects.filter(_own(person))
    count = rows.count()
    unread = rows.filter(read=False).count() if count else 0
    start = (page - 1) * per_page
    items = rows.select_related("post", "actor").order_by("-created", "-id")[
        start : start + per_page
    ]
    return NotificationPage(
        items=tuple(notification_view(row) for row in items),
        count=count,
        unread=unread,
        page=page,
        per_page=per_page,
    )


def preference_of(person: Person | None) -> str:
    """The person's email delivery (`models.Delivery`); no row: immediate."""
    if person is None:
        return Delivery.IMMEDIATE
    found = NotificationPreference.objects.filter(person=person).values_list("email", flat=True)
    return next(iter(found), Delivery.IMMEDIATE)


@dataclass(frozen=True)
class FollowSet:
    """What a person follows: tools (case-folded), topics (tags) and people (ids)."""

    tools: frozenset[str] = field(default_factory=frozenset)
    topics: frozenset[str] = field(default_factory=frozenset)
    people: frozenset[int] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.tools or self.topics or self.people)

    def follows_tool(self, tool: str) -> bool:
        return bool(tool) and tool.casefold() in self.tools


def follows_of(person: Person | None) -> FollowSet:
    """Everything the person follows (one query)."""
    if person is None:
        return FollowSet()
    tools: set[str] = set()
    topics: set[str] = set()
    people: set[int] = set()
    for kind, value, followed in Follow.objects.filter(person=person).values_list(
        "kind", "value", "followed_id"
    ):
        if kind == FollowKind.TOOL:
            tools.add(value.casefold())
        elif kind == FollowKind.TOPIC:
            topics.add(value)
        elif followed is not None:
            people.add(followed)
    return FollowSet(frozenset(tools), frozenset(topics), frozenset(people))


def followed_posts_q(follows: FollowSet) -> Q | None:
    """Posts in what the person follows, as a filter on hub posts (None: nothing followed).

    A followed person's anonymous posts are not theirs to anyone: they do not match."""
    if not follows:
        return None
    match = Q(pk__in=[])
    for tool in sorted(follows.tools):
        match |= Q(tool__iexact=tool)
    for topic in sorted(follows.topics):
        match |= Q(tags__icontains=f'"{topic}"')  # the JSON list's text holds each tag quoted
    if follows.people:
        match |= Q(author_id__in=sorted(follows.people), anonymous=False)
    return match


def follow_boost(
    follows: FollowSet,
    *,
    tools: Sequence[str | None],
    tags: Sequence[Sequence[str] | None],
    authors: Sequence[int | None],
    anonymous: Sequence[bool],
) -> npt.NDArray[np.float64]:
    """`FOLLOW_BOOST` for each post in what the person follows, else 1 (aligned with the input).

    An anonymous post is boosted for its tool or topic, never for its author."""
    n = len(tools)
    boost = np.ones(n, dtype=np.float64)
    if not follows:
        return boost
    for i in range(n):
        hit = follows.follows_tool(tools[i] or "")
        hit = hit or bool(follows.topics.intersection(tags[i] or ()))
        hit = hit or (not anonymous[i] and authors[i] in follows.people)
        if hit:
            boost[i] = FOLLOW_BOOST
    return boost


def digest_notifications(
    person_ids: Sequence[int], *, since: datetime, until: datetime
) -> dict[int, tuple[NotificationView, ...]]:
    """For the weekly digest: each person's unread notifications of [since, until), for those
    who chose to get them batched (`Delivery.DIGEST`); one query for any number of people."""
    rows = (
        Notification.objects.filter(
            recipient_id__in=list(person_ids),
            recipient__notification_preference__email=Delivery.DIGEST,
            read=False,
            created__gte=since,
            created__lt=until,
            post__deleted__isnull=True,
        )
        .select_related("post", "actor")
        .order_by("-created", "-id")
    )
    found: dict[int, list[NotificationView]] = defaultdict(list)
    for row in rows:
        found[row.recipient_id].append(notification_view(row))
    return {person_id: tuple(views) for person_id, views in found.items()}


@dataclass(frozen=True)
class FollowButton:
    """One follow / unfollow button: what it follows and whether the person does already."""

    kind: str
    value: str  # the tool or the topic; empty for a person
    person_id: int | None  # the person followed
    label: str  # "Copilot", "#email", "Alice Adams"
    following: bool


def _button(
    follows: FollowSet, kind: str, value: str, followed: Person | None, label: str
) -> FollowButton:
    if kind == FollowKind.PERSON:
        pk = followed.pk if followed is not None else None
        name = label or (followed.display_name if followed is not None else "")
        return FollowButton(kind, "", pk, name, pk in follows.people)
    if kind == FollowKind.TOPIC:
        topic = value.strip().lstrip("#").lower().replace(" ", "-")
        return FollowButton(kind, topic, None, f"#{topic}", topic in follows.topics)
    return FollowButton(kind, value.strip(), None, value.strip(), follows.follows_tool(value))


def follow_button(
    person: Person | None, *, kind: str, value: str = "", followed: Person | None = None,
    label: str = "",
) -> FollowButton:  # fmt: skip
    """The button for one tool, topic or person, in the person's current state (one query)."""
    return _button(follows_of(person), kind, value, followed, label)


def follow_bar(
    person: Person | None,
    *,
    tool: str,
    tags: Sequence[str],
    author_id: int | None = None,
    author_name: str = "",
) -> tuple[FollowButton, ...]:
    """A post's buttons: its tool, each tag, its named author (never oneself); one query.

    Pass no author for an anonymous post."""
    follows = follows_of(person)
    buttons = []
    if tool:
        buttons.append(_button(follows, FollowKind.TOOL, tool, None, ""))
    buttons += [_button(follows, FollowKind.TOPIC, tag, None, "") for tag in tags]
    if author_id is not None and (person is None or author_id != person.pk):
        following = author_id in follows.people
        buttons.append(FollowButton(FollowKind.PERSON, "", author_id, author_name, following))
    return tuple(buttons)


def follows_listed(person: Person | None) -> tuple[FollowButton, ...]:
    """Everything the person follows, as unfollow buttons: tools, topics, then people by name."""
    if person is None:
        return ()
    rows = Follow.objects.filter(person=person).select_related("followed")
    order = {FollowKind.TOOL: 0, FollowKind.TOPIC: 1, FollowKind.PERSON: 2}
    buttons = [
        FollowButton(
            row.kind,
            row.value,
            row.followed_id,
            row.followed.display_name if row.followed is not None else row.value,
            True,
        )
        if row.kind == FollowKind.PERSON
        else FollowButton(
            row.kind,
            row.value,
            None,
            f"#{row.value}" if row.kind == FollowKind.TOPIC else row.value,
            True,
        )
        for row in rows
    ]
    return tuple(sorted(buttons, key=lambda b: (order[FollowKind(b.kind)], b.label.casefold())))
