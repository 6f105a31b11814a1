"""GET /api/notifications and POST /api/notifications/read (a person reads and marks only their
own), the notifications page with mark-read, and the bell's count at one query."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, post_delete, trial_record
from peerwheel.notifications.models import Notification
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


def _call(client: Client, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method)(f"/api{path}", **kwargs)
    return response.status_code, response.json()


@pytest.fixture
def bobs(org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]) -> list[Post]:
    """Three things happen to bob's posts, oldest first: an answer, a trial, a comment."""
    question = publish("bob", kind="question", title="Question one", body="?")
    win = publish("bob", title="Win two")
    answer_post(post=question, author=org["alice"], body="An answer.")
    trial_record(post=win, person=org["carol"], outcome="worked")
    answer_post(post=win, author=org["dan"], body="A comment.")
    return [question, win]


def test_the_list_is_newest_first_with_kind_post_read_created(
    bobs: list[Post], client_for: Callable[[str], Client]
) -> None:
    status, body = _call(client_for("bob"), "get", "/notifications")
    assert status == 200
    assert [(i["kind"], i["post_id"], i["read"]) for i in body["items"]] == [
        ("comment_on_my_post", bobs[1].pk, False),
        ("tried_my_post", bobs[1].pk, False),
        ("answer_on_my_post", bobs[0].pk, False),
    ]
    assert (body["count"], body["unread"], body["page"]) == (3, 3, 1)
    tried = body["items"][1]
    assert tried["outcome"] == "worked" and tried["actor"]["name"] == "Carol Clark"
    assert tried["created"].endswith("+00:00")


def test_pages_of_the_list(bobs: list[Post], client_for: Callable[[str], Client]) -> None:
    client = client_for("bob")
    _, first = _call(client, "get", "/notifications?per_page=2")
    _, second = _call(client, "get", "/notifications?per_page=2&page=2")
    assert [i["kind"] for i in first["items"]] == ["comment_on_my_post", "tried_my_post"]
    assert [i["kind"] for i in second["items"]] == ["answer_on_my_post"]
    assert second["count"] == 3 and second["per_page"] == 2
    status, _ = _call(client, "get", "/notifications?page=x")
    assert status == 422


def test_a_person_reads_and_marks_only_their_own(
    bobs: list[Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    alice = client_for("alice")
    assert _call(alice, "get", "/notifications")[1]["items"] == []
    bobs_ids = list(Notification.objects.filter(recipient=org["bob"]).values_list("pk", flat=True))

    status, body = _call(alice, "post", "/notifications/read", {"ids": bobs_ids})
    assert (status, body) == (200, {"marked": 0, "unread": 0})
    status, body = _call(alice, "post", "/notifications/read", {"all": True})
    assert (status, body["marked"]) == (200, 0)
    assert Notification.objects.filter(read=True).count() == 0

    bob = client_for("bob")
    status, body = _call(bob, "post", "/notifications/read", {"ids": bobs_ids[:1]})
    assert (status, body) == (200, {"marked": 1, "unread": 2})
    status, body = _call(bob, "post", "/notifications/read", {"all": True})
    assert (status, body) == (200, {"marked": 2, "unread": 0})


def test_marking_nothing_is_refused_in_the_one_error_shape(
    bobs: list[Post], client_for: Callable[[str], Client]
) -> None:
    status, body = _call(client_for("bob"), "post", "/notifications/read", {})
    assert status == 422 and body["error"]["code"] == "invalid"
    assert '"ids"' in body["error"]["message"]
    status, body = _call(client_for("bob"), "post", "/notifications/read", {"ids": ["x"]})
    assert status == 422 and "ids" in body["error"]["message"]


def test_no_role_no_notifications(
    cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    status, body = _call(client_for("charlie"), "get", "/notifications")
    assert status == 403 and body["error"]["code"] == "forbidden"
    assert client_for("charlie").get("/notifications/").status_code == 403
    assert Client().get("/api/notifications").status_code == 401


def test_the_page_lists_them_and_marks_one_or_all_read(
    bobs: list[Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    bob = client_for("bob")
    page = bob.get("/notifications/")
    text = page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert "3 unread" in text
    assert (
        text.index("Dan Diaz commented")
        < text.index("Carol Clark tried your post")
        < (text.index("Alice Adams answered your question"))
    )
    assert "Carol Clark tried your post \u201cWin two\u201d: it worked." in text

    newest = Notification.objects.filter(recipient=org["bob"]).order_by("-created", "-id")[0]
    assert bob.post("/notifications/read/", {"id": newest.pk}).status_code == 302
    assert "2 unread" in bob.get("/notifications/").content.decode()
    bob.post("/notifications/read/", {"all": "1"})
    assert "All read" in bob.get("/notifications/").content.decode()


def test_the_bell_counts_unread_in_one_query_and_forgets_deleted_posts(
    bobs: list[Post],
    cast: dict[str, User],
    client_for: Callable[[str], Client],
    django_assert_num_queries: Callable,
) -> None:
    bob = client_for("bob")
    bob.get("/notifications/bell/")  # warm the session and permission caches
    layout = bob.get("/hub/").content.decode()
    assert 'id="bell"' in layout and 'hx-get="/notifications/bell/"' in layout
    with django_assert_num_queries(5):  # session, user, 2 permission reads, person; the count
        response = bob.get("/notifications/bell/")
    assert 'data-testid="bell-count">3<' in response.content.decode()
    post_delete(post=bobs[1], actor=cast["bob"])
    assert 'data-testid="bell-count">1<' in bob.get("/notifications/bell/").content.decode()
    bob.post("/notifications/read/", {"all": "1"})
    assert "bell-count" not in bob.get("/notifications/bell/").content.decode()
