"""The peer-proximal feed: recent, tried by many, written by people close to the reader.

score = recency × reach × proximity, where

- recency = 2^(−age / half-life), age in days (7-day half-life by default; a post dated in the
  future counts as brand new);
- reach = 1 + ln(1 + distinct people who tried the post);
- proximity = the largest that applies of: same team 3, same role family 2.5, same department 2,
  a tie in the organisation network 2; otherwise 1. Anonymous posts always get 1, so the ranking
  can never hint at who wrote them.

The kind of post plays no part: a fail ranks exactly like a win with the same inputs, so sharing
a failure is never punished. Ties are broken by post id (ascending), so the order is
deterministic. Everything is vectorised over the candidate posts.

Input columns (a pandas DataFrame or a mapping of equal-length arrays):

| column | required | meaning |
| --- | --- | --- |
| ``post_id`` | yes | the post's id (int) |
| ``created_at`` | yes | when it was published (aware datetimes; naive ones are taken as UTC) |
| ``tried_by`` | yes | distinct people who said "I tried this" (≥ 0) |
| ``is_anonymous`` | yes | hidden author; a missing value counts as anonymous |
| ``author_id`` | no | the author's person id (for network ties) |
| ``author_team`` / ``author_role_family`` / ``author_department`` | no | the author's groups |

A missing optional column, or a missing value in it, simply never matches the reader.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

POST_ID = "post_id"
CREATED_AT = "created_at"
TRIED_BY = "tried_by"
IS_ANONYMOUS = "is_anonymous"
AUTHOR_ID = "author_id"
AUTHOR_TEAM = "author_team"
AUTHOR_ROLE_FAMILY = "author_role_family"
AUTHOR_DEPARTMENT = "author_department"

SECONDS_PER_DAY = 86_400.0

Posts: TypeAlias = pd.DataFrame | Mapping[str, Any]
GroupId: TypeAlias = int | str


class FeedInputError(ValueError):
    """Candidate posts or a setting the ranking cannot use; says which column and what to do."""


@dataclass(frozen=True, slots=True)
class ReaderContext:
    """Who is reading: their groups and the people they are tied to in the organisation."""

    person_id: int
    team: GroupId | None = None
    role_family: GroupId | None = None
    department: GroupId | None = None
    ties: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ProximityWeights:
    """How much closer authors count; the largest applicable weight is used."""

    same_team: float = 3.0
    same_role_family: float = 2.5
    same_department: float = 2.0
    network_tie: float = 2.0
    otherwise: float = 1.0


DEFAULT_WEIGHTS = ProximityWeights()


@dataclass(frozen=True, slots=True)
class FeedScores:
    """Each factor of the score, aligned with the input rows (useful to explain a ranking)."""

    post_ids: npt.NDArray[Any]
    recency: npt.NDArray[np.float64]
    reach: npt.NDArray[np.float64]
    proximity: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]


def _optional(posts: Posts, name: str) -> pd.Series | None:
    if name not in posts:
        return None
    values = posts[name]
    return values if isinstance(values, pd.Series) else pd.Series(values)


def _required(posts: Posts, name: str) -> pd.Series:
    column = _optional(posts, name)
    if column is None:
        raise FeedInputError(
            f"column {name!r} is missing from the candidate posts; add it "
            "(the module docstring of peerwheel.engine.ranking lists the columns)."
        )
    return column


def _matches(values: pd.Series | None, target: GroupId | None, n: int) -> npt.NDArray[np.bool_]:
    if values is None or target is None:
        return np.zeros(n, dtype=bool)
    return values.eq(target).to_numpy(dtype=bool, na_value=False)


def _ages_in_days(
    created: pd.Series, now: datetime, post_ids: pd.Series
) -> npt.NDArray[np.float64]:
    if now.tzinfo is None or now.utcoffset() is None:
        raise FeedInputError(
            "now must be a timezone-aware datetime, e.g. django.utils.timezone.now()"
        )
    try:
        stamps = pd.to_datetime(created, utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise FeedInputError(
            f"column {CREATED_AT!r} holds a value that is not a date: {exc}"
        ) from exc
    missing = stamps.isna().to_numpy()
    if missing.any():
        raise FeedInputError(
            f"column {CREATED_AT!r} is empty for post ids {post_ids[missing].tolist()[:10]}; "
            "every candidate needs its publication time."
        )
    seconds = (pd.Timestamp(now).tz_convert("UTC") - stamps).dt.total_seconds().to_numpy()
    return np.maximum(np.asarray(seconds, dtype=np.float64) / SECONDS_PER_DAY, 0.0)


def _tried(values: pd.Series, post_ids: pd.Series) -> npt.NDArray[np.float64]:
    try:
        tried = values.to_numpy(dtype=np.float64, na_value=np.nan)
    except (ValueError, TypeError) as exc:
        raise FeedInputError(f"column {TRIED_BY!r} must hold counts: {exc}") from exc
    bad = ~(tried >= 0)  # also catches NaN
    if bad.any():
        raise FeedInputError(
            f"column {TRIED_BY!r} must be a count ≥ 0; post ids {post_ids[bad].tolist()[:10]} "
            "have a negative or missing value (use 0 for untried posts)."
        )
    return tried


def _hidden(anonymous: pd.Series) -> npt.NDArray[np.bool_]:
    """Anonymous rows; a missing flag counts as anonymous (the safe side)."""
    missing = anonymous.isna()
    return missing.to_numpy(dtype=bool) | anonymous.where(~missing, False).astype(bool).to_numpy()


def _proximity(
    posts: Posts, reader: ReaderContext, weights: ProximityWeights, hidden: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float64]:
    n = len(hidden)
    proximity = np.full(n, weights.otherwise, dtype=np.float64)
    groups = (
        (AUTHOR_TEAM, reader.team, weights.same_team),
        (AUTHOR_ROLE_FAMILY, reader.role_family, weights.same_role_family),
        (AUTHOR_DEPARTMENT, reader.department, weights.same_department),
    )
    for column, target, weight in groups:
        same = _matches(_optional(posts, column), target, n)
        proximity[same] = np.maximum(proximity[same], weight)
    authors = _optional(posts, AUTHOR_ID)
    if authors is not None and reader.ties:
        tied = authors.isin(reader.ties).to_numpy(dtype=bool)
        proximity[tied] = np.maximum(proximity[tied], weights.network_tie)
    proximity[hidden] = weights.otherwise
    return proximity


def feed_scores(
    posts: Posts,
    reader: ReaderContext,
    now: datetime,
    *,
    half_life_days: float = 7.0,
    weights: ProximityWeights = DEFAULT_WEIGHTS,
) -> FeedScores:
    """Score every candidate post for this reader, keeping each factor."""
    if not (math.isfinite(half_life_days) and half_life_days > 0):
        raise FeedInputError(
            f"half_life_days must be a positive number of days, not {half_life_days!r}"
        )
    post_ids = _required(posts, POST_ID)
    columns = {name: _required(posts, name) for name in (CREATED_AT, TRIED_BY, IS_ANONYMOUS)}
    for name, column in columns.items():
        if len(column) != len(post_ids):
            raise FeedInputError(
                f"column {name!r} has {len(column)} values but {POST_ID!r} has {len(post_ids)}; "
                "give every column one value per candidate post."
            )
    ages = _ages_in_days(columns[CREATED_AT], now, post_ids)
    recency = np.exp2(-ages / half_life_days)
    reach = 1.0 + np.log1p(_tried(columns[TRIED_BY], post_ids))
    proximity = _proximity(posts, reader, weights, _hidden(columns[IS_ANONYMOUS]))
    return FeedScores(
        post_ids=post_ids.to_numpy(),
        recency=recency,
        reach=reach,
        proximity=proximity,
        score=recency * reach * proximity,
    )


def score_feed(
    posts: Posts,
    reader: ReaderContext,
    now: datetime,
    *,
    half_life_days: float = 7.0,
    weights: ProximityWeights = DEFAULT_WEIGHTS,
) -> npt.NDArray[np.float64]:
    """The score of each candidate post, aligned with the input rows."""
    return feed_scores(posts, reader, now, half_life_days=half_life_days, weights=weights).score


def rank_feed(
    posts: Posts,
    reader: ReaderContext,
    now: datetime,
    *,
    half_life_days: float = 7.0,
    weights: ProximityWeights = DEFAULT_WEIGHTS,
    limit: int | None = None,
) -> npt.NDArray[Any]:
    """Post ids, best first; equal scores in ascending post id order. ``limit`` keeps the top."""
    scores = feed_scores(posts, reader, now, half_life_days=half_life_days, weights=weights)
    order = np.lexsort((scores.post_ids, -scores.score))
    ranked = scores.post_ids[order]
    return ranked if limit is None else ranked[:limit]
