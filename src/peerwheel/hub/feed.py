"""The peer-proximal feed: a candidate window picked in SQL, ranked by `engine.ranking`.

Candidates (never the reader's own posts, never deleted ones):

1. the newest `RECENT` posts, whatever their age;
2. the newest `NEAR` posts of the last `WINDOW_DAYS` by people close to the reader (same team,
   role family or department, or a tie in the organisation network); anonymous posts are not
   looked up by author, so they only come in through 1 and 3;
3. the `POPULAR` most-tried posts of the last `WINDOW_DAYS`;
4. the newest `FOLLOWED` posts of the last `WINDOW_DAYS` in a tool, topic or (named) person the
   reader follows (`notifications.selectors`).

The engine scores them: recency (half-life `PEERWHEEL_FEED_HALF_LIFE_DAYS`, 7 days) × reach
(1 + ln(1 + distinct people who tried)) × proximity (team 3, role family 2.5, department 2, tie 2,
else 1; anonymous posts 1), times `FOLLOW_BOOST` (2) for a post in what the reader follows (an
anonymous post for its tool or topic only, never its author). The window is an approximation,
chosen so the feed costs the same at 200,000 posts as at 200: a post outside all four sets is
older than the newest `RECENT`, not written by someone close or followed in the last four weeks
and not among the most tried, so it could only outrank what is shown in rare corner cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Q

from peerwheel.engine.ranking import (
    AUTHOR_DEPARTMENT,
    AUTHOR_ID,
    AUTHOR_ROLE_FAMILY,
    AUTHOR_TEAM,
    CREATED_AT,
    IS_ANONYMOUS,
    POST_ID,
    TRIED_BY,
    ReaderContext,
    feed_scores,
)
from peerwheel.hub.models import Post
from peerwheel.notifications.selectors import FollowSet, follow_boost, followed_posts_q, follows_of
from peerwheel.org.models import Person, Tie

RECENT = 1_000
NEAR = 300
POPULAR = 200
FOLLOWED = 200
WINDOW_DAYS = 28

_COLUMNS = (
    "id",
    "created",
    "tried_count",
    "anonymous",
    "author_id",
    "author__team_id",
    "author__role_family",
    "author__department_id",
    "tool",
    "tags",
)


@dataclass(frozen=True)
class RankedFeed:
    post_ids: tuple[int, ...]  # best first, the whole ranked candidate set
    candidates: int


def reader_context(person: Person) -> ReaderContext:
    """The reader's groups and network ties (one query for the ties)."""
    ties: set[int] = set()
    for a, b in Tie.objects.filter(Q(person_a=person) | Q(person_b=person)).values_list(
        "person_a_id", "person_b_id"
    ):
        ties.add(b if a == person.pk else a)
    return ReaderContext(
        person_id=person.pk,
        team=person.team_id,
        role_family=person.role_family or None,
        department=person.department_id,
        ties=frozenset(ties),
    )


def _candidates(reader: ReaderContext, now: datetime, follows: FollowSet) -> pd.DataFrame:
    live = Post.objects.filter(deleted__isnull=True).exclude(author_id=reader.person_id)
    since = now - timedelta(days=WINDOW_DAYS)
    recent = live.order_by("-created", "-id").values_list(*_COLUMNS)[:RECENT]
    close = Q(author_id__in=reader.ties) if reader.ties else Q(pk__in=[])
    if reader.team is not None:
        close |= Q(author__team_id=reader.team)
    if reader.role_family:
        close |= Q(author__role_family=reader.role_family)
    if reader.department is not None:
        close |= Q(author__department_id=reader.department)
    near = (
        live.filter(close, anonymous=False, created__gte=since)
        .order_by("-created", "-id")
        .values_list(*_COLUMNS)[:NEAR]
    )
    popular = (
        live.filter(created__gte=since, tried_count__gt=0)
        .order_by("-tried_count", "-created", "-id")
        .values_list(*_COLUMNS)[:POPULAR]
    )
    followed = followed_posts_q(follows)
    in_follows = (
        []
        if followed is None
        else live.filter(followed, created__gte=since)
        .order_by("-created", "-id")
        .values_list(*_COLUMNS)[:FOLLOWED]
    )
    rows = {row[0]: row for row in [*recent, *near, *popular, *in_follows]}
    return pd.DataFrame(
        list(rows.values()),
        columns=[
            POST_ID,
            CREATED_AT,
            TRIED_BY,
            IS_ANONYMOUS,
            AUTHOR_ID,
            AUTHOR_TEAM,
            AUTHOR_ROLE_FAMILY,
            AUTHOR_DEPARTMENT,
            "tool",
            "tags",
        ],
    )


def feed_rank(person: Person, *, now: datetime, limit: int | None = None) -> RankedFeed:
    """The reader's feed, best first (post ids only)."""
    reader = reader_context(person)
    follows = follows_of(person)
    frame = _candidates(reader, now, follows)
    if frame.empty:
        return RankedFeed(post_ids=(), candidates=0)
    scores = feed_scores(frame, reader, now, half_life_days=settings.PEERWHEEL_FEED_HALF_LIFE_DAYS)
    score = scores.score * follow_boost(
        follows, tools=frame["tool"].tolist(), tags=frame["tags"].tolist(),
        authors=frame[AUTHOR_ID].tolist(), anonymous=frame[IS_ANONYMOUS].tolist(),
    )  # fmt: skip
    ranked = scores.post_ids[np.lexsort((scores.post_ids, -score))]  # ties: lower id first
    ranked = ranked if limit is None else ranked[:limit]
    return RankedFeed(post_ids=tuple(int(i) for i in ranked), candidates=len(frame))
