"""Notifications end to end in Debian's chromium: alice answers bob's question, bob's bell shows
1, the email is in the outbox; an anonymous asker is notified and nobody can tell who."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from peerwheel.hub.models import Answer
from peerwheel.hub.services import post_publish
from peerwheel.org.models import Person
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _answer(page: Any, url: str, post_id: int, text: str) -> None:
    page.goto(f"{url}/hub/posts/{post_id}/")
    page.fill("#id_answer", text)
    page.click("#answers button.primary")
    page.locator(f"#answers >> text={text}").wait_for()


def _sign_out(page: Any) -> None:
    page.click("text=Sign out")


def test_an_answer_rings_the_askers_bell_and_emails_them_and_anonymity_holds(
    live_server: Any, browser_page: Any, cast: dict[str, User], org: dict[str, Person]
) -> None:
    page, url = browser_page, live_server.url
    mail.outbox.clear()  # the cast's logins were emailed when linked to their people
    named = post_publish(author=org["bob"], kind="question", title="How do I summarise a thread?",
                         body="Long Teams threads.")  # fmt: skip
    hidden = post_publish(author=org["dan"], kind="question", title="Can I paste client data?",
                          body="Asking for a friend.", anonymous=True)  # fmt: skip

    sign_in(page, url, "alice")
    _answer(page, url, named.pk, "Ask it for decisions and owners.")
    page.click("[data-follow=person]")  # follow the asker, in place (htmx)
    page.locator("text=Following Bob Brown").wait_for()
    page.screenshot(path=str(_artifact("notifications-follow.png")), full_page=True)
    _answer(page, url, hidden.pk, "Only into the approved tool, redacted.")
    assert Answer.objects.count() == 2
    page.goto(f"{url}/notifications/")
    alice_sees = page.locator("main").inner_text()
    assert "Dan" not in alice_sees and "Nothing yet" in alice_sees
    page.goto(f"{url}/hub/posts/{hidden.pk}/")
    assert "Dan" not in page.locator("main").inner_text()
    _sign_out(page)

    sign_in(page, url, "bob")
    bell = page.locator("#bell [data-testid=bell-count]")
    bell.wait_for()
    assert bell.inner_text() == "1"
    page.click("#bell")
    page.wait_for_url(f"{url}/notifications/")
    item = page.locator("[data-testid=notifications] li.unread")
    assert item.count() == 1
    assert "Alice Adams answered your question" in item.inner_text()
    page.screenshot(path=str(_artifact("notifications-bell.png")), full_page=True)
    page.click("#mark-all-read")
    page.locator("text=All read").wait_for()
    assert page.locator("#bell [data-testid=bell-count]").count() == 0
    _sign_out(page)

    sign_in(page, url, "dan")
    page.locator("#bell [data-testid=bell-count]").wait_for()
    assert page.locator("#bell [data-testid=bell-count]").inner_text() == "1"
    page.goto(f"{url}/notifications/")
    assert "Alice Adams answered your question" in page.locator("main").inner_text()
    _sign_out(page)

    sign_in(page, url, "carol")  # a lead: nothing tells her who asked
    page.goto(f"{url}/hub/posts/{hidden.pk}/")
    assert "Dan" not in page.locator("main").inner_text()
    page.goto(f"{url}/notifications/")
    assert "Dan" not in page.locator("main").inner_text()

    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {("bob@example.com",), ("dan@example.com",)}
    assert "Alice Adams answered your question" in by_recipient[("bob@example.com",)].subject
    for message in mail.outbox:
        assert "Dan" not in message.subject + message.body


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
