"""Reads of hub activity for the rollout program (program's gates, champions, buddies, waves).

Counts only, as `activity.py` does for insights. Anonymity holds: an anonymous post is counted
where a count cannot point at anyone (wins, fails, question stages of the whole scope), never
tied to its author's department, and never makes its author a newcomer or a champion's impact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from peerwheel.hub.models import Answer, Post, PostKind, Trial


def _live(until: datetime) -> QuerySet[Post]:
    return Post.objects.filter(deleted__isnull=True, created__lt=until)


def _by(posts: QuerySet[Post], authors: Collection[int] | None) -> QuerySet[Post]:
    return posts if authors is None else posts.filter(author_id__in=list(authors))


def wins_with_time_saved(*, until: datetime, authors: Collection[int] | None = None) -> int:
    """Live wins that say how many minutes they save, written before `until` (by `authors`)."""
    posts = _live(until).filter(kind=PostKind.WIN, minutes_saved__gt=0)
    return _by(posts, authors).count()


def fails_shared(*, until: datetime, authors: Collection[int] | None = None) -> int:
    """Live fails shared before `until` (by `authors`), anonymous ones included."""
    return _by(_live(until).filter(kind=PostKind.FAIL), authors).count()


def public_shares(*, author_id: int, until: datetime) -> int:
    """Posts a person shared under their own name (anything but a question) before `until`."""
    return (
        _live(until)
        .filter(author_id=author_id, anonymous=False)
        .exclude(kind=PostKind.QUESTION)
        .count()
    )


@dataclass(frozen=True)
class FailView:
    post_id: int
    title: str
    created: datetime


def fails_without_follow_up(*, since: datetime, before: datetime) -> list[FailView]:
    """Live fails shared in [since, before) that nobody has answered: a visible failure left
    without a follow-up (a halt condition of the rollout)."""
    rows = (
        Post.objects.filter(
            kind=PostKind.FAIL,
            deleted__isnull=True,
            created__gte=since,
            created__lt=before,
            answer_count=0,
        )
        .order_by("created", "pk")
        .values_list("pk", "title", "created")
    )
    return [FailView(pk, title, created) for pk, title, created in rows]


def question_stage_counts(
    *, since: datetime, until: datetime, authors: Collection[int] | None = None
) -> dict[int, int]:
    """Live questions in [since, until) with a stage, by stage (1–4), by `authors` if given."""
    posts = _live(until).filter(
        kind=PostKind.QUESTION, created__gte=since, question_stage__isnull=False
    )
    rows = _by(posts, authors).values_list("question_stage").annotate(n=Count("pk")).order_by()
    return {int(stage): int(n) for stage, n in rows}


def questions_by_author(
    *, since: datetime, until: datetime, stages: Collection[int]
) -> dict[int, datetime]:
    """Person id → their first question under their own name in [since, until) at one of
    `stages` (anonymous questions point at no one)."""
    rows = (
        _live(until)
        .filter(
            kind=PostKind.QUESTION,
            anonymous=False,
            created__gte=since,
            question_stage__in=list(stages),
        )
        .order_by("created", "pk")
        .values_list("author_id", "created")
    )
    first: dict[int, datetime] = {}
    for author, created in rows:
        first.setdefault(author, created)
    return first


def unanswered_questions(*, since: datetime, until: datetime) -> dict[int | None, int]:
    """Live questions in [since, until) with no answer yet, by the asker's department id (None:
    no department, or an anonymous question, which points at no department)."""
    rows = (
        _live(until)
        .filter(kind=PostKind.QUESTION, created__gte=since, answer_count=0)
        .values_list("anonymous", "author__department_id")
    )
    counts: dict[int | None, int] = defaultdict(int)
    for anonymous, department in rows:
        counts[None if anonymous else department] += 1
    return dict(counts)


@dataclass(frozen=True)
class Impact:
    """How far what one person shared travelled and whom they helped: counts only."""

    shared: int = 0
    tried_by: int = 0
    departments_reached: int = 0
    adaptations: int = 0
    helped: int = 0
    accepted: int = 0


def impact_of(*, person_id: int, since: datetime, until: datetime) -> Impact:
    """A person's own impact in [since, until): posts under their own name, the distinct
    colleagues who tried them and their departments, adaptations by others, the distinct askers
    they answered and how many answers were accepted."""
    posts = _live(until).filter(author_id=person_id, anonymous=False, created__gte=since)
    trials = Trial.objects.filter(
        post__in=posts, created__lt=until, post__deleted__isnull=True
    ).exclude(person_id=person_id)
    adaptations = (
        _live(until)
        .filter(parent__in=posts, created__gte=since)
        .exclude(author_id=person_id)
        .count()
    )
    answers = Answer.objects.filter(
        author_id=person_id,
        created__gte=since,
        created__lt=until,
        post__kind=PostKind.QUESTION,
        post__deleted__isnull=True,
    ).exclude(post__author_id=person_id)
    helped = answers.aggregate(
        askers=Count("post__author", distinct=True), accepted=Count("pk", filter=Q(accepted=True))
    )
    reached = trials.aggregate(
        people=Count("person", distinct=True),
        departments=Count("person__department", distinct=True),
    )
    return Impact(
        shared=posts.exclude(kind=PostKind.QUESTION).count(),
        tried_by=int(reached["people"] or 0),
        departments_reached=int(reached["departments"] or 0),
        adaptations=adaptations,
        helped=int(helped["askers"] or 0),
        accepted=int(helped["accepted"] or 0),
    )
