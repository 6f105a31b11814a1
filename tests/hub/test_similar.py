"""Similar questions while typing: the draft's words against the search index (SQLite FTS5 here,
PostgreSQL with DATABASE_URL), questions only, the best five, anonymous askers never named."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from peerwheel.hub.models import Post
from peerwheel.hub.similar import draft_words, similar_questions
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


def test_draft_words_keep_the_words_worth_looking_for() -> None:
    assert draft_words("How do I summarise a Teams meeting?", "In the meeting, or afterwards") == [
        "summarise",
        "teams",
        "meeting",
        "afterwards",
    ]
    assert draft_words("How do I", "") == []  # only stop words and a word still being typed
    assert len(draft_words(" ".join(f"word{i}" for i in range(40)))) == 12


@pytest.fixture
def questions(publish: Callable[..., Post]) -> dict[str, Post]:
    ask = {"kind": "question"}
    return {
        "best": publish(
            "bob", title="Summarise a Teams meeting recording", body="With Copilot?", **ask
        ),
        "title": publish(
            "carol", title="Meeting minutes from a transcript", body="Which tool?", **ask
        ),
        "body": publish("dan", title="Weekly planning", body="Can it summarise the week?", **ask),
        "anonymous": publish(
            "alice",
            title="Summarising meeting notes for my manager",
            body="Is that allowed?",
            anonymous=True,
            **ask,
        ),
        "win": publish("erin", kind="win", title="Summarise every meeting", body="Saved hours."),
        "unrelated": publish("bob", title="Spreadsheet formulas", body="VLOOKUP help", **ask),
    }


def test_the_questions_sharing_most_words_come_first(questions: dict[str, Post]) -> None:
    found = similar_questions(title="How do I summarise a Teams meeting", body="")

    ids = [q.id for q in found]
    assert ids[0] == questions["best"].pk  # three of the words, in its title
    assert set(ids) == {questions[k].pk for k in ("best", "title", "body", "anonymous")}
    assert questions["win"].pk not in ids and questions["unrelated"].pk not in ids


def test_at_most_five_deleted_and_duplicate_questions_left_out(
    publish: Callable[..., Post], questions: dict[str, Post]
) -> None:
    for i in range(6):
        publish("carol", kind="question", title=f"Meeting summary question {i}")
    Post.objects.filter(pk=questions["best"].pk).update(deleted=timezone.now())
    Post.objects.filter(pk=questions["title"].pk).update(duplicate_of=questions["body"])

    found = similar_questions(title="meeting summary", body="")

    assert len(found) == 5
    assert {questions["best"].pk, questions["title"].pk}.isdisjoint(q.id for q in found)


def test_an_anonymous_asker_is_never_named(
    questions: dict[str, Post], client_for: Callable[[str], Client], org: dict[str, Person]
) -> None:
    found = {q.id: q for q in similar_questions(title="summarising meeting notes manager")}
    assert found[questions["anonymous"].pk].author is None
    assert found[questions["best"].pk].author.name == "Bob Brown"  # type: ignore[union-attr]

    html = (
        client_for("erin")
        .get("/hub/similar/", {"title": "summarising meeting notes manager", "kind": "question"})
        .content.decode()
    )  # an admin sees it as everyone does

    assert "Summarising meeting notes for my manager" in html
    assert "Alice Adams" not in html and org["alice"].employee_id not in html
    assert "Anonymous" in html


def test_the_box_answers_the_form_while_typing(
    questions: dict[str, Post], client_for: Callable[[str], Client]
) -> None:
    client = client_for("alice")
    draft = {"title": "Summarise a Teams meeting", "body": "", "kind": "question"}

    html = client.get("/hub/similar/", draft, headers={"HX-Request": "true"}).content.decode()

    titles = re.findall(r'<a href="/hub/posts/\d+/"[^>]*>([^<]+)</a>', html)
    assert titles[0] == "Summarise a Teams meeting recording" and "Asked before?" in html
    assert client.get("/hub/similar/", {**draft, "kind": "win"}).content.strip() == b""
    assert client.get("/hub/similar/", {**draft, "title": "How do I"}).content.strip() == b""
    form = client.get("/hub/new/?kind=question").content.decode()
    assert 'hx-trigger="keyup changed delay:400ms from:#id_title' in form
    assert 'id="similar-questions"' in form
    editing = client.get(f"/hub/posts/{questions['anonymous'].pk}/edit/")  # alice's own
    assert editing.status_code == 200 and 'id="similar-questions"' not in editing.content.decode()


def test_a_champion_picking_an_original_sees_questions_like_this_one(
    questions: dict[str, Post], client_for: Callable[[str], Client]
) -> None:
    best = questions["best"]
    html = client_for("bob").get("/hub/similar/", {"for": best.pk}).content.decode()

    assert f'value="{best.pk}"' not in html  # never the question itself
    assert f'name="pick" value="{questions["anonymous"].pk}"' in html
