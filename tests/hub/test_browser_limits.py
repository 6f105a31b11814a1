"""Past the rate limit, the htmx section says so in place (htmx swaps the 429's message)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.core import ratelimit
from peerwheel.hub.models import Trial
from peerwheel.hub.services import post_publish
from peerwheel.org.models import Person
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_trial_shows_the_message_in_the_section(
    live_server: object,
    browser_page: object,
    cast: dict[str, User],
    org: dict[str, Person],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    ratelimit.cache.clear()
    post = post_publish(author=org["alice"], kind="tip", title="Short tip", body="It helps.")
    page: Any = browser_page
    url = live_server.url  # type: ignore[attr-defined]
    sign_in(page, url, "bob")
    settings.PEERWHEEL_API_RATE_LIMIT = 1  # after signing in: the sign-in is not a write here

    page.goto(f"{url}/hub/posts/{post.pk}/")
    page.check("input[name=outcome][value=worked]")
    page.fill("#id_trial_note", "first")
    page.click("#trial-submit")
    page.locator("#trials >> text=Bob Brown").wait_for()
    page.fill("#id_trial_note", "second")
    page.click("#trial-submit")
    page.locator("#trials >> text=try again in a minute").wait_for()

    assert Trial.objects.get().note == "first"
    ratelimit.cache.clear()
