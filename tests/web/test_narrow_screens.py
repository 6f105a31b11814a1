"""At 400 px wide (a phone) no page scrolls sideways (issue 17): the browser measures the
document's scrollWidth on the demo's pages, as each role sees them. Wide tables scroll inside
themselves."""

from __future__ import annotations

from typing import Any

import pytest

from peerwheel.demo import DEMO_PASSWORD, demo_build
from peerwheel.hub.models import Post
from peerwheel.simulate.models import SimulationRun
from peerwheel.study.models import SurveyWave

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH = 400


def sign_in_as(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_no_page_scrolls_sideways_at_400_px(live_server: Any, browser_page: Any) -> None:
    demo_build(people=120, seed=42)
    run = SimulationRun.objects.first()
    wave = SurveyWave.objects.filter(status=SurveyWave.Status.CLOSED).first()
    author = Post.objects.filter(anonymous=False).order_by("pk").first()
    assert run is not None and wave is not None and author is not None
    author = author.author
    pages = {
        "analyst": [
            "/usage/overview/",  # Insights
            "/usage/overview/?by=site",
            "/simulate/",
            f"/simulate/runs/{run.pk}/",
            "/study/",
            f"/study/waves/{wave.pk}/",
        ],
        "member": [
            "/",
            "/hub/",
            "/hub/library/",
            "/study/survey/",
            "/hub/new/?kind=question",
            f"/hub/people/{author.pk}/",
            "/program/",
            "/program/sessions/",
            "/program/cohorts/",
            "/catalog/",
            "/catalog/mine/",
            "/notifications/",
            "/digest/me/",
        ],
        "champion": ["/hub/questions/"],
        "admin": ["/usage/imports/"],
        "lead": [
            "/",  # the flywheel dashboard
            "/insights/flywheel/",
            "/insights/momentum/",
            "/program/stage/",
            "/program/scope/",
            "/program/champions/",
            "/program/buddies/",
            "/program/waves/",
            "/catalog/queue/",
            "/catalog/policy/",
        ],
    }
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    too_wide: dict[str, int] = {}
    refused: dict[str, int | None] = {}
    for user, urls in pages.items():
        page.context.clear_cookies()
        sign_in_as(page, live_server.url, user)
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            if response is None or response.status != 200:
                refused[url] = None if response is None else response.status
            page.wait_for_load_state("networkidle")
            if page.locator("[data-plotly-figure]").count():  # charts.js has drawn them
                page.wait_for_selector(".js-plotly-plot .main-svg")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide[url] = width
    assert refused == {}  # every page measured is the page itself, not an error page
    assert too_wide == {}
