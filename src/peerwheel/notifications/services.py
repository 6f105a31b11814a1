"""Writes for notifications: `notify` (the one writer, called by the hub's services beside each
influence event), follows, email preferences and marking read.

Who is told what, by hub event:

- published: the parent prompt's author (prompt_adapted), the people the body @mentions
  (mentioned), and followers of the post's tool, of one of its tags, or of its author
  (followed_new_post); an anonymous post never reaches its author's followers, since that
  would say who wrote it;
- answered: the post's author (answer_on_my_post for a question, else comment_on_my_post) and
  the people the answer @mentions;
- accepted: the answer's author (answer_accepted);
- tried: the post's author (tried_my_post, with the outcome); a changed trial tells nobody again;
- duplicate: the asker of a question a champion marked as a duplicate (marked_duplicate).

Nobody is told about what they did themselves, and each person gets one notification per event
(the first reason above wins). The actor is hidden (`actor_hidden`) when they wrote anonymously:
the post's anonymous author, or the anonymous asker answering their own question.

Email: a recipient whose preference is `immediate` (the default) gets one email after the write
commits; `digest` waits for the weekly digest (`selectors.digest_notifications`); `off` sends
none. A write dated with `at` (an import, the demo) sends no email, and one dated more than
`HISTORY` ago is stored as read: the bell tells news, not history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from peerwheel.hub.models import Answer, Post, PostKind
from peerwheel.hub.validation import TOOL_MAX
from peerwheel.notifications.mentions import mentioned_people
from peerwheel.notifications.models import (
    Delivery,
    Follow,
    FollowKind,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from peerwheel.notifications.wording import notification_view
from peerwheel.org.models import Person

logger = logging.getLogger(__name__)
HISTORY = timedelta(days=14)
_TAG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-+#.")


class HubEvent(StrEnum):
    PUBLISHED = "published"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    TRIED = "tried"
    DUPLICATE = "duplicate"


class NotificationInputError(ValueError):
    """A follow or a preference that cannot be saved; `field` names the input."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class _Planned:
    kind: NotificationKind
    hidden: bool
    outcome: str = ""
    via: str = ""


def notify(
    *,
    event: HubEvent | str,
    post: Post,
    actor: Person | None,
    answer: Answer | None = None,
    outcome: str = "",
    at: datetime | None = None,
) -> list[Notification]:
    """Write the notifications one hub event causes (see the module's docstring); returns them.

    `post` is the post the event is about (the new post, the answered or tried one); `answer`
    the answer written or accepted; `actor` None for someone with no person (an admin's login).
    Call it inside the write's transaction.
    """
    event = HubEvent(event)
    plan: dict[int, _Planned] = {}
    by_anonymous = post.anonymous and actor is not None and actor.pk == post.author_id
    if event is HubEvent.PUBLISHED:
        if post.parent_id is not None:
            parent_author = Post.objects.filter(pk=post.parent_id).values_list("author_id")
            for (author_id,) in parent_author:
                plan.setdefault(author_id, _Planned(NotificationKind.PROMPT_ADAPTED, by_anonymous))
        _mentions(plan, post.body, by_anonymous)
        _followers(plan, post)
    elif event is HubEvent.ANSWERED:
        if answer is None:
            raise ValueError("notify(event='answered') needs the answer")
        kind = (
            NotificationKind.ANSWER_ON_MY_POST
            if post.kind == PostKind.QUESTION
            else NotificationKind.COMMENT_ON_MY_POST
        )
        plan.setdefault(post.author_id, _Planned(kind, by_anonymous))
        _mentions(plan, answer.body, by_anonymous)
    elif event is HubEvent.ACCEPTED:
        if answer is None:
            raise ValueError("notify(event='accepted') needs the answer")
        plan.setdefault(
            answer.author_id, _Planned(NotificationKind.ANSWER_ACCEPTED, post.anonymous)
        )
    elif event is HubEvent.DUPLICATE:
        plan.setdefault(post.author_id, _Planned(NotificationKind.MARKED_DUPLICATE, False))
    else:
        plan.setdefault(
            post.author_id, _Planned(NotificationKind.TRIED_MY_POST, False, outcome=outcome)
        )
    if actor is not None:
        plan.pop(actor.pk, None)
    return _write(plan, post=post, actor=actor, at=at)


def _mentions(plan: dict[int, _Planned], text: str, hidden: bool) -> None:
    for person in mentioned_people(text):
        plan.setdefault(person.pk, _Planned(NotificationKind.MENTIONED, hidden))


def _followers(plan: dict[int, _Planned], post: Post) -> None:
    """Followers of the post's tool, tags or (for a named post) author."""
    match = Q(kind=FollowKind.TOPIC, value__in=list(post.tags or []))
    if post.tool:
        match |= Q(kind=FollowKind.TOOL, value__iexact=post.tool)
    if not post.anonymous:
        match |= Q(kind=FollowKind.PERSON, followed_id=post.author_id)
    rows = Follow.objects.filter(match).order_by("kind", "id")
    # Tool before topic before person: the reason shown is the first that applies.
    order = {FollowKind.TOOL.value: 0, FollowKind.TOPIC.value: 1, FollowKind.PERSON.value: 2}
    for person_id, kind, value in sorted(
        rows.values_list("person_id", "kind", "value"), key=lambda row: order[row[1]]
    ):
        via = "person" if kind == FollowKind.PERSON else f"{kind}:{value}"
        plan.setdefault(
            person_id, _Planned(NotificationKind.FOLLOWED_NEW_POST, post.anonymous, via=via)
        )


def notify_followers(*, post: Post, at: datetime | None = None) -> list[Notification]:
    """Only the followers' part of a publication (the demo's follows, made after its posts)."""
    plan: dict[int, _Planned] = {}
    _followers(plan, post)
    plan.pop(post.author_id, None)
    return _write(plan, post=post, actor=post.author, at=at)


def _write(
    plan: dict[int, _Planned], *, post: Post, actor: Person | None, at: datetime | None
) -> list[Notification]:
    if not plan:
        return []
    now = timezone.now()
    created = at or now
    current = set(Person.objects.filter(pk__in=plan, active=True).values_list("pk", flat=True))
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=person_id,
                kind=planned.kind,
                post=post,
                actor=actor,
                actor_hidden=planned.hidden,
                outcome=planned.outcome,
                via=planned.via,
                read=created < now - HISTORY,
                created=created,
            )
            for person_id, planned in plan.items()
            if person_id in current
        ]
    )
    if at is None and rows:  # SQLite and PostgreSQL both return the new rows' keys
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: notifications_email(ids))
    return rows


def notifications_email(ids: Iterable[int]) -> int:
    """Email these notifications to recipients who want them at once; returns emails sent.

    A failing email backend is logged, never raised: the hub's write has already happened.
    """
    rows = (
        Notification.objects.filter(pk__in=list(ids))
        .exclude(recipient__email="")
        .exclude(recipient__notification_preference__email__in=[Delivery.DIGEST, Delivery.OFF])
        .select_related("recipient", "post", "actor")
    )
    messages = [_message(row) for row in rows]
    if not messages:
        return 0
    try:
        return int(get_connection().send_messages(messages) or 0)
    except Exception as exc:  # any backend's failure: log it, the notification stays in the app
        logger.warning("notification emails failed (%s): %s", type(exc).__name__, exc)
        return 0


def _message(row: Notification) -> EmailMessage:
    view = notification_view(row)
    base = settings.PEERWHEEL_BASE_URL
    body = (
        f"{view.message}\n\n"
        f"Open it: {base}/hub/posts/{view.post_id}/\n\n"
        "--\n"
        f"All your notifications, and how you get them by email: {base}/notifications/\n"
    )
    return EmailMessage(
        subject=f"Peerwheel: {view.message}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient.email],
    )


def notifications_mark_read(
    *, person: Person, ids: Iterable[int] | None = None, everything: bool = False
) -> int:
    """Mark the person's own notifications read (the given ids, or all); returns how many
    changed. Ids of someone else's notifications change nothing."""
    rows = Notification.objects.filter(recipient=person, read=False)
    if not everything:
        rows = rows.filter(pk__in=[int(i) for i in ids or ()])
    return rows.update(read=True)


def notification_preference_set(*, person: Person, email: str) -> NotificationPreference:
    """How the person gets notifications by email: immediate, digest or off."""
    if email not in Delivery.values:
        choices = ", ".join(Delivery.values)
        raise NotificationInputError(
            f"email must be one of {choices}, not {email!r}.", field="email"
        )
    preference, _ = NotificationPreference.objects.update_or_create(
        person=person, defaults={"email": email}
    )
    return preference


def _follow_target(
    kind: str, value: str, followed: Person | None, person: Person
) -> tuple[FollowKind, str, Person | None]:
    if kind not in FollowKind.values:
        raise NotificationInputError(
            f"kind must be one of {', '.join(FollowKind.values)}, not {kind!r}.", field="kind"
        )
    if kind == FollowKind.PERSON:
        if followed is None:
            raise NotificationInputError("Say which person to follow.", field="person")
        if followed.pk == person.pk:
            raise NotificationInputError("You cannot follow yourself.", field="person")
        return FollowKind.PERSON, "", followed
    text = (value or "").strip()
    if kind == FollowKind.TOPIC:
        text = text.lstrip("#").lower().replace(" ", "-")
        if text and not set(text) <= _TAG_CHARS:
            raise NotificationInputError(
                f"{value!r} is not a topic: letters, digits, '-', '+', '#' or '.'.", field="value"
            )
    if not text or len(text) > TOOL_MAX:
        raise NotificationInputError(
            f"Name the {kind} to follow (at most {TOOL_MAX} characters).", field="value"
        )
    return FollowKind(kind), text, None


def follow_add(
    *, person: Person, kind: str, value: str = "", followed: Person | None = None
) -> Follow:
    """Follow a tool, a topic (a hub tag) or a person; following again changes nothing."""
    kind, value, followed = _follow_target(kind, value, followed, person)
    existing = _follows_matching(person, kind, value, followed).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Follow.objects.create(
                person=person, kind=kind, value=value, followed=followed, created=timezone.now()
            )
    except IntegrityError:  # the same follow, saved by a second request at the same moment
        return _follows_matching(person, kind, value, followed).get()


def follow_remove(
    *, person: Person, kind: str, value: str = "", followed: Person | None = None
) -> bool:
    """Stop following; returns whether there was such a follow."""
    kind, value, followed = _follow_target(kind, value, followed, person)
    deleted, _ = _follows_matching(person, kind, value, followed).delete()
    return deleted > 0


def _follows_matching(
    person: Person, kind: FollowKind, value: str, followed: Person | None
) -> QuerySet[Follow]:
    if kind == FollowKind.PERSON:
        return Follow.objects.filter(person=person, kind=kind, followed=followed)
    return Follow.objects.filter(person=person, kind=kind, value__iexact=value)
