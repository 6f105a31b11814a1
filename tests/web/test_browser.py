"""The home page as a person sees it: Debian's chromium driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_lead_signs_in_and_sees_the_headcount_chart(
    live_server: object, browser_page: object, cast: dict[str, User]
) -> None:
    from tests.conftest import PASSWORD

    page = browser_page
    url = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{url}/")  # type: ignore[attr-defined]
    page.fill("#id_username", "carol")  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]

    page.wait_for_selector("#headcount-chart .main-svg")  # type: ignore[attr-defined]
    bars = page.locator("#headcount-chart .bars path")  # type: ignore[attr-defined]
    assert bars.count() >= 4
    assert page.locator("nav >> text=Insights").count() == 1  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)  # type: ignore[attr-defined]
