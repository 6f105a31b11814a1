"""Issue 11, items 7 and 8: sizes and rate limits on every write and every guardrails scan.

Each test performs the attack as it was reported and checks it now gets nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.core import ratelimit
from peerwheel.hub.models import Answer, Post, Trial
from peerwheel.hub.validation import BODY_MAX, NOTE_MAX, TITLE_MAX, TOOL_MAX
from peerwheel.org.models import Person
from tests.hub.test_api import WIN, Api

pytestmark = pytest.mark.django_db

HUGE = "a" * 2_000_000


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits count per clock minute: keep the whole test inside one."""
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def api(cast: dict[str, User]) -> Callable[[str], Api]:
    return lambda name: Api(cast[name])


def _post_json(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


# --- sizes -----------------------------------------------------------------------------------


def test_two_million_characters_to_the_guardrails_check_are_refused_at_once(
    api: Callable[[str], Api],
) -> None:
    started = time.perf_counter()
    response = _post_json(
        api("alice").client, "/api/guardrails/check", {"body": HUGE}, **api("alice").headers
    )
    assert time.perf_counter() - started < 10  # it took 25 s: scanned, not refused
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "1,048,576 bytes" in error["message"]


def test_a_field_over_its_limit_is_a_422_naming_the_field_and_the_limit(
    api: Callable[[str], Api],
) -> None:
    alice = api("alice")
    status, body = alice.call("post", "/guardrails/check", {"body": "a" * (BODY_MAX + 1)})
    assert status == 422
    assert body["error"]["code"] == "invalid"
    assert "body" in body["error"]["message"] and f"{BODY_MAX}" in body["error"]["message"]

    status, body = alice.call("post", "/posts", {**WIN, "tool": "t" * (TOOL_MAX + 1)})
    assert status == 422
    assert body["error"]["message"] == (
        f"The request is not valid: tool: String should have at most {TOOL_MAX} characters."
    )
    assert Post.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "limit"), [("title", TITLE_MAX), ("body", BODY_MAX), ("tool", TOOL_MAX)]
)
def test_the_page_check_refuses_a_field_over_its_limit_without_scanning(
    client_for: Callable[[str], Client], field: str, limit: int
) -> None:
    response = client_for("alice").post("/hub/check/", {field: "x" * (limit + 1)})
    html = response.content.decode()
    assert response.status_code == 422
    assert f"{field} is {limit + 1:,} characters long; the limit is {limit:,}." in html


def test_the_page_redact_refuses_a_field_over_its_limit_and_keeps_the_fields(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("alice").post(
        "/hub/redact/", {"title": "Mine", "body": "x" * (BODY_MAX + 1)}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="post-fields"' in html and 'value="Mine"' in html
    assert f"the limit is {BODY_MAX:,}" in html


def test_a_huge_form_body_is_refused_before_it_is_read(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("alice").post("/hub/check/", {"body": HUGE})
    assert response.status_code == 413
    assert "larger than 1,048,576 bytes" in response.content.decode()
    api = client_for("alice").post(
        "/api/guardrails/check", f"body={HUGE}", content_type="application/x-www-form-urlencoded"
    )
    assert api.status_code == 413 and api.json()["error"]["code"] == "too_large"


def test_a_trial_note_over_its_limit_is_refused_by_the_api(
    api: Callable[[str], Api], publish: Callable[..., Post]
) -> None:
    post = publish("bob")
    status, body = api("alice").call(
        "post", f"/posts/{post.pk}/trials", {"outcome": "worked", "note": "n" * (NOTE_MAX + 1)}
    )
    assert status == 422 and "note" in body["error"]["message"]
    assert Trial.objects.count() == 0


# --- rate limits -----------------------------------------------------------------------------


@pytest.mark.usefixtures("one_minute")
def test_forty_i_tried_this_form_posts_are_cut_at_the_limit(
    client_for: Callable[[str], Client], publish: Callable[..., Post], settings: Any
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 30
    post = publish("bob")
    alice = client_for("alice")
    statuses = [
        alice.post(
            f"/hub/posts/{post.pk}/trial/",
            {"outcome": "worked", "minutes_saved": str(i % 60), "note": f"try {i}"},
        ).status_code
        for i in range(40)
    ]
    assert statuses[:30] == [302] * 30
    assert statuses[30:] == [429] * 10
    trial = Trial.objects.get()
    assert trial.note == "try 29"  # the last accepted write; the ten refused wrote nothing


@pytest.mark.usefixtures("one_minute")
def test_a_refused_form_write_says_why_plainly_and_over_htmx(
    client_for: Callable[[str], Client], publish: Callable[..., Post], settings: Any
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    post = publish("bob")
    alice = client_for("alice")
    assert alice.post(f"/hub/posts/{post.pk}/answer/", {"body": "First"}).status_code == 302

    plain = alice.post(f"/hub/posts/{post.pk}/answer/", {"body": "Second"})
    htmx = alice.post(
        f"/hub/posts/{post.pk}/answer/",
        {"body": "Third", "section": "answers"},
        headers={"HX-Request": "true"},
    )

    for response in (plain, htmx):
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert "the most allowed; try again in a minute" in response.content.decode()
    assert 'id="answers"' in htmx.content.decode()
    assert [a.body for a in Answer.objects.all()] == ["First"]


@pytest.mark.usefixtures("one_minute")
def test_the_limit_is_one_counter_for_forms_and_the_api(
    client_for: Callable[[str], Client],
    api: Callable[[str], Api],
    publish: Callable[..., Post],
    settings: Any,
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 2
    post = publish("bob")
    assert client_for("alice").post("/hub/new/", {**_form(), "title": "One"}).status_code == 302
    status, _ = api("alice").call("post", f"/posts/{post.pk}/reactions", {"emoji": "👍"})
    assert status == 201
    refused = client_for("alice").post("/hub/new/", {**_form(), "title": "Two"})
    status_api, body = api("alice").call("post", "/posts", WIN)
    assert refused.status_code == 429 and status_api == 429
    assert body["error"]["code"] == "rate_limited"
    assert "try again in a minute" in refused.content.decode()
    # Another person is not affected.
    assert client_for("bob").post("/hub/new/", {**_form(), "title": "Bob's"}).status_code == 302
    assert sorted(Post.objects.values_list("title", flat=True)) == ["A win", "Bob's", "One"]


@pytest.mark.usefixtures("one_minute")
def test_every_kind_of_form_write_counts(
    client_for: Callable[[str], Client],
    publish: Callable[..., Post],
    org: dict[str, Person],
    settings: Any,
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    mine = publish("alice", kind="question", title="How do I?", body="Asking.")
    theirs = publish("bob")
    also_mine = publish("alice", title="Another")
    writes: list[tuple[str, str, dict[str, str]]] = [
        (f"/hub/posts/{theirs.pk}/trial/", f"/hub/posts/{theirs.pk}/trial/", {"outcome": "worked"}),
        (f"/hub/posts/{theirs.pk}/answer/", f"/hub/posts/{theirs.pk}/answer/", {"body": "Nice"}),
        (f"/hub/posts/{theirs.pk}/react/", f"/hub/posts/{theirs.pk}/react/", {"emoji": "👍"}),
        (
            f"/hub/posts/{mine.pk}/edit/",
            f"/hub/posts/{mine.pk}/edit/",
            {"title": "How do I, then?", "body": "Asking."},
        ),
        (f"/hub/posts/{mine.pk}/delete/", f"/hub/posts/{also_mine.pk}/delete/", {}),
        ("/hub/new/", "/hub/new/", _form()),
    ]
    for first_path, second_path, data in writes:
        alice = client_for("alice")
        ratelimit.cache.clear()
        assert alice.post("/hub/check/", {"body": "warm-up"}).status_code == 200  # scans apart
        first = alice.post(first_path, data)
        second = alice.post(second_path, data)
        assert first.status_code in (200, 302), first_path
        assert second.status_code == 429, second_path
    also_mine.refresh_from_db()
    assert also_mine.deleted is None  # the refused delete did nothing


@pytest.mark.usefixtures("one_minute")
def test_the_guardrails_check_has_its_own_limit_on_the_page_and_the_api(
    client_for: Callable[[str], Client], api: Callable[[str], Api], settings: Any
) -> None:
    settings.PEERWHEEL_SCAN_RATE_LIMIT = 3
    page = client_for("alice")
    statuses = [page.post("/hub/check/", {"body": "draft"}).status_code for _ in range(3)]
    redact = page.post("/hub/redact/", {"body": "draft"})
    status_api, body = api("alice").call("post", "/guardrails/check", {"body": "draft"})
    assert statuses == [200, 200, 200]
    assert redact.status_code == 429 and status_api == 429
    assert "3 checks in the last minute" in body["error"]["message"]
    # Writes have their own budget: a scan-heavy minute still lets the post through.
    assert page.post("/hub/new/", _form()).status_code == 302


def test_writes_through_the_services_are_not_limited(
    publish: Callable[..., Post], settings: Any
) -> None:
    """Imports and the demo write through the services: no limit there."""
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    for i in range(5):
        publish("alice", title=f"Post {i}")
    assert Post.objects.count() == 5


def _form() -> dict[str, str]:
    return {"kind": "win", "title": "A form post", "body": "It helped.", "tags": ""}
