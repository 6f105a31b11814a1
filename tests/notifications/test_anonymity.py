"""An anonymous author is notified like anyone, and no page, API answer, email or admin page of
anyone else tells who they are; when they act (accept, mention, answer their own question), the
people they notify are not told who either."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_accept, answer_post, prompt_adapt
from peerwheel.notifications.models import Follow, Notification, NotificationPreference
from peerwheel.notifications.services import follow_add
from peerwheel.org.models import Person
from tests.notifications.conftest import told

pytestmark = pytest.mark.django_db
EVERYONE = ("alice", "bob", "carol", "dan", "erin")


def _everything_seen_by(client_for: Callable[[str], Client], name: str) -> str:
    """The person's notifications page, bell and API answer, as one text."""
    client = client_for(name)
    page = client.get("/notifications/").content.decode()
    bell = client.get("/notifications/bell/").content.decode()
    api = json.dumps(client.get("/api/notifications").json())
    return page + bell + api


def test_an_anonymous_asker_is_notified_and_nobody_can_tell_who(
    org: dict[str, Person],
    cast: dict[str, User],
    client_for: Callable[[str], Client],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    question = publish("bob", kind="question", title="Is it OK to paste code?", body="Honestly?",
                       anonymous=True)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answer_post(post=question, author=org["alice"], body="Yes, into the approved tool.")

    assert told(org["bob"]) == [("answer_on_my_post", question.pk)]
    (email,) = mail.outbox
    assert email.to == ["bob@example.com"]
    assert "Alice Adams answered your question" in email.subject
    bob_sees = client_for("bob").get("/api/notifications").json()
    assert bob_sees["items"][0]["post_id"] == question.pk and bob_sees["unread"] == 1
    for name in ("alice", "carol", "dan", "erin"):
        seen = _everything_seen_by(client_for, name)
        assert "Bob" not in seen and f'"post_id": {question.pk}' not in seen, name
    # The post's own page still shows no author to anyone else, notified or not.
    assert "Bob Brown" not in client_for("alice").get(f"/hub/posts/{question.pk}/").content.decode()


def test_what_an_anonymous_author_does_never_names_them(
    org: dict[str, Person],
    cast: dict[str, User],
    client_for: Callable[[str], Client],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        question = publish("bob", kind="question", title="Secret project help", body="cc @carol",
                           anonymous=True)  # fmt: skip
        answer = answer_post(post=question, author=org["alice"], body="Here is how.")
        answer_accept(answer=answer, actor=org["bob"])
        answer_post(post=question, author=org["bob"], body="Thanks! @dan may want this too.")

    assert told(org["alice"]) == [("answer_accepted", question.pk)]
    assert told(org["carol"]) == [("mentioned", question.pk)]
    assert told(org["dan"]) == [("mentioned", question.pk)]
    assert set(Notification.objects.exclude(recipient=org["bob"]).values_list(
        "actor_hidden", flat=True)) == {True}  # fmt: skip
    for name in ("alice", "carol", "dan"):
        seen = _everything_seen_by(client_for, name)
        assert "Bob" not in seen and "Someone (anonymous)" in seen, name
        assert '"actor": null' in seen
    for email in mail.outbox:
        if email.to != ["bob@example.com"]:
            assert "Bob" not in email.subject + email.body


def test_an_anonymous_post_reaches_its_tool_followers_but_never_the_authors_followers(
    org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    follow_add(person=org["alice"], kind="person", followed=org["bob"])
    follow_add(person=org["carol"], kind="tool", value="copilot")
    follow_add(person=org["dan"], kind="topic", value="#Security")
    anonymous = publish("bob", title="I leaked a key", body="Lesson.", kind="fail",
                        tool="Copilot", tags=["security"], anonymous=True)  # fmt: skip
    named = publish("bob", title="Prompt for slides", tool="Claude")

    assert told(org["alice"]) == [("followed_new_post", named.pk)]
    assert told(org["carol"]) == [("followed_new_post", anonymous.pk)]
    assert told(org["dan"]) == [("followed_new_post", anonymous.pk)]
    rows = Notification.objects.filter(post=anonymous).order_by("recipient__employee_id")
    assert [(r.via, r.actor_hidden) for r in rows] == [
        ("tool:copilot", True),
        ("topic:security", True),
    ]


def test_an_anonymous_prompts_author_hears_of_adaptations_and_the_adapter_learns_nothing(
    org: dict[str, Person],
    cast: dict[str, User],
    client_for: Callable[[str], Client],
    publish: Callable[..., Post],
) -> None:
    parent = publish("bob", kind="prompt", title="Chasers", prompt_text="Chase.", anonymous=True)
    child = prompt_adapt(parent=parent, author=org["alice"], title="Chasers, kinder")
    assert told(org["bob"]) == [("prompt_adapted", child.pk)]
    assert "Bob" not in _everything_seen_by(client_for, "alice")


def test_an_anonymous_posts_page_offers_no_button_to_follow_its_author(
    org: dict[str, Person], client_for: Callable[[str], Client], publish: Callable[..., Post]
) -> None:
    anonymous = publish("bob", title="Quiet win", tool="Copilot", anonymous=True)
    named = publish("bob", title="Loud win", tool="Copilot")
    bob_id = f'name="person" value="{org["bob"].pk}"'

    page = client_for("alice").get(f"/hub/posts/{anonymous.pk}/").content.decode()
    assert "Follow Copilot" in page and bob_id not in page and "Bob" not in page
    page = client_for("alice").get(f"/hub/posts/{named.pk}/").content.decode()
    assert "Follow Bob Brown" in page and bob_id in page


def test_the_admin_has_no_page_for_notifications_follows_or_preferences() -> None:
    registered: dict[Any, Any] = admin.site._registry
    assert {Notification, Follow, NotificationPreference}.isdisjoint(registered)
