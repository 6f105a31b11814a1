"""One per-user rate limit for every write, form or API, counted in Django's cache.

Each user has a counter per clock minute and bucket; with `PEERWHEEL_CACHE_URL` naming Redis or
a database table, every server process counts into the same one. Buckets:

- ``writes``: anything that stores what a person typed or did (posts, edits, answers, trials,
  reactions, survey answers, simulations, uploads): `PEERWHEEL_API_RATE_LIMIT` per minute.
- ``scans``: the guardrails' check and redact (the form calls the check on every pause in
  typing, so it gets its own, larger budget): `PEERWHEEL_SCAN_RATE_LIMIT` per minute.

Services do not count: imports, the demo and commands write through them without a limit.
Page views wrap themselves in :func:`rate_limited` (or call :func:`rate_limit_check`) before the
write; API endpoints name a :class:`RateLimitThrottle` (django-ninja's throttling interface over
the same counter), so a form and an API call spend one budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.throttling import BaseThrottle

Bucket = Literal["writes", "scans"]
RETRY_AFTER_SECONDS = 60
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RateLimitedError(Exception):
    """Too many writes (or scans) by one user this minute; nothing was done."""

    def __init__(self, bucket: Bucket, limit: int) -> None:
        what = "changes" if bucket == "writes" else "checks"
        self.bucket = bucket
        self.limit = limit
        self.message = (
            f"You have made {limit} {what} in the last minute, the most allowed; "
            "try again in a minute."
        )
        super().__init__(self.message)


def rate_limit(bucket: Bucket) -> int:
    """The number allowed per user per minute in `bucket` (from settings, read each time)."""
    if bucket == "scans":
        return int(settings.PEERWHEEL_SCAN_RATE_LIMIT)
    return int(settings.PEERWHEEL_API_RATE_LIMIT)


def rate_limit_check(user_id: int, bucket: Bucket = "writes") -> None:
    """Count one action by `user_id`; raise RateLimitedError past the limit of this minute."""
    key = f"ratelimit:{bucket}:{user_id}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=RETRY_AFTER_SECONDS + 30)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RETRY_AFTER_SECONDS + 30)
        count = 1
    limit = rate_limit(bucket)
    if count > limit:
        raise RateLimitedError(bucket, limit)


def rate_limited_response(request: HttpRequest, exc: RateLimitedError) -> HttpResponse:
    """The 429 page (an htmx request gets the same message, which htmx shows in place)."""
    response = render(request, "core/429.html", {"message": exc.message}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def rate_limited(
    bucket: Bucket = "writes",
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a page view: each POST (PUT, PATCH, DELETE) by a signed-in user counts; past the
    limit the view does not run and the user gets a 429 page saying when to try again."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = getattr(request, "user", None)
            if request.method in UNSAFE_METHODS and user is not None and user.is_authenticated:
                try:
                    rate_limit_check(user.pk, bucket)
                except RateLimitedError as exc:
                    return rate_limited_response(request, exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


RATE_LIMITED_ATTRIBUTE = "peerwheel_rate_limited"


class RateLimitThrottle(BaseThrottle):
    """django-ninja's throttle for an API operation, counting into :func:`rate_limit_check`.

    Not ninja's `SimpleRateThrottle`: its history list is read and written back without a lock
    (two server processes lose each other's counts) and its rate is fixed when the class is
    built. This one spends the same per-user, per-minute budget as the page forms, in the same
    cache. A request without a signed-in user is not counted (ninja's authentication, which
    runs first, has already answered 401). A refused request keeps its `RateLimitedError` on
    the request (`RATE_LIMITED_ATTRIBUTE`) for the API's 429 handler to word the answer;
    ninja adds `Retry-After` from :meth:`wait`.
    """

    def __init__(self, bucket: Bucket = "writes") -> None:
        self.bucket: Bucket = bucket

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        try:
            rate_limit_check(user.pk, self.bucket)
        except RateLimitedError as exc:
            setattr(request, RATE_LIMITED_ATTRIBUTE, exc)
            return False
        return True

    def wait(self) -> float:
        return float(RETRY_AFTER_SECONDS)


def rate_limited_error_of(request: HttpRequest) -> RateLimitedError | None:
    """The refusal a :class:`RateLimitThrottle` left on `request`, if any."""
    found = getattr(request, RATE_LIMITED_ATTRIBUTE, None)
    return found if isinstance(found, RateLimitedError) else None
