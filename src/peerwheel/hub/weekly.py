"""The hub's week, for the weekly digest: what was shared and tried between two instants, and
each reader's question stage. Reached by other apps through `hub.selectors`.

Anonymity: an anonymous post's author is never in these views (`author_id` None, no name, no
groups), so nothing downstream can tell who wrote it or rank it by closeness to its author.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from peerwheel.hub.models import Post, PostKind, QuestionStage, Trial
from peerwheel.hub.search import excerpt

#: the kinds of post the digest carries, and questions
WEEK_KINDS = (PostKind.WIN, PostKind.PROMPT, PostKind.FAIL, PostKind.QUESTION)


@dataclass(frozen=True)
class WeekPost:
    """A live post shared or tried in the week; the author's fields empty when anonymous."""

    id: int
    kind: str
    title: str
    excerpt: str
    created: datetime
    anonymous: bool
    author_id: int | None
    author_name: str
    author_team: int | None
    author_role_family: str
    minutes_saved: int | None
    tried_count: int
    answer_count: int
    question_stage: int | None
    shared_in_week: bool


@dataclass(frozen=True)
class WeekTrial:
    """Someone's "I tried this" in the week (trials are shown by name on the hub)."""

    post_id: int
    person_id: int
    person_team: int | None
    person_role_family: str


@dataclass(frozen=True)
class WeekActivity:
    posts: dict[int, WeekPost]
    trials: tuple[WeekTrial, ...]


def _week_post(post: Post, *, shared: bool) -> WeekPost:
    hidden = post.anonymous
    author = post.author
    return WeekPost(
        id=post.pk,
        kind=post.kind,
        title=post.title,
        excerpt=excerpt(post.body_html),
        created=post.created,
        anonymous=hidden,
        author_id=None if hidden else author.pk,
        author_name="" if hidden else author.display_name,
        author_team=None if hidden else author.team_id,
        author_role_family="" if hidden else author.role_family,
        minutes_saved=post.minutes_saved,
        tried_count=post.tried_count,
        answer_count=post.answer_count,
        question_stage=post.question_stage,
        shared_in_week=shared,
    )


def week_activity(*, since: datetime, until: datetime) -> WeekActivity:
    """Wins, prompts, fails and questions shared in [since, until), the trials made in it, and
    the posts those trials were about (three queries)."""
    live = Post.objects.filter(deleted__isnull=True, kind__in=WEEK_KINDS).select_related("author")
    shared = live.filter(created__gte=since, created__lt=until).order_by("created", "id")
    posts = {post.pk: _week_post(post, shared=True) for post in shared}
    trials = tuple(
        WeekTrial(post_id, person_id, team_id, role_family or "")
        for post_id, person_id, team_id, role_family in Trial.objects.filter(
            created__gte=since,
            created__lt=until,
            post__deleted__isnull=True,
            post__kind__in=WEEK_KINDS,
        )
        .order_by("created", "id")
        .values_list("post_id", "person_id", "person__team_id", "person__role_family")
    )
    older = {t.post_id for t in trials} - posts.keys()
    for post in live.filter(pk__in=older):
        posts[post.pk] = _week_post(post, shared=False)
    return WeekActivity(posts=posts, trials=trials)


def question_stages_of(person_ids: Iterable[int], *, before: datetime) -> dict[int, int]:
    """Each person's question stage: the stage of their latest question before `before` that has
    one. People who asked none are left out (the caller's default: stage 1)."""
    stages: dict[int, int] = {}
    rows = (
        Post.objects.filter(
            kind=PostKind.QUESTION,
            author_id__in=list(person_ids),
            question_stage__isnull=False,
            created__lt=before,
            deleted__isnull=True,
        )
        .order_by("author_id", "-created", "-id")
        .values_list("author_id", "question_stage")
    )
    for person_id, stage in rows:
        stages.setdefault(person_id, int(QuestionStage(int(stage or 1))))
    return stages
