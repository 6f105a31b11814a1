"""Reads of hub activity for the flywheel math (insights): who adopted visibly when, the
influence events between people, and each person's evidence as a natural champion.

Anonymity holds here as everywhere: nothing about an anonymous post is tied to its author.
Events about an anonymous post are left out (they would credit its author), an anonymous post
is no one's first visible use and no one's reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min

from peerwheel.hub.models import Answer, InfluenceEvent, InfluenceKind, Post, PostKind, Trial

#: the hub's kinds under the flywheel's names (engine.flywheel.data.EVENT_KINDS)
FLYWHEEL_KIND = {InfluenceKind.ATTENDED_DEMO.value: "attended"}


def visible_first_use(*, until: datetime) -> dict[int, datetime]:
    """Person id → their first visible use of AI on the hub before `until`: the first post
    under their own name that is not a question, or their first "I tried this"."""
    first: dict[int, datetime] = {}
    posts = (
        Post.objects.filter(created__lt=until, anonymous=False, deleted__isnull=True)
        .exclude(kind=PostKind.QUESTION)
        .values_list("author_id")
        .annotate(at=Min("created"))
        .order_by()
    )
    trials = (
        Trial.objects.filter(created__lt=until)
        .values_list("person_id")
        .annotate(at=Min("created"))
        .order_by()
    )
    for person_id, at in [*posts, *trials]:
        if person_id not in first or at < first[person_id]:
            first[person_id] = at
    return first


def influence_event_rows(
    *, until: datetime, since: datetime | None = None
) -> list[tuple[int, int, str, datetime]]:
    """(source id, target id, kind, when) of every influence event before `until` (and from
    `since`, when given), oldest first, kinds named as the flywheel math names them; none about
    an anonymous post."""
    window = {} if since is None else {"created__gte": since}
    rows = (
        InfluenceEvent.objects.filter(created__lt=until, anonymous_post=False, **window)
        .order_by("created", "id")
        .values_list("source_id", "target_id", "kind", "created")
    )
    return [(s, t, FLYWHEEL_KIND.get(k, k), at) for s, t, k, at in rows if s != t]


@dataclass(frozen=True)
class HubEvidence:
    """One person's hub evidence over a window: counts only."""

    #: answers to distinct askers, an accepted answer counted double
    help: int = 0
    #: distinct colleagues who tried their posts
    reach: int = 0
    #: of those, how many are outside their department
    reach_outside: int = 0
    #: weeks with a post under their name, an answer or a trial
    active_weeks: int = 0


def champion_evidence(
    *, since: datetime, until: datetime, department_of: Mapping[int, int | None]
) -> dict[int, HubEvidence]:
    """Person id → `HubEvidence` from `since` (inclusive) to `until` (exclusive).
    `department_of` maps people to their department (for reach outside it)."""
    help_score: dict[int, int] = defaultdict(int)
    seen_askers: dict[int, set[int]] = defaultdict(set)
    answers = Answer.objects.filter(
        created__gte=since, created__lt=until, post__kind=PostKind.QUESTION
    ).values_list("author_id", "post__author_id", "accepted")
    for author, asker, accepted in answers.order_by("created", "id"):
        if author == asker:
            continue
        if asker not in seen_askers[author]:
            seen_askers[author].add(asker)
            help_score[author] += 1
        if accepted:
            help_score[author] += 1
    triers: dict[int, set[int]] = defaultdict(set)
    trials = Trial.objects.filter(
        created__gte=since, created__lt=until, post__anonymous=False
    ).values_list("post__author_id", "person_id")
    for author, person in trials:
        if author != person:
            triers[author].add(person)
    weeks: dict[int, set[int]] = defaultdict(set)
    for person, at in [
        *Post.objects.filter(created__gte=since, created__lt=until, anonymous=False).values_list(
            "author_id", "created"
        ),
        *Answer.objects.filter(created__gte=since, created__lt=until).values_list(
            "author_id", "created"
        ),
        *Trial.objects.filter(created__gte=since, created__lt=until).values_list(
            "person_id", "created"
        ),
    ]:
        weeks[person].add((at - since).days // 7)
    people = set(help_score) | set(triers) | set(weeks)
    evidence: dict[int, HubEvidence] = {}
    for person in people:
        reached = triers.get(person, set())
        home = department_of.get(person)
        outside = sum(1 for other in reached if home is None or department_of.get(other) != home)
        evidence[person] = HubEvidence(
            help=help_score.get(person, 0),
            reach=len(reached),
            reach_outside=outside,
            active_weeks=len(weeks.get(person, ())),
        )
    return evidence


@dataclass(frozen=True)
class HubActivity:
    """The hub's rows over a window, for insights' momentum measures (docs/metrics.md,
    "Momentum"). Live posts only. An anonymous post's author is here for aggregate counts only
    (fails, questions, the anonymous share per group): never a visible action, never shown."""

    #: (author id, kind, anonymous, created, question stage or None)
    posts: tuple[tuple[int, str, bool, datetime, int | None], ...]
    #: (author id, kind of the post answered, answered their own post, created)
    answers: tuple[tuple[int, str, bool, datetime], ...]
    #: (person id, created) of every "I tried this"
    trials: tuple[tuple[int, datetime], ...]
    #: (presenter id, when) of every demo shown (a session someone attended)
    demos: tuple[tuple[int, datetime], ...]


def hub_activity(*, since: datetime, until: datetime, person: int | None = None) -> HubActivity:
    """Posts, answers, trials and demos from `since` (inclusive) to `until` (exclusive); only
    one person's own when `person` is given."""
    window = {"created__gte": since, "created__lt": until}
    posts = Post.objects.filter(deleted__isnull=True, **window)
    answers = Answer.objects.filter(post__deleted__isnull=True, **window)
    trials = Trial.objects.filter(**window)
    demos = InfluenceEvent.objects.filter(kind=InfluenceKind.ATTENDED_DEMO, **window)
    if person is not None:
        posts, answers = posts.filter(author_id=person), answers.filter(author_id=person)
        trials, demos = trials.filter(person_id=person), demos.filter(source_id=person)
    return HubActivity(
        posts=tuple(
            posts.order_by("created", "id").values_list(
                "author_id", "kind", "anonymous", "created", "question_stage"
            )
        ),
        answers=tuple(
            (author, kind, author == asker, at)
            for author, kind, asker, at in answers.order_by("created", "id").values_list(
                "author_id", "post__kind", "post__author_id", "created"
            )
        ),
        trials=tuple(trials.order_by("created", "id").values_list("person_id", "created")),
        demos=tuple(demos.order_by("created").values_list("source_id", "created").distinct()),
    )
