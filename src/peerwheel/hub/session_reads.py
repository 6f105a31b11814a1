"""Reads of hub activity for the program's cohorts, promptathons and show-and-tell (issue 16,
parts 3 and 4). Reached by the program through `hub.selectors`.

Anonymity: an anonymous post is an output (counted) but its author is never named, and it is
never suggested for a show-and-tell agenda (presenting it would name its author).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q

from peerwheel.hub.models import Post, PostKind, Trial


@dataclass(frozen=True)
class TaggedPost:
    """A live post carrying a tag; `author_id` None and no name when it is anonymous."""

    id: int
    kind: str
    title: str
    created: datetime
    author_id: int | None
    author_name: str
    tried_count: int


def tagged_posts(
    *, tag: str, authors: Collection[int], since: datetime, until: datetime
) -> list[TaggedPost]:
    """Live posts by `authors` carrying `tag`, shared in [since, until), oldest first.

    Anonymous posts are never among them: matched by author against a list of named people
    (a cohort's members), one would tell whoever reads the list that one of them wrote it.

    Tags are a JSON list; the window and the authors narrow the rows first, the tag is matched
    exactly in Python (SQLite has no JSON `contains`)."""
    rows = (
        Post.objects.filter(
            deleted__isnull=True,
            anonymous=False,
            author_id__in=list(authors),
            created__gte=since,
            created__lt=until,
            tags__icontains=tag,
        )
        .select_related("author")
        .order_by("created", "pk")
    )
    return [
        TaggedPost(
            id=post.pk,
            kind=post.kind,
            title=post.title,
            created=post.created,
            author_id=post.author_id,
            author_name=post.author.display_name,
            tried_count=post.tried_count,
        )
        for post in rows
        if tag in (post.tags or ())
    ]


@dataclass(frozen=True)
class PostTrials:
    trials: int
    people: int


def trials_of(
    *, post_ids: Collection[int], excluding: Collection[int], until: datetime
) -> PostTrials:
    """Trials of the posts recorded before `until` by anyone not in `excluding` (how many, and
    how many distinct people)."""
    counts = (
        Trial.objects.filter(post_id__in=list(post_ids), created__lt=until)
        .exclude(person_id__in=list(excluding))
        .aggregate(trials=Count("pk"), people=Count("person", distinct=True))
    )
    return PostTrials(trials=int(counts["trials"] or 0), people=int(counts["people"] or 0))


@dataclass(frozen=True)
class AgendaPost:
    """A post worth a slot at show-and-tell, with its (named) author."""

    id: int
    kind: str
    title: str
    author_id: int
    author_name: str
    #: trials of it in the week (wins), or all its trials and answers (fails)
    score: int


def _agenda_post(post: Post, score: int) -> AgendaPost:
    return AgendaPost(
        id=post.pk,
        kind=post.kind,
        title=post.title,
        author_id=post.author_id,
        author_name=post.author.display_name,
        score=score,
    )


def _named(kind: str | None = None) -> Q:
    condition = Q(deleted__isnull=True, anonymous=False)
    return condition & Q(kind=kind) if kind else condition


def wins_most_tried(*, since: datetime, until: datetime, limit: int) -> list[AgendaPost]:
    """Named wins ranked by the trials recorded in [since, until) (ties: all their trials)."""
    rows = (
        Post.objects.filter(_named(PostKind.WIN))
        .annotate(
            week_trials=Count(
                "trials", filter=Q(trials__created__gte=since, trials__created__lt=until)
            )
        )
        .filter(week_trials__gt=0)
        .select_related("author")
        .order_by("-week_trials", "-tried_count", "-created", "pk")[:limit]
    )
    return [_agenda_post(post, post.week_trials) for post in rows]


def first_time_sharers(*, since: datetime, until: datetime, limit: int) -> list[AgendaPost]:
    """People whose first named post that is not a question was shared in [since, until), with
    that post (most tried first)."""
    shared = Post.objects.filter(_named()).exclude(kind=PostKind.QUESTION)
    firsts = (
        shared.values("author_id")
        .annotate(first=Min("created"))
        .filter(first__gte=since, first__lt=until)
    )
    first_of = {row["author_id"]: row["first"] for row in firsts}
    posts = (
        shared.filter(author_id__in=list(first_of), created__gte=since, created__lt=until)
        .select_related("author")
        .order_by("created", "pk")
    )
    chosen: dict[int, Post] = {}
    for post in posts:
        if post.author_id not in chosen and post.created == first_of[post.author_id]:
            chosen[post.author_id] = post
    ranked = sorted(chosen.values(), key=lambda p: (-p.tried_count, p.created, p.pk))
    return [_agenda_post(post, post.tried_count) for post in ranked[:limit]]


def fail_for_agenda(*, since: datetime, until: datetime) -> AgendaPost | None:
    """The named fail shared in [since, until) that drew most trials and answers, if any."""
    post = (
        Post.objects.filter(_named(PostKind.FAIL), created__gte=since, created__lt=until)
        .select_related("author")
        .order_by("-tried_count", "-answer_count", "-created", "pk")
        .first()
    )
    return None if post is None else _agenda_post(post, post.tried_count + post.answer_count)
