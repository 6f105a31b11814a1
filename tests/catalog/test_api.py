"""The catalogue's API: asking by token and by session, the leads' queue, the error shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.services import token_issue
from peerwheel.catalog.models import Tool, UseRequest
from peerwheel.catalog.services import catalog_ask
from peerwheel.org.models import Person

ASK = "/api/catalog/ask"
QUEUE = "/api/catalog/requests"


def _bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issue(user=user)}"}


def _post(client: Client, body: dict[str, Any], **headers: str) -> tuple[int, Any]:
    response = client.post(ASK, json.dumps(body), "application/json", headers=headers)
    return response.status_code, response.json()


def test_asking_with_a_token(catalogue: dict[str, Tool], cast: dict[str, User]) -> None:
    headers = _bearer(cast["alice"])
    status, body = _post(
        Client(), {"tool": "DeepSeek", "use": "coding", "data_class": "public"}, **headers
    )
    assert status == 200
    assert body == {
        "answer": "no",
        "reasons": ["DeepSeek is not approved for use in the organisation."],
        "conditions": "",
        "alternative": "Copilot Chat",
        "alternative_url": "https://copilot.example.com",
        "request_id": UseRequest.objects.get().pk,
        "due": None,
        "tool": "DeepSeek",
        "known_tool": True,
    }


def test_an_unknown_tool_is_a_review_with_its_due_day_never_a_500(
    catalogue: dict[str, Tool], cast: dict[str, User]
) -> None:
    status, body = _post(
        Client(),
        {"tool": "Totally New AI ✨", "use": "make my slides", "data_class": "Internal"},
        **_bearer(cast["bob"]),
    )
    assert status == 200
    assert (body["answer"], body["known_tool"], body["tool"]) == (
        "review",
        False,
        "Totally New AI ✨",
    )
    stored = UseRequest.objects.get(pk=body["request_id"])
    assert body["due"] == stored.due.isoformat()
    assert (stored.use, stored.use_text) == ("other", "make my slides")


def test_asking_with_the_browsers_session_needs_the_csrf_token(
    catalogue: dict[str, Tool], cast: dict[str, User]
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast["alice"])
    body = {"tool": "Copilot Chat", "use": "drafting", "data_class": "internal"}
    status, refused = _post(browser, body)
    assert (status, refused["error"]["code"]) == (403, "forbidden")
    browser.get("/catalog/")  # the page sets the CSRF cookie
    status, answer = _post(browser, body, X_CSRFToken=browser.cookies["csrftoken"].value)
    assert (status, answer["answer"]) == (200, "yes")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"tool": "Claude", "use": "coding", "data_class": "secret"},
            "data_class: 'secret' is not",
        ),
        ({"tool": "Claude", "use": "coding"}, "data_class: Field required"),
        (
            {"tool": "", "use": "coding", "data_class": "public"},
            "tool: String should have at least",
        ),
        (
            {"tool": "x" * 201, "use": "coding", "data_class": "public"},
            "tool: String should have at most",
        ),
        (
            {"tool": "x" * 150, "use": "coding", "data_class": "public"},
            "tool: the tool's name is 150",
        ),
    ],
)
def test_bad_questions_are_422_naming_the_field(
    catalogue: dict[str, Tool], cast: dict[str, User], body: dict[str, Any], message: str
) -> None:
    status, answer = _post(Client(), body, **_bearer(cast["alice"]))
    assert status == 422
    assert answer["error"]["code"] == "invalid"
    assert message in answer["error"]["message"]
    assert not UseRequest.objects.exists()


def test_who_may_ask_and_who_may_read_the_queue(
    catalogue: dict[str, Tool], cast: dict[str, User], org: dict[str, Person]
) -> None:
    body = {"tool": "Claude", "use": "coding", "data_class": "public"}
    assert _post(Client(), body)[0] == 401
    status, outsider = _post(Client(), body, **_bearer(cast["charlie"]))
    assert (status, outsider["error"]["code"]) == (403, "forbidden")
    for name, expected in [
        ("alice", 403),
        ("bob", 403),
        ("dan", 403),
        ("carol", 200),
        ("erin", 200),
    ]:
        response = Client().get(QUEUE, headers=_bearer(cast[name]))
        assert response.status_code == expected, name
        if expected == 403:
            assert (
                response.json()["error"]["message"] == "This needs the 'Manage program' permission."
            )


def test_the_queue_lists_open_reviews_by_due_day_with_breaches(
    catalogue: dict[str, Tool], cast: dict[str, User], org: dict[str, Person]
) -> None:
    old = datetime(2026, 1, 2, 10, tzinfo=UTC)  # long past its due day
    late = catalog_ask(
        asker=org["alice"], tool="Perplexity", use="research", data_class="public", now=old
    )
    fresh = catalog_ask(asker=org["bob"], tool="Claude", use="coding", data_class="public")
    catalog_ask(asker=org["bob"], tool="Claude", use="research", data_class="internal")  # answered
    response = Client().get(QUEUE, headers=_bearer(cast["carol"]))
    body = response.json()
    assert body["count"] == 2
    assert [i["id"] for i in body["items"]] == [late.request_id, fresh.request_id]
    first = body["items"][0]
    assert (first["asker"], first["department"], first["tool"], first["known_tool"]) == (
        "Alice Adams",
        "Engineering",
        "Perplexity",
        False,
    )
    assert (first["overdue"], first["breach"]) == (True, True)  # flagged as the queue is read
    assert body["items"][1]["overdue"] is False
    everything = Client().get(QUEUE, {"status": "all"}, headers=_bearer(cast["carol"])).json()
    assert everything["count"] == 2  # instant answers never enter the queue
