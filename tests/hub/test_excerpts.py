"""Card excerpts come from the rendered body (issue 17): no raw Markdown marks on the feed or in
search results, cut at a word."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from peerwheel.hub.markdown import render_markdown
from peerwheel.hub.search import excerpt

pytestmark = pytest.mark.django_db

BODY = (
    "**Weekly summaries** in _ten minutes_: paste the `#team` thread, ask for [a summary]"
    "(https://example.com/guide).\n\n- keep names\n- drop chatter\n\n> Check the numbers."
)
PLAIN = (
    "Weekly summaries in ten minutes: paste the #team thread, ask for a summary. keep names "
    "drop chatter Check the numbers."
)


def test_the_excerpt_is_the_text_a_reader_sees() -> None:
    assert excerpt(render_markdown(BODY)) == PLAIN
    assert excerpt(render_markdown("Fish &amp; chips < 5 **min**")) == "Fish & chips < 5 min"
    long = excerpt(render_markdown("word " * 100), limit=22)
    assert long == "word word word word…" and len(long) <= 22


def test_feed_and_search_cards_show_no_markdown_marks(
    client_for: Callable[[str], Client], publish: Callable[..., object]
) -> None:
    publish("alice", title="Summaries", body=BODY)
    client = client_for("bob")
    for page in (client.get("/hub/"), client.get("/hub/search/?q=summaries")):
        html = page.content.decode()
        assert page.status_code == 200
        assert f'<p class="snippet">{PLAIN}</p>' in html
        assert "**" not in html
