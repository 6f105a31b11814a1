"""An anonymous author never leaves the server: not in the API, search, the feed or exports."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from peerwheel.hub.cli import export_posts
from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, prompt_adapt, trial_record
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


def _secret_identity(person: Person) -> list[str]:
    """What would tell who Alice is (her team, Platform, is Bob's too: it shows on his answer)."""
    return [person.name, person.email, person.employee_id, "alice"]


@pytest.fixture
def anonymous_posts(publish: Callable[..., Post], org: dict[str, Person]) -> list[Post]:
    question = publish(
        "alice",
        kind="question",
        title="Is it fine to paste customer tickets into the chatbot?",
        body="Asking for a friend, really.",
        anonymous=True,
    )
    answer_post(post=question, author=org["bob"], body="Only the approved one.")
    answer_post(post=question, author=org["alice"], body="Thanks, which one is approved?")
    prompt = publish(
        "alice",
        kind="prompt",
        title="Polite chaser for unpaid invoices",
        body="Works every time.",
        prompt_text="Write a polite chaser for invoice overdue by 30 days.",
        anonymous=True,
    )
    trial_record(post=prompt, person=org["carol"], outcome="worked")
    child = prompt_adapt(parent=prompt, author=org["dan"], prompt_text="Chaser, firmer tone.")
    return [question, prompt, child]


def test_no_api_answer_names_the_anonymous_author(
    anonymous_posts: list[Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    question, prompt, child = anonymous_posts
    bob = client_for("bob")
    answers = {
        "list": bob.get("/api/posts"),
        "search": bob.get("/api/posts?q=chaser"),
        "search question": bob.get("/api/posts?q=customer%20tickets"),
        "feed": bob.get("/api/feed"),
        "question": bob.get(f"/api/posts/{question.pk}"),
        "prompt": bob.get(f"/api/posts/{prompt.pk}"),
        "adaptation": bob.get(f"/api/posts/{child.pk}"),
    }

    for name, response in answers.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        for clue in _secret_identity(org["alice"]):
            assert clue not in text, (name, clue)
    detail = answers["question"].json()
    assert detail["author"] is None and detail["mine"] is False
    assert detail["answers"][1]["author"] is None and detail["answers"][1]["by_asker"] is True
    assert answers["adaptation"].json()["parent"] == {
        "id": prompt.pk,
        "title": prompt.title,
        "author": None,
    }


def test_the_author_sees_it_is_theirs_but_not_their_name(
    anonymous_posts: list[Post], client_for: Callable[[str], Client]
) -> None:
    post = client_for("alice").get(f"/api/posts/{anonymous_posts[0].pk}").json()

    assert post["mine"] is True and post["author"] is None


def test_exports_leave_the_author_out(
    anonymous_posts: list[Post], org: dict[str, Person], capsys: pytest.CaptureFixture[str]
) -> None:
    for file_format in ("csv", "json"):
        target = io.StringIO()
        export_posts(target, file_format)
        text = target.getvalue()
        for clue in _secret_identity(org["alice"]):
            assert clue not in text, (file_format, clue)
    call_command("exportdata", "posts", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == {p.pk for p in anonymous_posts}
    by_id = {r["id"]: r for r in rows}
    assert by_id[anonymous_posts[2].pk]["author_name"] == "Dan Diaz"


def test_library_filters_by_department_leave_anonymous_prompts_out(
    anonymous_posts: list[Post], client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    from peerwheel.hub.selectors import hub_viewer, prompt_library

    viewer = hub_viewer(cast["bob"])

    everything = prompt_library(viewer)
    engineering = prompt_library(viewer, department="Engineering")
    sales = prompt_library(viewer, department="Sales")

    assert {p.id for p in everything.items} == {anonymous_posts[1].pk, anonymous_posts[2].pk}
    assert engineering.count == 0
    assert [p.id for p in sales.items] == [anonymous_posts[2].pk]
