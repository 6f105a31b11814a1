"""The hub's JSON API: round trips, status codes, permissions and the shared error shape."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.services import token_issue
from peerwheel.core import ratelimit
from peerwheel.hub.models import Post, Trial
from peerwheel.hub.services import post_delete
from peerwheel.org.models import Person
from tests.hub.conftest import fake_openai_key

pytestmark = pytest.mark.django_db

WIN = {
    "kind": "win",
    "title": "Meeting notes in two minutes",
    "body": "I paste the transcript and ask for **decisions** and owners.",
    "prompt_text": "List the decisions, owners and deadlines from this transcript.",
    "tool": "Copilot",
    "task": "meeting notes",
    "minutes_saved": 20,
    "anonymous": False,
    "tags": ["meetings"],
}


class Api:
    """A bearer-token client for one member of the cast."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_issue(user=user)}"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method)(f"/api{path}", **kwargs)
        return response.status_code, response.json()


@pytest.fixture
def api(cast: dict[str, User]) -> Callable[[str], Api]:
    return lambda name: Api(cast[name])


def test_a_post_makes_the_round_trip(api: Callable[[str], Api], org: dict[str, Person]) -> None:
    alice = api("alice")

    status, created = alice.call("post", "/posts", WIN)
    status_get, post = alice.call("get", f"/posts/{created['id']}")

    assert status == 201 and created["warnings"] == []
    assert status_get == 200
    assert {k: post[k] for k in WIN} == WIN
    assert "<strong>decisions</strong>" in post["body_html"]
    assert post["author"]["name"] == "Alice Adams" and post["mine"] is True
    assert post["answers"] == [] and post["trials"] == [] and post["version"] == 1


def test_only_the_author_may_patch_and_history_is_kept(api: Callable[[str], Api]) -> None:
    _, created = api("alice").call("post", "/posts", {**WIN, "kind": "prompt"})
    path = f"/posts/{created['id']}"

    status_other, error = api("bob").call("patch", path, {"title": "Mine"})
    status, post = api("alice").call("patch", path, {"prompt_text": "List decisions only."})

    assert status_other == 403 and error["error"]["code"] == "forbidden"
    assert status == 200 and post["version"] == 2
    assert post["prompt_text"] == "List decisions only."
    assert post["versions"][0]["prompt_text"] == WIN["prompt_text"]


def test_a_blocked_post_answers_422_with_findings_and_stores_nothing(
    api: Callable[[str], Api],
) -> None:
    key = fake_openai_key()

    status, body = api("alice").call("post", "/posts", {**WIN, "body": f"use {key} here"})

    assert status == 422
    assert body["error"]["code"] == "guardrails"
    finding = body["findings"][0]
    assert (finding["kind"], finding["start"], finding["end"]) == ("openai_key", 4, 4 + len(key))
    assert "<API_KEY>" in finding["message"] and finding["field"] == "body"
    assert Post.objects.count() == 0


def test_warnings_come_back_with_the_created_post(api: Callable[[str], Api]) -> None:
    status, body = api("alice").call("post", "/posts", {**WIN, "body": "Ring +44 20 7946 0958"})

    assert status == 201
    assert [w["kind"] for w in body["warnings"]] == ["phone"]


def test_trials_answer_201_then_200_and_never_on_ones_own_post(
    api: Callable[[str], Api],
) -> None:
    _, created = api("alice").call("post", "/posts", WIN)
    path = f"/posts/{created['id']}/trials"

    first = api("bob").call("post", path, {"outcome": "partly", "note": "Needed tweaks"})
    second = api("bob").call("post", path, {"outcome": "worked", "minutes_saved": 10})
    own = api("alice").call("post", path, {"outcome": "worked"})
    bad = api("carol").call("post", path, {"outcome": "amazing"})

    assert first[0] == 201 and second[0] == 200 and first[1]["id"] == second[1]["id"]
    assert second[1]["outcome"] == "worked" and second[1]["minutes_saved"] == 10
    assert own[0] == 422 and own[1]["error"]["code"] == "not_allowed"
    assert bad[0] == 422 and bad[1]["error"]["details"] == [{"field": "outcome"}]
    assert Trial.objects.count() == 1


def test_answers_and_accepting_them(api: Callable[[str], Api]) -> None:
    question = {"kind": "question", "title": "Access?", "body": "How do I get Copilot?"}
    _, created = api("alice").call("post", "/posts", question)

    status, answer = api("bob").call("post", f"/posts/{created['id']}/answers", {"body": "Ask IT"})
    not_asker = api("bob").call("post", f"/answers/{answer['id']}/accept")
    accepted = api("alice").call("post", f"/answers/{answer['id']}/accept")
    empty = api("bob").call("post", f"/posts/{created['id']}/answers", {"body": "  "})

    assert status == 201
    assert not_asker[0] == 403
    assert accepted == (200, {"id": answer["id"], "accepted": True})
    assert empty[0] == 422
    post = api("carol").call("get", f"/posts/{created['id']}")[1]
    assert post["answers"][0]["accepted"] is True and post["answer_count"] == 1


def test_reactions_are_counted_once_per_person(api: Callable[[str], Api]) -> None:
    _, created = api("alice").call("post", "/posts", WIN)
    path = f"/posts/{created['id']}/reactions"

    first = api("bob").call("post", path, {"emoji": "🎉"})
    again = api("bob").call("post", path, {"emoji": "🎉"})
    unknown = api("bob").call("post", path, {"emoji": "🦄"})

    assert first[0] == 201 and again[0] == 200 and unknown[0] == 422
    assert api("alice").call("get", f"/posts/{created['id']}")[1]["reactions"] == {"🎉": 1}


def test_lists_answer_items_and_count_and_filter(api: Callable[[str], Api]) -> None:
    alice = api("alice")
    alice.call("post", "/posts", WIN)
    alice.call("post", "/posts", {**WIN, "kind": "tip", "title": "Tip", "tool": "ChatGPT"})

    status, everything = alice.call("get", "/posts")
    _, tips = alice.call("get", "/posts?kind=tip")
    _, by_tool = alice.call("get", "/posts?tool=copilot")
    _, found = alice.call("get", "/posts?q=transcript%20decisions")
    bad_kind = alice.call("get", "/posts?kind=rant")
    bad_page = alice.call("get", "/posts?page=0")

    assert status == 200 and everything["count"] == 2 and len(everything["items"]) == 2
    assert [p["title"] for p in tips["items"]] == ["Tip"]
    assert by_tool["count"] == 1
    assert found["count"] == 2
    assert bad_kind[0] == 422 and bad_kind[1]["error"]["details"] == [{"field": "kind"}]
    assert bad_page[0] == 422


def test_a_deleted_post_answers_410(api: Callable[[str], Api], cast: dict[str, User]) -> None:
    _, created = api("alice").call("post", "/posts", WIN)
    post_delete(post=Post.objects.get(pk=created["id"]), actor=cast["alice"])

    detail = api("bob").call("get", f"/posts/{created['id']}")
    trial = api("bob").call("post", f"/posts/{created['id']}/trials", {"outcome": "worked"})
    missing = api("bob").call("get", "/posts/999999")

    assert detail[0] == 410 and detail[1]["error"]["code"] == "deleted"
    assert trial[0] == 410
    assert missing[0] == 404
    assert api("bob").call("get", "/posts")[1]["count"] == 0


def test_sign_in_and_the_hub_permission_are_required(api: Callable[[str], Api], db: None) -> None:
    anonymous = Client().get("/api/feed")
    no_role = api("charlie").call("get", "/feed")

    assert anonymous.status_code == 401
    assert no_role[0] == 403 and no_role[1]["error"]["code"] == "forbidden"


def test_the_session_works_for_the_browser(client_for: Callable[[str], Client]) -> None:
    response = client_for("alice").get("/api/feed")

    assert response.status_code == 200 and response.json() == {"items": [], "count": 0}


def test_posting_is_rate_limited_per_user(
    api: Callable[[str], Api], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 2
    now = time.time()  # the limit counts per clock minute: all three posts in one minute
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    alice = api("alice")

    statuses = [alice.call("post", "/posts", WIN)[0] for _ in range(3)]
    bob = api("bob").call("post", "/posts", WIN)

    assert statuses == [201, 201, 429]
    assert bob[0] == 201
    assert Post.objects.count() == 3


def test_a_refused_api_write_says_when_to_retry_in_the_error_shape(
    api: Callable[[str], Api], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    alice = api("alice")
    assert alice.call("post", "/posts", WIN)[0] == 201

    refused = alice.client.post(
        "/api/posts", json.dumps(WIN), content_type="application/json", headers=alice.headers
    )

    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and error["details"] is None
    assert error["message"] == (
        "You have made 1 changes in the last minute, the most allowed; try again in a minute."
    )
    assert Post.objects.count() == 1


def test_reads_do_not_spend_the_write_budget(
    api: Callable[[str], Api], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PEERWHEEL_API_RATE_LIMIT = 1
    settings.PEERWHEEL_SCAN_RATE_LIMIT = 1
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    alice = api("alice")

    reads = [alice.call("get", path)[0] for path in ("/posts", "/feed", "/posts", "/feed")]
    scan = alice.call("post", "/guardrails/check", {"body": "draft"})[0]
    write = alice.call("post", "/posts", WIN)[0]

    assert reads == [200] * 4 and scan == 200 and write == 201
    assert alice.call("post", "/guardrails/check", {"body": "draft"})[0] == 429


def test_the_guardrail_check_reports_and_redacts(api: Callable[[str], Api]) -> None:
    key = fake_openai_key()

    status, body = api("alice").call(
        "post", "/guardrails/check", {"title": "Fine", "body": f"key={key}"}
    )

    assert status == 200 and body["blocked"] is True
    assert body["findings"][0]["kind"] == "openai_key"
    assert body["redacted"]["body"] == "key=<API_KEY>"


def test_the_openapi_schema_lists_the_hub_endpoints(client_for: Callable[[str], Client]) -> None:
    schema = client_for("alice").get("/api/openapi.json").json()

    for path in (
        "/api/posts",
        "/api/posts/{post_id}",
        "/api/posts/{post_id}/trials",
        "/api/posts/{post_id}/answers",
        "/api/answers/{answer_id}/accept",
        "/api/posts/{post_id}/reactions",
        "/api/feed",
        "/api/guardrails/check",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/posts/{post_id}"]) == {"get", "patch", "delete"}
    assert client_for("alice").get("/api/docs").status_code == 200


POST_KEYS = {
    "id",
    "kind",
    "title",
    "body",
    "body_html",
    "prompt_text",
    "tool",
    "task",
    "minutes_saved",
    "anonymous",
    "tags",
    "question_stage",
    "question_stage_source",
    "question_stage_confidence",
    "author",
    "mine",
    "parent",
    "version",
    "created",
    "edited",
    "answer_count",
    "tried_count",
    "worked_count",
    "reaction_count",
}
DETAIL_KEYS = POST_KEYS | {"answers", "trials", "reactions", "versions", "adaptations"}
DETAIL_KEYS |= {"duplicate_of", "original_answers", "duplicates"}
AUTHOR_KEYS = {"id", "name", "job_title", "team", "department", "role_family"}


def test_the_json_keeps_the_shape_integrations_read(api: Callable[[str], Api]) -> None:
    """The typed outputs answer the JSON the hand-built dicts did: the same keys, times as
    `isoformat()` wrote them (microseconds and "+00:00" kept), `reuse` only for a curator."""
    _, created = api("alice").call("post", "/posts", {**WIN, "kind": "prompt"})
    path = f"/posts/{created['id']}"
    api("bob").call("post", f"{path}/trials", {"outcome": "worked", "note": "Good"})
    api("bob").call("post", f"{path}/answers", {"body": "Nice"})
    api("bob").call("post", f"{path}/reactions", {"emoji": "🎉"})
    api("alice").call("patch", path, {"title": "Notes, faster"})

    _, listed = api("alice").call("get", "/posts")
    _, detail = api("alice").call("get", path)
    _, curated = api("carol").call("get", path)
    _, deleted = api("alice").call("delete", path)

    post = Post.objects.get()
    assert set(listed["items"][0]) == POST_KEYS and listed["count"] == 1
    assert set(detail) == DETAIL_KEYS  # no "reuse" key at all for a member
    assert set(curated) == DETAIL_KEYS | {"reuse"}
    assert curated["reuse"] == {"tried": 1, "teams": 1, "adaptations": 0}
    assert detail["created"] == post.created.isoformat()
    assert detail["edited"] == post.edited.isoformat() and listed["items"][0]["edited"]
    assert set(detail["author"]) == AUTHOR_KEYS and detail["parent"] is None
    assert set(detail["answers"][0]) == {
        "id", "body", "body_html", "author", "by_asker", "accepted", "created"
    }  # fmt: skip
    assert set(detail["trials"][0]) == {
        "id", "person", "outcome", "minutes_saved", "note", "created", "updated"
    }  # fmt: skip
    assert detail["trials"][0]["note"] == "Good" and detail["reactions"] == {"🎉": 1}
    assert [set(v) for v in detail["versions"]] == [
        {"version", "title", "body", "prompt_text", "created"}
    ]
    assert deleted == {"id": post.pk, "deleted": Post.objects.get().deleted.isoformat()}


def test_every_api_answer_is_a_named_schema_in_the_openapi_document(
    client_for: Callable[[str], Client],
) -> None:
    """Typed OpenAPI: each response of each operation (errors included) refers to a component
    schema by name; none is an anonymous object."""
    schema = client_for("alice").get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    unnamed = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if content and "application/json" not in content:
                    continue  # a file, not JSON (the .ics calendar): its own media type
                body = content.get("application/json", {}).get("schema", {})
                name = body.get("$ref", "").removeprefix("#/components/schemas/")
                if name not in components or components[name].get("type") != "object":
                    unnamed.append(f"{method.upper()} {path} {status}: {body}")
    assert unnamed == []
    assert {"PostOut", "PostDetailOut", "PostListOut", "CheckOut", "ErrorOut"} <= set(components)
    errors = schema["paths"]["/api/posts"]["post"]["responses"]
    assert errors["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_list_endpoints_keep_a_fixed_number_of_queries(
    api: Callable[[str], Api], django_assert_max_num_queries: Callable
) -> None:
    alice = api("alice")
    for i in range(12):
        alice.call("post", "/posts", {**WIN, "title": f"Win {i}", "anonymous": i % 3 == 0})
    bob = api("bob")

    for path in ("/posts", "/posts?q=transcript", "/feed"):
        with django_assert_max_num_queries(11):  # the feed reads the reader's follows too
            status, body = bob.call("get", path)
        assert status == 200 and len(body["items"]) == 12, path


def test_the_openapi_document_holds_no_key_twice(client_for: Callable[[str], Client]) -> None:
    """Swagger UI reads the document as YAML, which refuses a repeated key ("200" beside 200)."""
    text = client_for("alice").get("/api/openapi.json").content.decode()

    def no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"a key twice: {sorted(keys)}"
        return dict(pairs)

    json.loads(text, object_pairs_hook=no_repeats)
