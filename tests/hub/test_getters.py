"""The hub's getters raise the core pair: `answer_for_viewer` (accepting an answer) and
`post_for_viewer`, answered 404 / 403 once for pages (the middleware) and once for the API."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from peerwheel.accounts.services import token_issue
from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.hub.errors import HubGoneError
from peerwheel.hub.models import Answer, Post
from peerwheel.hub.selectors import answer_for_viewer, hub_viewer, post_for_viewer
from peerwheel.hub.services import answer_post, post_delete
from peerwheel.org.models import Person

MISSING = 987654


@pytest.fixture
def answer(publish: Callable[..., Post], org: dict[str, Person]) -> Answer:
    question = publish("alice", kind="question", title="How do you summarise?", body="Tips?")
    return answer_post(post=question, author=org["bob"], body="Ask for bullet points.")


def _api_post(user: User, path: str) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token_issue(user=user)}"}
    response = Client().post(f"/api{path}", headers=headers)
    return response.status_code, json.loads(response.content)


def test_the_asker_gets_the_answer_with_its_post(cast: dict[str, User], answer: Answer) -> None:
    got = answer_for_viewer(answer.pk, hub_viewer(cast["alice"]))
    assert got.pk == answer.pk and got.post.pk == answer.post_id


def test_a_missing_answer_is_not_found_and_one_on_a_deleted_post_is_gone(
    cast: dict[str, User], answer: Answer
) -> None:
    viewer = hub_viewer(cast["alice"])
    with pytest.raises(NotFoundError, match=f"no answer {MISSING}"):
        answer_for_viewer(MISSING, viewer)
    post_delete(post=answer.post, actor=cast["alice"])
    with pytest.raises(HubGoneError):
        answer_for_viewer(answer.pk, viewer)


def test_someone_without_the_hub_gets_no_viewer_so_no_answer_or_post(
    cast: dict[str, User],
) -> None:
    with pytest.raises(ForbiddenError, match="Use hub"):
        hub_viewer(cast["charlie"])


def test_a_missing_post_is_the_core_not_found(cast: dict[str, User]) -> None:
    with pytest.raises(NotFoundError, match=f"no post {MISSING}"):
        post_for_viewer(MISSING, hub_viewer(cast["alice"]))


def test_accepting_on_the_page_a_missing_answer_is_404_and_an_outsider_gets_403(
    client_for: Callable[[str], Client], answer: Answer
) -> None:
    missing = client_for("alice").post(reverse("hub:accept", args=[MISSING]))
    assert missing.status_code == 404
    outsider = client_for("charlie").post(reverse("hub:accept", args=[answer.pk]))
    assert outsider.status_code == 403
    answer.refresh_from_db()
    assert not answer.accepted


def test_a_missing_post_page_is_404_and_an_outsider_gets_403(
    client_for: Callable[[str], Client], answer: Answer
) -> None:
    assert client_for("bob").get(reverse("hub:post", args=[MISSING])).status_code == 404
    assert client_for("charlie").get(reverse("hub:post", args=[answer.post_id])).status_code == 403


def test_accepting_through_the_api_a_missing_answer_is_a_404_in_the_error_shape(
    cast: dict[str, User], answer: Answer
) -> None:
    status, body = _api_post(cast["alice"], f"/answers/{MISSING}/accept")
    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"] == f"There is no answer {MISSING}."


def test_accepting_through_the_api_is_forbidden_to_an_outsider(
    cast: dict[str, User], answer: Answer
) -> None:
    status, body = _api_post(cast["charlie"], f"/answers/{answer.pk}/accept")
    assert status == 403 and body["error"]["code"] == "forbidden"
    answer.refresh_from_db()
    assert not answer.accepted
