"""My digest (one's own, nobody else's) and the digest as a reader sees it in the browser."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerwheel.digest.models import DigestSubscription
from peerwheel.digest.rendering import digest_html, digest_text
from peerwheel.digest.services import digest_build
from peerwheel.insights.models import Nudge
from tests.conftest import sign_in
from tests.digest.conftest import WEEK, Scene, at

URL = "/digest/me/"


def test_my_digest_shows_my_own_digest(scene: Scene, client_for: Callable[[str], Client]) -> None:
    page = client_for("alice").get(URL, {"week": "2026-W10"}).content.decode()
    assert "Hi Alice, here is the week of 2 March 2026" in page
    assert "Erin&#x27;s win" in page
    assert "Alice&#x27;s own win" not in page
    assert ' style="' not in page  # the email's style attributes stay out of the page (CSP)


def test_there_is_no_way_to_ask_for_someone_elses_digest(
    scene: Scene, client_for: Callable[[str], Client]
) -> None:
    alice = client_for("alice").get(URL, {"week": "2026-W10", "person": scene.org["charlie"].pk})
    assert "Hi Alice" in alice.content.decode()
    bob = client_for("bob").get(URL, {"week": "2026-W10"}).content.decode()
    assert "Hi Bob" in bob and "Hi Alice" not in bob


def test_a_bad_week_is_a_400_that_says_how_to_write_it(
    scene: Scene, client_for: Callable[[str], Client]
) -> None:
    response = client_for("alice").get(URL, {"week": "March"})
    assert response.status_code == 400
    assert "write it as YYYY-Www" in response.content.decode()


def test_an_empty_week_says_nothing_goes_out(
    scene: Scene, client_for: Callable[[str], Client]
) -> None:
    page = client_for("alice").get(URL, {"week": "2026-W20"}).content.decode()
    assert "nobody gets an empty one" in page


def test_the_email_switch_is_the_persons_own(
    scene: Scene, client_for: Callable[[str], Client]
) -> None:
    client = client_for("alice")
    assert client.post(URL, {"email": "off"}).status_code == 302
    assert DigestSubscription.objects.get(person=scene.org["alice"]).email is False
    assert "Send it to me every week" in client.get(URL).content.decode()
    client.post(URL, {"email": "on"})
    choice = DigestSubscription.objects.get(person=scene.org["alice"])
    assert (choice.email, choice.unsubscribed_at) == (True, None)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # Playwright's loop gets its own database connection
def test_the_html_and_text_email_read_right_in_the_browser(scene: Scene, browser_page: Any) -> None:
    Nudge.objects.create(
        person=scene.org["charlie"],
        kind="invisible_success",
        week=WEEK.monday,
        created=at(1),
        message="Your way of using Copilot could help 5 colleagues in your role.",
        title="How I use Copilot",
        draft="I use Copilot for proposals.",
    )
    digest = digest_build(scene.org["charlie"], WEEK)
    page = browser_page
    page.set_content(digest_html(digest))
    private = page.locator("[data-testid=private-block]")
    assert private.is_visible()
    assert "Only you see this part" in private.inner_text()
    assert "could help 5 colleagues in your role" in private.inner_text()
    assert page.locator("h1").inner_text() == "Hi Charlie, here is the week of 2 March 2026"
    close = page.locator("#close-to-you + .digest-item")
    assert "Carol's win" in close.inner_text()
    assert "Carol Clark · in your role family" in close.inner_text()
    anonymous = page.locator(".digest-item", has_text="Anonymous fail")
    assert "Shared anonymously" in anonymous.inner_text()
    assert "Bob Brown" not in page.locator("body").inner_text()
    link = page.get_by_role("link", name="Carol's win")
    post_id = scene.posts["carol_win"].pk
    assert link.get_attribute("href") == f"http://127.0.0.1:8000/hub/posts/{post_id}/"
    assert page.get_by_role("link", name="Unsubscribe in one click").is_visible()
    # The email's own styles apply: a 600-pixel column (and its padding) in the 1,100-pixel page.
    width = page.evaluate("document.querySelector('body > div').getBoundingClientRect().width")
    assert width == 600 + 2 * 24

    page.set_content(f"<pre>{html.escape(digest_text(digest))}</pre>")
    text = page.locator("pre").inner_text()
    assert text.startswith("Hi Charlie, here is the week of 2 March 2026.")
    assert "* [Win] Carol's win\n  Carol Clark - in your role family" in text
    assert "* [Fail] Anonymous fail\n  Shared anonymously - shared this week" in text
    assert "Unsubscribe in one click: http://127.0.0.1:8000/digest/unsubscribe/" in text
    assert "{%" not in text and "{{" not in text


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_my_digest_in_the_browser(
    scene: Scene, cast: Any, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "alice")
    page.click("text=My digest")
    page.goto(f"{live_server.url}{URL}?week=2026-W10")
    preview = page.locator("[data-testid=digest-preview]")
    assert "Erin's win" in preview.inner_text()
    assert preview.locator(".digest-item").count() == 3
    page.click("text=Stop the emails")
    page.wait_for_selector("text=Send it to me every week")
