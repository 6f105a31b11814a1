"""Similar questions appear while a question is typed, in Debian's chromium; the asker publishes
anyway, and a champion marks it as a duplicate from the question's page, picking the original
from the questions like it: the original's answer then shows on the duplicate's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, post_publish
from peerwheel.org.models import Person
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_similar_questions_appear_while_typing_and_a_champion_links_the_answers(
    live_server: object, browser_page: object, cast: dict[str, User], org: dict[str, Person]
) -> None:
    original = post_publish(author=org["carol"], kind="question",
                            title="How do I summarise a Teams meeting recording?",
                            body="The recording is an hour long.")  # fmt: skip
    answer_post(post=original, author=org["dan"], body="Use the recap button under the video.")
    post_publish(author=org["dan"], kind="question", title="Spreadsheet formulas", body="VLOOKUP?")
    post_publish(author=org["erin"], kind="question", title="Meeting summaries for my manager?",
                 body="Allowed?", anonymous=True)  # fmt: skip
    page = browser_page
    url = live_server.url  # type: ignore[attr-defined]

    sign_in(page, url, "alice")
    page.goto(f"{url}/hub/new/?kind=question")  # type: ignore[attr-defined]
    page.select_option("#id_kind", "question")  # type: ignore[attr-defined]
    page.locator("#id_title").press_sequentially("Summarise a Teams meeting")  # type: ignore[attr-defined]
    box = page.locator("#similar-questions")  # type: ignore[attr-defined]
    box.locator("text=How do I summarise a Teams meeting recording?").wait_for()
    shown = box.inner_text()
    assert "Asked before?" in shown and "Meeting summaries for my manager?" in shown
    assert "Spreadsheet formulas" not in shown
    assert "Erin" not in shown and "Anonymous" in shown  # the anonymous asker is never named
    page.screenshot(path=str(_artifact("hub-similar-questions.png")), full_page=True)  # type: ignore[attr-defined]

    page.fill("#id_body", "After the call, I want the decisions.")  # type: ignore[attr-defined]
    page.click("#publish")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/hub/posts/\d+/$"))  # type: ignore[attr-defined]
    asked = Post.objects.get(title="Summarise a Teams meeting")

    page.click("text=Sign out")  # type: ignore[attr-defined]
    sign_in(page, url, "bob")
    page.goto(f"{url}/hub/posts/{asked.pk}/")  # type: ignore[attr-defined]
    page.click("text=Asked before? Mark as a duplicate")  # type: ignore[attr-defined]
    pick = page.locator(f'#duplicate-candidates button[value="{original.pk}"]')  # type: ignore[attr-defined]
    pick.click()
    page.locator("#duplicate-of").wait_for()  # type: ignore[attr-defined]
    linked = page.locator("#duplicate-of").inner_text()  # type: ignore[attr-defined]
    assert original.title in linked and "Use the recap button under the video." in linked

    asked.refresh_from_db()
    assert asked.duplicate_of_id == original.pk


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
