"""Issue 11, item 12 (part): posts are deleted only through the service, softly and audited, from
the page and the API alike; every 403 from the API has the one error shape."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.models import AuditEntry
from peerwheel.hub.errors import HubForbiddenError
from peerwheel.hub.models import Post
from peerwheel.hub.services import post_delete
from tests.hub.test_api import WIN, Api

pytestmark = pytest.mark.django_db


def _entry(post: Post) -> AuditEntry:
    return AuditEntry.objects.get(action="hub.post_delete", target=f"post:{post.pk}")


def test_the_author_deleting_a_post_is_audited_and_the_row_stays(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = publish("alice")
    post_delete(post=post, actor=cast["alice"])
    post.refresh_from_db()
    assert post.deleted is not None and Post.objects.filter(pk=post.pk).exists()
    entry = _entry(post)
    assert entry.actor == cast["alice"]
    assert entry.detail == {"by": "author", "reason": ""}


def test_deleting_ones_own_anonymous_post_does_not_name_the_author_in_the_audit_log(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = publish("alice", anonymous=True)
    post_delete(post=post, actor=cast["alice"])
    entry = _entry(post)
    assert entry.actor is None
    assert entry.detail == {"by": "author", "reason": ""}


def test_a_moderator_deletes_with_a_reason_and_is_named(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = publish("alice", anonymous=True)
    post_delete(post=post, actor=cast["erin"], reason="spam")
    entry = _entry(post)
    assert entry.actor == cast["erin"]
    assert entry.detail == {"by": "moderator", "reason": "spam"}


def test_someone_else_cannot_delete_and_nothing_is_audited(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = publish("alice")
    with pytest.raises(HubForbiddenError):
        post_delete(post=post, actor=cast["bob"])
    post.refresh_from_db()
    assert post.deleted is None
    assert not AuditEntry.objects.filter(action="hub.post_delete").exists()


def test_the_api_deletes_through_the_service(cast: dict[str, User]) -> None:
    alice = Api(cast["alice"])
    _, created = alice.call("post", "/posts", WIN)
    path = f"/posts/{created['id']}"

    status_bob, error = Api(cast["bob"]).call("delete", path)
    response = alice.client.delete(f"/api{path}", headers=alice.headers)
    status_after, gone = alice.call("get", path)

    assert status_bob == 403
    assert error == {
        "error": {
            "code": "forbidden",
            "message": "Only the author or a moderator can delete a post.",
            "details": None,
        }
    }
    assert response.status_code == 200 and response.json()["id"] == created["id"]
    assert status_after == 410 and gone["error"]["code"] == "deleted"
    post = Post.objects.get(pk=created["id"])
    assert post.deleted is not None and _entry(post).actor == cast["alice"]


def test_the_page_deletes_through_the_service(
    publish: Callable[..., Post], client_for: Callable[[str], Client]
) -> None:
    post = publish("alice")
    assert client_for("bob").post(f"/hub/posts/{post.pk}/delete/").status_code == 403
    assert client_for("alice").post(f"/hub/posts/{post.pk}/delete/").status_code == 302
    post.refresh_from_db()
    assert post.deleted is not None
    assert _entry(post).detail["by"] == "author"


def test_every_api_403_has_the_one_error_shape(
    cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    post = publish("alice")
    # No hub permission (charlie has a login and no role).
    status, outsider = Api(cast["charlie"]).call("get", "/posts")
    # A session without the CSRF token.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast["alice"])
    no_csrf = browser.post(f"/api/posts/{post.pk}/reactions", {"emoji": "👍"}, "application/json")
    # Someone else's post.
    status_edit, edit = Api(cast["bob"]).call("patch", f"/posts/{post.pk}", {"title": "x"})

    for code, body in [
        (status, outsider),
        (no_csrf.status_code, no_csrf.json()),
        (status_edit, edit),
    ]:
        assert code == 403
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "details"}
        assert body["error"]["code"] == "forbidden"
