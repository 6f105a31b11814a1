"""Issue 11, item 7: secrets that got past the scan (in tool and task, in trial notes and answers,
with a zero-width space inside a key) are now blocked on every write path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.hub.errors import GuardrailBlockedError
from peerwheel.hub.models import Answer, Post, Trial
from peerwheel.hub.services import answer_post, post_edit, post_publish, trial_record
from peerwheel.org.models import Person
from tests.hub.conftest import fake_openai_key
from tests.hub.test_api import WIN, Api

pytestmark = pytest.mark.django_db

GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
ZWSP = "\u200b"


def _hidden_key() -> str:
    key = fake_openai_key()
    return key[:10] + ZWSP + key[10:]


def test_a_key_in_tool_or_task_is_not_published_by_the_api(cast: dict[str, User]) -> None:
    alice = Api(cast["alice"])
    for field, value in [("tool", fake_openai_key()), ("task", GITHUB)]:
        status, body = alice.call("post", "/posts", {**WIN, field: value})
        assert status == 422, field
        assert body["error"]["code"] == "guardrails"
        assert [f["field"] for f in body["findings"]] == [field]
    assert Post.objects.count() == 0


def test_a_key_with_a_zero_width_space_inside_is_not_published(cast: dict[str, User]) -> None:
    status, body = Api(cast["alice"]).call("post", "/posts", {**WIN, "body": _hidden_key()})
    assert status == 422
    assert body["findings"][0]["kind"] == "openai_key"
    assert Post.objects.count() == 0


def test_a_key_in_a_trial_note_is_not_stored(
    publish: Callable[..., Post], cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    post = publish("bob")
    status, body = Api(cast["alice"]).call(
        "post", f"/posts/{post.pk}/trials", {"outcome": "worked", "note": f"used {GITHUB}"}
    )
    assert status == 422 and body["error"]["code"] == "guardrails"
    page = client_for("alice").post(
        f"/hub/posts/{post.pk}/trial/", {"outcome": "worked", "note": _hidden_key()}
    )
    assert page.status_code == 302
    assert Trial.objects.count() == 0


def test_a_key_in_an_answer_or_comment_is_not_stored(
    publish: Callable[..., Post], cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    question = publish("bob", kind="question", title="Which key?", body="Asking.")
    status, _ = Api(cast["alice"]).call(
        "post", f"/posts/{question.pk}/answers", {"body": f"Use {_hidden_key()}"}
    )
    assert status == 422
    page = client_for("alice").post(f"/hub/posts/{question.pk}/answer/", {"body": GITHUB})
    assert page.status_code == 302
    assert Answer.objects.count() == 0


def test_a_key_added_by_an_edit_to_tool_or_tags_is_refused(org: dict[str, Person]) -> None:
    post = post_publish(author=org["alice"], kind="tip", title="Tip", body="Short.")
    with pytest.raises(GuardrailBlockedError):
        post_edit(post=post, editor=org["alice"], tool=fake_openai_key())
    post.refresh_from_db()
    assert post.tool == "" and post.version == 1


@pytest.mark.parametrize(
    "write",
    [
        lambda org, post: trial_record(
            post=post, person=org["alice"], outcome="worked", note=_hidden_key()
        ),
        lambda org, post: answer_post(post=post, author=org["alice"], body=_hidden_key()),
        lambda org, post: post_publish(
            author=org["alice"], kind="win", title="t", body="b", task=_hidden_key()
        ),
    ],
)
def test_every_service_that_stores_free_text_scans_it(
    org: dict[str, Person], publish: Callable[..., Post], write: Any
) -> None:
    post = publish("bob")
    with pytest.raises(GuardrailBlockedError):
        write(org, post)


def test_the_check_finds_a_key_in_the_tool_field_and_redacts_the_typed_span(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    hidden = _hidden_key()
    status, body = Api(cast["alice"]).call(
        "post", "/guardrails/check", {"title": "Fine", "tool": hidden, "body": "ok"}
    )
    assert status == 200 and body["blocked"] is True
    assert body["findings"][0]["field"] == "tool"
    assert body["redacted"]["tool"] == "<API_KEY>"  # the zero-width space went with the key

    page = client_for("alice").post(
        "/hub/redact/", {"kind": "win", "title": "Fine", "body": "ok", "task": hidden}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;API_KEY&gt;" in html and "Zq4Lm9" not in html
