"""Issue 11, item 9: a NUL byte in a query or form field is a 400, never a 500 (PostgreSQL cannot
hold NUL): in the API's JSON error shape under /api/, a plain 400 page elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peerwheel.hub.models import Post
from peerwheel.hub.services import post_publish
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(org: dict[str, Person]) -> Post:
    return post_publish(
        author=org["alice"],
        kind="prompt",
        title="Copilot notes",
        body="b",
        prompt_text="p",
        tool="Copilot",
    )


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/posts?q=copilot%00", "q"),
        ("/api/posts?tool=%00", "tool"),
        ("/api/posts?kind=win&tool=a%00b", "tool"),
        ("/api/feed?page=1%00", "page"),
        ("/api/posts?%00=1", "\\0"),
    ],
)
def test_a_nul_in_an_api_query_is_a_400_in_the_error_shape(
    client_for: Callable[[str], Client], published: Post, url: str, field: str
) -> None:
    response = client_for("alice").get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["details"] == [{"field": field}]
    assert "NUL" in error["message"]


@pytest.mark.parametrize(
    "url", ["/hub/library/?tool=%00", "/hub/search/?q=copilot%00", "/hub/library/?task=x%00"]
)
def test_a_nul_in_a_page_query_is_a_plain_400(
    client_for: Callable[[str], Client], published: Post, url: str
) -> None:
    response = client_for("alice").get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL character" in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_stored(
    client_for: Callable[[str], Client], published: Post
) -> None:
    response = client_for("bob").post(
        f"/hub/posts/{published.pk}/answer/", {"body": "fine\x00then"}
    )
    assert response.status_code == 400
    assert published.answers.count() == 0


def test_the_same_queries_without_nul_still_work(
    client_for: Callable[[str], Client], published: Post
) -> None:
    alice = client_for("alice")
    assert alice.get("/api/posts?q=copilot").json()["count"] == 1
    assert alice.get("/api/posts?tool=Copilot").json()["count"] == 1
    assert alice.get("/hub/library/?tool=Copilot").status_code == 200
    # An encoded percent sign or a backslash-zero is text, not NUL.
    assert alice.get("/api/posts?q=%2500").status_code == 200
    assert alice.get("/api/posts?q=%5C0").status_code == 200
