"""A win with a leaked key, caught while typing, redacted in one click, found and tried by a
colleague: the whole hub flow in Debian's chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from peerwheel.hub.models import Post, Trial
from tests.conftest import sign_in
from tests.hub.conftest import fake_openai_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_share_a_win_redact_the_key_then_a_colleague_finds_and_tries_it(
    live_server: object, browser_page: object, cast: dict[str, User]
) -> None:
    page = browser_page
    url = live_server.url  # type: ignore[attr-defined]
    key = fake_openai_key()

    sign_in(page, url, "alice")
    page.goto(f"{url}/hub/new/")  # type: ignore[attr-defined]
    page.select_option("#id_kind", "win")  # type: ignore[attr-defined]
    page.fill("#id_title", "Weekly report in ten minutes")  # type: ignore[attr-defined]
    page.locator("#id_body").press_sequentially(  # type: ignore[attr-defined]
        f"Gave the script my key {key} and asked for the weekly report."
    )
    feedback = page.locator("#guardrail-feedback")  # type: ignore[attr-defined]
    feedback.locator("text=Not ready to publish").wait_for()
    assert "OpenAI" in feedback.inner_text()
    page.screenshot(path=str(_artifact("hub-guardrail.png")), full_page=True)  # type: ignore[attr-defined]

    page.click("#redact-all")  # type: ignore[attr-defined]
    feedback.locator("text=Redacted").wait_for()
    body = page.input_value("#id_body")  # type: ignore[attr-defined]
    assert "<API_KEY>" in body and key not in body
    page.fill("#id_minutes_saved", "45")  # type: ignore[attr-defined]
    page.click("#publish")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/hub/posts/\d+/$"))  # type: ignore[attr-defined]
    post = Post.objects.get()
    assert key not in post.body and "<API_KEY>" in post.body

    page.click("text=Sign out")  # type: ignore[attr-defined]
    sign_in(page, url, "bob")
    page.goto(f"{url}/hub/search/")  # type: ignore[attr-defined]
    page.fill("#search-q", "weekly report")  # type: ignore[attr-defined]
    page.press("#search-q", "Enter")  # type: ignore[attr-defined]
    page.click("text=Weekly report in ten minutes")  # type: ignore[attr-defined]
    page.check("input[name=outcome][value=worked]")  # type: ignore[attr-defined]
    page.fill("#id_trial_minutes", "30")  # type: ignore[attr-defined]
    page.fill("#id_trial_note", "Worked for the monthly one too.")  # type: ignore[attr-defined]
    page.click("#trial-submit")  # type: ignore[attr-defined]
    page.locator("#trials >> text=Bob Brown").wait_for()  # type: ignore[attr-defined]
    assert page.locator("#trial-submit").inner_text() == "Update my trial"  # type: ignore[attr-defined]
    page.screenshot(path=str(_artifact("hub-tried.png")), full_page=True)  # type: ignore[attr-defined]

    trial = Trial.objects.get()
    assert (trial.person.user, trial.outcome, trial.minutes_saved) == (cast["bob"], "worked", 30)


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
