"""One per-user write limit for every form, in every part: the hub's forms, the survey, the
study's and simulation's forms and uploads count into the same counter as the API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from peerwheel.core import ratelimit
from peerwheel.core.ratelimit import RateLimitedError, rate_limit_check, rate_limited

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    cache.clear()
    yield
    cache.clear()


def test_the_counter_refuses_past_the_limit_per_user_and_bucket(settings: Any) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 2
    settings.PEERWHEEL_SCAN_RATE_LIMIT = 1
    rate_limit_check(1)
    rate_limit_check(1)
    with pytest.raises(RateLimitedError, match="You have made 2 changes in the last minute"):
        rate_limit_check(1)
    rate_limit_check(2)  # someone else
    rate_limit_check(1, "scans")  # another bucket
    with pytest.raises(RateLimitedError, match="1 checks"):
        rate_limit_check(1, "scans")


def test_the_decorator_counts_only_writes_by_signed_in_users(
    cast: dict[str, User], settings: Any
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    calls: list[str] = []

    @rate_limited()
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(request.method or "")
        return HttpResponse("ok")

    factory = RequestFactory()

    def request(method: str, user: Any) -> HttpResponse:
        req = getattr(factory, method)("/x/")
        req.user = user
        return view(req)

    assert [request("get", cast["alice"]).status_code for _ in range(3)] == [200] * 3
    assert request("post", AnonymousUser()).status_code == 200  # sign-in decides, not us
    assert request("post", cast["alice"]).status_code == 200
    refused = request("post", cast["alice"])
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "try again in a minute" in refused.content.decode()
    assert calls == ["GET", "GET", "GET", "POST", "POST"]  # the refused write never ran


@pytest.mark.parametrize(
    ("who", "path", "data"),
    [
        ("alice", "/study/survey/", {}),
        ("dan", "/study/waves/new/", {"name": ""}),
        ("dan", "/study/instrument/", {}),
        ("dan", "/study/upload/", {}),
        ("dan", "/simulate/", {"mode": "strategies"}),
        ("erin", "/usage/imports/", {}),
    ],
)
def test_form_writes_in_every_part_are_limited(
    client_for: Callable[[str], Client], settings: Any, who: str, path: str, data: dict[str, str]
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    client = client_for(who)
    first = client.post(path, data)
    second = client.post(path, data)
    assert first.status_code != 429, path
    assert second.status_code == 429, path
    assert "the most allowed; try again in a minute" in second.content.decode()
