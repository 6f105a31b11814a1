"""With PEERWHEEL_CACHE_URL naming Redis, server processes share one rate limit: writes made
through one process count in another (each process's memory cache would let N times as many)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from peerwheel.core import ratelimit
from peerwheel.env import envcache
from tests.hub.test_api import WIN, Api

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, emptied by the test


def _redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_is_up(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)"
)


@pytest.fixture
def redis_cache(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PEERWHEEL_CACHE_URL", REDIS_URL)
    settings.CACHES = envcache("PEERWHEEL_CACHE_URL")
    cache.clear()
    yield
    cache.clear()


def _writes_elsewhere(user_pk: int, count: int, now: float) -> None:
    """`count` writes counted by another server process with the same settings, at `now` (the
    limit counts per clock minute: both processes must see the same minute)."""
    code = (
        "import django; django.setup(); from types import SimpleNamespace; "
        "from peerwheel.core import ratelimit; from peerwheel.hub import api; "
        f"ratelimit.time = SimpleNamespace(time=lambda: {now!r}); "
        f"user = SimpleNamespace(pk={user_pk}, is_authenticated=True); "
        f"assert all(api.WRITES.allow_request(SimpleNamespace(user=user)) "
        f"for _ in range({count}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    subprocess.run(
        [sys.executable, "-c", code],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "peerwheel.settings",
            "PEERWHEEL_HOME": os.environ.get("PEERWHEEL_HOME", "var"),
            "PEERWHEEL_CACHE_URL": REDIS_URL,
            "PEERWHEEL_API_RATE_LIMIT": "3",
        },
        check=True,
        timeout=60,
    )


@pytest.mark.usefixtures("redis_cache")
def test_the_rate_limit_counts_writes_made_through_every_process(
    cast: dict[str, User], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 3
    now = time.time()  # one clock minute for the whole test, here and in the other process
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    alice = Api(cast["alice"])

    assert alice.call("post", "/posts", WIN)[0] == 201
    _writes_elsewhere(cast["alice"].pk, 2, now)  # two more, through another process

    status, body = alice.call("post", "/posts", WIN)
    assert status == 429, body
    assert "3 changes in the last minute" in body["error"]["message"]
    assert Api(cast["bob"]).call("post", "/posts", WIN)[0] == 201  # bob's count is his own
