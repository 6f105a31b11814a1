"""Follows: once each, validated, undone; the feed brings followed tools, topics and people
forward (an anonymous post for its tool or topic, never for its author)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from peerwheel.hub.feed import feed_rank
from peerwheel.hub.models import Post
from peerwheel.notifications.models import Follow
from peerwheel.notifications.selectors import FOLLOW_BOOST, FollowSet, follow_boost, follows_of
from peerwheel.notifications.services import NotificationInputError, follow_add, follow_remove
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


def test_each_thing_is_followed_once_and_unfollowed(org: dict[str, Person]) -> None:
    alice = org["alice"]
    first = follow_add(person=alice, kind="tool", value="Copilot")
    assert follow_add(person=alice, kind="tool", value="copilot ") == first
    follow_add(person=alice, kind="topic", value="#Meeting Notes")
    follow_add(person=alice, kind="person", followed=org["carol"])
    follow_add(person=alice, kind="person", followed=org["carol"])
    assert follows_of(alice) == FollowSet(
        tools=frozenset({"copilot"}),
        topics=frozenset({"meeting-notes"}),
        people=frozenset({org["carol"].pk}),
    )
    assert Follow.objects.count() == 3

    assert follow_remove(person=alice, kind="tool", value="COPILOT") is True
    assert follow_remove(person=alice, kind="tool", value="Copilot") is False
    assert follow_remove(person=alice, kind="person", followed=org["carol"]) is True
    assert follows_of(alice) == FollowSet(topics=frozenset({"meeting-notes"}))


@pytest.mark.parametrize(
    ("kind", "value", "field", "message"),
    [
        ("team", "x", "kind", "kind must be one of tool, topic, person"),
        ("tool", "  ", "value", "Name the tool to follow"),
        ("topic", "a/b", "value", "is not a topic"),
        ("person", "", "person", "Say which person to follow"),
    ],
)
def test_a_follow_that_makes_no_sense_is_refused_naming_the_field(
    org: dict[str, Person], kind: str, value: str, field: str, message: str
) -> None:
    with pytest.raises(NotificationInputError, match=message) as caught:
        follow_add(person=org["alice"], kind=kind, value=value)
    assert caught.value.field == field
    with pytest.raises(NotificationInputError, match="cannot follow yourself"):
        follow_add(person=org["alice"], kind="person", followed=org["alice"])
    assert Follow.objects.count() == 0


def _ranked(person: Person) -> list[int]:
    return list(feed_rank(person, now=timezone.now()).post_ids)


def test_following_brings_a_tool_a_topic_and_a_person_forward_in_the_feed(
    org: dict[str, Person], publish: Callable[..., Post]
) -> None:
    now = timezone.now()
    # Nobody here is close to alice (all in Sales): without follows the newest post leads.
    newest = publish("charlie", title="Newest win", at=now - timedelta(days=1))
    claude = publish("carol", title="Claude trick", tool="Claude", at=now - timedelta(days=2))
    tagged = publish("dan", title="Deck tip", tags=["slides"], at=now - timedelta(days=2, hours=1))
    alice = org["alice"]
    assert _ranked(alice) == [newest.pk, claude.pk, tagged.pk]

    follow_add(person=alice, kind="tool", value="claude")
    assert _ranked(alice) == [claude.pk, newest.pk, tagged.pk]
    follow_add(person=alice, kind="topic", value="slides")
    assert _ranked(alice) == [claude.pk, tagged.pk, newest.pk]
    follow_remove(person=alice, kind="tool", value="claude")
    follow_add(person=alice, kind="person", followed=org["dan"])
    assert _ranked(alice)[0] == tagged.pk


def test_a_followed_persons_anonymous_post_is_not_boosted(
    org: dict[str, Person], publish: Callable[..., Post]
) -> None:
    now = timezone.now()
    newest = publish("charlie", title="Newest win", at=now - timedelta(days=1))
    hidden = publish("dan", title="Quiet", anonymous=True, at=now - timedelta(days=2))
    follow_add(person=org["alice"], kind="person", followed=org["dan"])
    assert _ranked(org["alice"]) == [newest.pk, hidden.pk]


def test_an_old_followed_post_outside_the_recent_window_still_comes_in(
    org: dict[str, Person], publish: Callable[..., Post], monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerwheel.hub import feed

    now = timezone.now()
    old = publish("dan", title="Claude, two weeks ago", tool="Claude", at=now - timedelta(days=14))
    recent = [publish("carol", title=f"New {i}", at=now - timedelta(hours=i)) for i in range(3)]
    monkeypatch.setattr(feed, "RECENT", 3)
    assert old.pk not in _ranked(org["alice"])
    follow_add(person=org["alice"], kind="tool", value="Claude")
    assert old.pk in _ranked(org["alice"]) and len(recent) == 3
    tagged = publish("dan", title="Decks", tags=["slide", "slides-2"], at=now - timedelta(days=9))
    wanted = publish("dan", title="Slides", tags=["x", "slides"], at=now - timedelta(days=10))
    follow_add(person=org["alice"], kind="topic", value="slides")
    ranked = _ranked(org["alice"])
    assert wanted.pk in ranked and tagged.pk not in ranked  # the tag itself, not a prefix


def test_follow_boost_for_each_post() -> None:
    follows = FollowSet(
        tools=frozenset({"copilot"}), topics=frozenset({"x"}), people=frozenset({7})
    )
    boost = follow_boost(
        follows,
        tools=["Copilot", "", None, "", ""],
        tags=[[], ["x", "y"], None, [], []],
        authors=[1, 2, 3, 7, 7],
        anonymous=[False, True, False, False, True],
    )
    b = FOLLOW_BOOST
    np.testing.assert_array_equal(boost, [b, b, 1.0, b, 1.0])
    assert follow_boost(FollowSet(), tools=["a"], tags=[[]], authors=[1], anonymous=[False])[0] == 1


def test_follow_buttons_on_a_post_follow_and_unfollow_in_place(
    org: dict[str, Person], cast: dict[str, User], client_for: Callable[[str], Client],
    publish: Callable[..., Post],
) -> None:  # fmt: skip
    post = publish("carol", title="Claude trick", tool="Claude", tags=["slides"])
    alice = client_for("alice")
    page = alice.get(f"/hub/posts/{post.pk}/").content.decode()
    assert "Follow Claude" in page and "Follow #slides" in page and "Follow Carol Clark" in page

    data = {"kind": "tool", "value": "Claude", "label": "Claude", "action": "follow"}
    response = alice.post("/notifications/follow/", data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Following Claude" in response.content.decode() and 'value="unfollow"' in (
        response.content.decode()
    )
    assert "Following Claude" in alice.get(f"/hub/posts/{post.pk}/").content.decode()
    person = {"kind": "person", "person": str(org["carol"].pk), "action": "follow"}
    back = alice.post("/notifications/follow/", {**person, "next": f"/hub/posts/{post.pk}/"})
    assert back.status_code == 302 and back["Location"] == f"/hub/posts/{post.pk}/"
    listed = alice.get("/notifications/").content.decode()
    assert "Following Claude" in listed and "Following Carol Clark" in listed

    alice.post("/notifications/follow/", {**data, "action": "unfollow"})
    assert follows_of(org["alice"]).tools == frozenset()
    refused = alice.post(
        "/notifications/follow/", {"kind": "team", "value": "x"}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 422 and "kind must be one of" in refused.content.decode()
    offsite = alice.post("/notifications/follow/", {**data, "next": "https://evil.example/"})
    assert offsite["Location"] == "/notifications/"
