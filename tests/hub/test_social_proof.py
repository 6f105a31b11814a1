"""Social proof on every card (feed, library, search, questions, profiles): tried by N, worked
for M, minutes saved per use, answers, reactions, read from the post's counters; the numbers
match the rows counted on their own, and the queries a page makes do not grow with its cards."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerwheel.hub.models import Answer, Post, Reaction, Trial
from peerwheel.hub.services import answer_post, reaction_add, trial_record
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db

_CARD = re.compile(r'<article class="post-card.*?</article>', re.S)
_PROOF = re.compile(r'data-proof="(\w+)">([^<]*)<')


def cards(html: str) -> dict[int, dict[str, int]]:
    """Post id → the numbers its card shows (tried, worked, minutes, answers, reactions)."""
    found: dict[int, dict[str, int]] = {}
    for card in _CARD.findall(html):
        post_id = int(re.search(r'href="/hub/posts/(\d+)/"', card).group(1))  # type: ignore[union-attr]
        found[post_id] = {
            name: int(re.search(r"\d+", text).group())  # type: ignore[union-attr]
            for name, text in _PROOF.findall(card)
        }
    return found


def counted(post: Post) -> dict[str, int]:
    """What a card should say, from the rows themselves (never the counters)."""
    proof = {
        "answers": Answer.objects.filter(post=post).count(),
        "reactions": Reaction.objects.filter(post=post).count(),
    }
    if post.kind != "question":
        proof["tried"] = Trial.objects.filter(post=post).values("person").distinct().count()
        proof["worked"] = Trial.objects.filter(post=post, outcome="worked").count()
        if post.minutes_saved:
            proof["minutes"] = post.minutes_saved
    return proof


@pytest.fixture
def busy(publish: Callable[..., Post], org: dict[str, Person]) -> list[Post]:
    """A win, a prompt, a fail and a question with trials (one changed its outcome twice),
    reactions (one given twice), comments and answers."""
    win = publish("alice", title="Release notes drafted", minutes_saved=25, tool="Copilot")
    prompt = publish(
        "bob", kind="prompt", title="Release notes prompt", prompt_text="Summarise the PRs.",
        minutes_saved=10,
    )  # fmt: skip
    fail = publish("carol", kind="fail", title="Release notes from a screenshot went wrong")
    question = publish("dan", kind="question", title="Release notes for a mobile app?")
    for person, outcome in [("bob", "worked"), ("carol", "worked"), ("dan", "partly"),
                            ("erin", "didnt")]:  # fmt: skip
        trial_record(post=win, person=org[person], outcome=outcome, minutes_saved=20)
    trial_record(post=win, person=org["dan"], outcome="worked")  # partly → worked
    trial_record(post=win, person=org["bob"], outcome="didnt")  # worked → didn't
    trial_record(post=prompt, person=org["alice"], outcome="worked")
    trial_record(post=fail, person=org["alice"], outcome="didnt")
    for person, emoji in [("bob", "👍"), ("bob", "🎉"), ("carol", "👍"), ("carol", "👍")]:
        reaction_add(post=win, person=org[person], emoji=emoji)
    reaction_add(post=question, person=org["alice"], emoji="👀")
    answer_post(post=win, author=org["erin"], body="Nice.")
    answer_post(post=question, author=org["bob"], body="The same prompt works.")
    answer_post(post=question, author=org["carol"], body="Add the store's limits.")
    return [win, prompt, fail, question]


def test_the_counters_match_the_rows(busy: list[Post]) -> None:
    win = Post.objects.get(pk=busy[0].pk)
    assert (win.tried_count, win.worked_count, win.reaction_count) == (4, 2, 3)
    for post in busy:
        post.refresh_from_db()
        assert post.worked_count == Trial.objects.filter(post=post, outcome="worked").count()
        assert post.reaction_count == Reaction.objects.filter(post=post).count()


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        ("/hub/", {"win", "prompt", "fail", "question"}),
        ("/hub/library/", {"prompt"}),
        ("/hub/search/?q=release+notes", {"win", "prompt", "fail", "question"}),
        ("/hub/questions/", {"question"}),
    ],
)
def test_every_card_shows_the_numbers_counted_from_the_rows(
    busy: list[Post], client_for: Callable[[str], Client], path: str, kinds: set[str]
) -> None:
    html = client_for("erin").get(path).content.decode()  # erin sees every list

    shown = cards(html)

    expected = {post.pk: counted(post) for post in busy if post.kind in kinds}
    assert shown == expected
    win = busy[0]
    if win.pk in shown:  # the sentence itself, as a reader sees it
        assert "Tried by 4" in html and "worked for 2" in html and "saves 25 min per use" in html


def test_a_question_card_shows_answers_not_trials(
    busy: list[Post], client_for: Callable[[str], Client]
) -> None:
    question = busy[3]
    shown = cards(client_for("bob").get("/hub/questions/").content.decode())

    assert shown[question.pk] == {"answers": 2, "reactions": 1}


def test_rebuild_counters_repairs_worked_and_reactions(busy: list[Post]) -> None:
    win = busy[0]
    Post.objects.filter(pk=win.pk).update(worked_count=0, reaction_count=40)

    call_command("rebuild_counters", stdout=io.StringIO())

    win.refresh_from_db()
    assert (win.worked_count, win.reaction_count) == (2, 3)


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# The session, the user and their permissions, the person, then the page's own reads (the
# feed's candidates and follows, the library's filter choices, one count and one page of posts):
# the numbers on the cards are columns of those rows, never a query of their own.
PAGE_QUERY_LIMITS = {
    "/hub/": 9,
    "/hub/library/": 9,
    "/hub/search/?q=notes": 6,
    "/hub/questions/": 6,
}


@pytest.mark.parametrize("path", list(PAGE_QUERY_LIMITS))
def test_the_queries_of_a_page_do_not_grow_with_its_cards(
    publish: Callable[..., Post],
    org: dict[str, Person],
    client_for: Callable[[str], Client],
    django_assert_max_num_queries: Any,
    path: str,
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            kind = ("win", "prompt", "question")[i % 3]
            extra = {"prompt_text": "Summarise."} if kind == "prompt" else {}
            post = publish(("alice", "bob", "carol")[i % 3], kind=kind, title=f"Notes {i}",
                           minutes_saved=5, **extra)  # fmt: skip
            reaction_add(post=post, person=org["erin"], emoji="👍")
            answer_post(post=post, author=org["dan"], body="Thanks.")
            if kind != "question":
                trial_record(post=post, person=org["erin"], outcome="worked")

    client = client_for("erin")
    add(3)
    few = _queries(client, path)
    add(27)
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS[path]):
        many = _queries(client, path)

    assert len(cards(client.get(path).content.decode())) > 6  # a full page of cards
    assert many == few


def test_the_api_carries_the_same_numbers(
    busy: list[Post], client_for: Callable[[str], Client]
) -> None:
    items = client_for("bob").get("/api/posts?q=release").json()["items"]

    got = {i["id"]: (i["tried_count"], i["worked_count"], i["reaction_count"]) for i in items}
    assert got == {
        p.pk: (
            Trial.objects.filter(post=p).count(),
            Trial.objects.filter(post=p, outcome="worked").count(),
            Reaction.objects.filter(post=p).count(),
        )
        for p in busy
    }
