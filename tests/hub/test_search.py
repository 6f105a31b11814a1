"""Full-text search behaves the same on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

CI runs this file on both databases; every expectation here holds on each.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection

from peerwheel.hub.models import Post
from peerwheel.hub.search import fts5_expression, parse_query
from peerwheel.hub.selectors import hub_viewer, search_posts
from peerwheel.hub.services import post_delete, post_edit
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(publish: Callable[..., Post]) -> dict[str, Post]:
    return {
        "summary": publish(
            "alice",
            title="Summarising customer calls",
            body="I paste the transcript and get the key points.",
        ),
        "notes": publish(
            "bob",
            kind="tip",
            title="Meeting notes that people read",
            body="Ask for decisions first, then owners. Summaries go last.",
        ),
        "invoice": publish(
            "carol",
            kind="prompt",
            title="Chasing invoices",
            body="A polite reminder that works.",
            prompt_text="Write a friendly reminder about an overdue invoice.",
        ),
        "sql": publish(
            "dan",
            kind="fail",
            title="It invented a SQL column",
            body="The query looked right but the notes column does not exist in meeting data.",
        ),
    }


def _titles(user: User, q: str, **filters: str) -> list[str]:
    page = search_posts(hub_viewer(user), q=q, **filters)
    return [item.title for item in page.items]


def test_words_are_stemmed(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert _titles(cast["erin"], "summarise") == ["Summarising customer calls"]
    assert _titles(cast["erin"], "invoice") == ["Chasing invoices"]
    assert _titles(cast["erin"], "reminders") == ["Chasing invoices"]


def test_a_title_match_ranks_above_a_body_match(
    corpus: dict[str, Post], cast: dict[str, User]
) -> None:
    assert _titles(cast["erin"], "meeting notes") == [
        "Meeting notes that people read",
        "It invented a SQL column",
    ]


def test_every_word_must_appear(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert _titles(cast["erin"], "transcript invoice") == []
    assert _titles(cast["erin"], "transcript points") == ["Summarising customer calls"]


def test_quoted_words_are_a_phrase(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert _titles(cast["erin"], '"notes column"') == ["It invented a SQL column"]
    assert _titles(cast["erin"], '"column notes"') == []


def test_or_and_minus(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert sorted(_titles(cast["erin"], "invoice or transcript")) == [
        "Chasing invoices",
        "Summarising customer calls",
    ]
    assert _titles(cast["erin"], "meeting -sql") == ["Meeting notes that people read"]


def test_the_prompt_text_is_searched(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert _titles(cast["erin"], "overdue") == ["Chasing invoices"]


def test_common_words_alone_find_nothing(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert _titles(cast["erin"], "how to") == []
    assert _titles(cast["erin"], "how to chase invoices") == ["Chasing invoices"]


@pytest.mark.parametrize(
    "q", ['"unbalanced', "col* OR (", "NEAR(a b)", "a:b", "^start", "-", '""', "'; DROP TABLE"]
)
def test_query_syntax_never_breaks_the_search(
    corpus: dict[str, Post], cast: dict[str, User], q: str
) -> None:
    search_posts(hub_viewer(cast["erin"]), q=q)  # no exception on either database


def test_edits_are_reindexed_and_deleted_posts_disappear(
    corpus: dict[str, Post], cast: dict[str, User], org: dict[str, Person]
) -> None:
    post_edit(post=corpus["invoice"], editor=org["carol"], title="Chasing late payments")
    post_delete(post=corpus["summary"], actor=cast["alice"])

    assert _titles(cast["erin"], "payments") == ["Chasing late payments"]
    assert _titles(cast["erin"], "transcript") == []


def test_filters_combine_with_the_query(corpus: dict[str, Post], cast: dict[str, User]) -> None:
    assert _titles(cast["erin"], "meeting", kind="fail") == ["It invented a SQL column"]


def test_queries_are_parsed_like_a_web_search() -> None:
    parsed = parse_query('Summarise "meeting notes" or invoices -draft the')

    assert parsed.groups == ((("summarise",), ("meeting", "notes")), (("invoices",),))
    assert parsed.excluded == (("draft",),)
    assert fts5_expression(parsed) == (
        '(("summarise" AND "meeting notes") OR ("invoices")) NOT "draft"'
    )


def test_the_database_has_its_search_machinery(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'hub_post_search_gin'"
            )
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'hub_post_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()


def test_a_broad_query_ranks_the_newest_matches_and_counts_them_all(
    publish: Callable[..., Post], cast: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("peerwheel.hub.search.RANKED_MATCHES", 2)
    publish("alice", title="Invoices, the oldest", days_ago=3)
    publish("bob", title="Two", body="about invoices", days_ago=2)
    publish("carol", title="Three", body="about invoices", days_ago=1)

    page = search_posts(hub_viewer(cast["erin"]), q="invoices")

    assert page.count == 3
    assert [p.title for p in page.items] == ["Three", "Two"]
