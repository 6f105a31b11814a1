"""Notification tests: hub content written through the hub's real services, a clean cache (rate
limits) per test, and the email outbox emptied by Django's locmem backend per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from peerwheel.hub.models import Post
from peerwheel.hub.services import post_publish
from peerwheel.notifications.models import Notification
from peerwheel.org.models import Person


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def publish(org: dict[str, Person]) -> Callable[..., Post]:
    """publish("alice", kind="question", title=..., ...) through hub.services.post_publish."""

    def make(author: str, **fields: Any) -> Post:
        values: dict[str, Any] = {"kind": "win", "title": "A win", "body": "It saved time."}
        values.update(fields)
        return post_publish(author=org[author], **values)

    return make


def told(person: Person) -> list[tuple[str, int]]:
    """(kind, post id) of everything a person was notified of, oldest first."""
    rows = Notification.objects.filter(recipient=person).order_by("created", "id")
    return [(row.kind, row.post_id) for row in rows]
