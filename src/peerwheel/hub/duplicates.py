"""Duplicate questions: champions and program leads mark a question as asked before.

The mark is `Post.duplicate_of` (the original); the duplicate's page then shows the original's
answers (`duplicate_for_viewer`, read by `selectors.post_for_viewer`), and the card list of
similar questions leaves duplicates out (their original is there). Who may mark is decided by
accounts.permissions: the *Answer questions* capability (champions, leads, admins).

The asker is told through the notifications app (`notify`, event `duplicate`: an anonymous
asker too, without anyone learning who they are), every mark and unmark is written to the
audit log (`hub.duplicate_mark` / `hub.duplicate_clear`: the question, the original, who marked
it; never the asker), and no influence event is recorded: marking a duplicate helps nobody by
itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.accounts.services import audit_record
from peerwheel.hub.errors import HubForbiddenError, HubGoneError, HubInputError, HubNotAllowedError
from peerwheel.hub.models import Answer, Post, PostKind
from peerwheel.hub.views_data import AnswerView, PostRef, answer_view, post_ref
from peerwheel.notifications.services import HubEvent, notify

#: how many originals a chain of marks is followed through (a mark always points at a root, so
#: a longer chain only comes from rows written by hand)
MAX_CHAIN = 10
_TRAILING_ID = re.compile(r"(\d+)/?\s*$")


def may_mark_duplicates(user: User | AnonymousUser) -> bool:
    """Champions, program leads and admins (the 'Answer questions' capability)."""
    return has_capability(user, Capability.ANSWER_QUESTIONS)


def original_id_from(text: str) -> int:
    """The question a person named: its number, or a link to its page ("/hub/posts/12/")."""
    match = _TRAILING_ID.search(text or "")
    if match is None:
        raise HubInputError(
            "original: give the number of the question this one duplicates, or a link to it.",
            field="original",
        )
    return int(match.group(1))


def _root(original: Post) -> Post:
    """The question at the end of a chain of marks (marking a duplicate of a duplicate points
    at their original)."""
    seen = {original.pk}
    while original.duplicate_of_id is not None and len(seen) <= MAX_CHAIN:
        parent = Post.objects.filter(pk=original.duplicate_of_id, deleted__isnull=True).first()
        if parent is None or parent.pk in seen:
            break
        seen.add(parent.pk)
        original = parent
    return original


@transaction.atomic
def duplicate_mark(
    *,
    question: Post,
    original: Post | None,
    actor: User | AnonymousUser,
    at: datetime | None = None,
) -> Post:
    """Mark `question` as a duplicate of `original` (None takes the mark off).

    Only champions, leads and admins (HubForbiddenError, checked before anything else); both
    must be live questions, and a question cannot duplicate itself or one of its own
    duplicates. Returns the question, saved."""
    if not may_mark_duplicates(actor):
        raise HubForbiddenError("Marking a duplicate needs the 'Answer questions' permission.")
    if question.deleted is not None:
        raise HubGoneError("This post was deleted; nothing can be added to it.")
    if question.kind != PostKind.QUESTION:
        raise HubNotAllowedError("Only a question can be marked as a duplicate.")
    when = at or timezone.now()
    if original is None:
        if question.duplicate_of_id is None:
            return question
        before = question.duplicate_of_id
        question.duplicate_of = None
        question.save(update_fields=["duplicate_of"])
        audit_record(
            actor=actor, action="hub.duplicate_clear", target=f"post:{question.pk}",
            original=before, at=when.isoformat(),
        )  # fmt: skip
        return question
    if original.deleted is not None:
        raise HubNotAllowedError("The original was deleted; choose another question.")
    if original.kind != PostKind.QUESTION:
        raise HubNotAllowedError(f"Post {original.pk} is not a question; choose a question.")
    root = _root(original)
    if question.pk in (original.pk, root.pk):
        raise HubNotAllowedError("A question cannot be a duplicate of itself or of its duplicates.")
    if question.duplicate_of_id == root.pk:
        return question
    question.duplicate_of = root
    question.save(update_fields=["duplicate_of"])
    # The question's own duplicates now point at the same original: one hop from any of them.
    Post.objects.filter(duplicate_of=question).update(duplicate_of=root)
    _tell_the_asker(question=question, original=root, actor=actor, at=when)
    notify(event=HubEvent.DUPLICATE, post=question, actor=getattr(actor, "person", None), at=at)
    return question


def _tell_the_asker(*, question: Post, original: Post, actor: User | AnonymousUser,
                    at: datetime) -> None:  # fmt: skip
    """The audit row every mark leaves (never naming the asker: an anonymous question stays
    anonymous in the audit log too)."""
    audit_record(
        actor=actor,
        action="hub.duplicate_mark",
        target=f"post:{question.pk}",
        original=original.pk,
        at=at.isoformat(),
    )


@dataclass(frozen=True)
class DuplicateLinks:
    """A question's links: the original it duplicates with that original's answers, and the
    questions marked as duplicates of it."""

    original: PostRef | None = None
    original_answers: tuple[AnswerView, ...] = ()
    duplicates: tuple[PostRef, ...] = ()


def duplicate_for_viewer(post: Post, viewer_person_id: int | None) -> DuplicateLinks:
    """A question's duplicate links, anonymity applied (an answer its anonymous asker wrote
    shows as "the asker", an anonymous question's author is never named). One query for any
    question, two more for a duplicate; none for other kinds."""
    if post.kind != PostKind.QUESTION:
        return DuplicateLinks()
    duplicates = tuple(
        post_ref(d)
        for d in Post.objects.filter(duplicate_of=post, deleted__isnull=True)
        .select_related("author__team", "author__department")
        .order_by("created", "id")
    )
    if post.duplicate_of_id is None:
        return DuplicateLinks(duplicates=duplicates)
    original = (
        Post.objects.select_related("author__team", "author__department")
        .filter(pk=post.duplicate_of_id, deleted__isnull=True)
        .first()
    )
    if original is None:
        return DuplicateLinks(duplicates=duplicates)
    answers = tuple(
        answer_view(a, original, viewer_person_id)
        for a in Answer.objects.filter(post=original)
        .select_related("author__team", "author__department")
        .order_by("-accepted", "created", "id")
    )
    return DuplicateLinks(post_ref(original), answers, duplicates)
