"""The pages as a person sees them, in Debian's chromium driven by Playwright, under the
Content-Security-Policy: charts are drawn, Swagger UI works, and the browser refuses nothing
(no inline script or handler is left) and fetches nothing from outside the server."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.org.models import Person
from peerwheel.usage.services import usage_import
from tests.conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def larger_org(cast: dict[str, User]) -> None:
    """Four more people in each department × site cell of the cast's organisation, so every
    cell reaches the minimum group of 5 and the home page's headcount chart has bars."""
    cells = {(p.department_id, p.site_id) for p in Person.objects.all()}
    n = 0
    for department_id, site_id in sorted(cells):
        for _ in range(4):
            n += 1
            Person.objects.create(
                employee_id=f"X{n}", name=f"Extra {n}", department_id=department_id, site_id=site_id
            )


@pytest.fixture
def refusals(browser_page: Any, live_server: Any) -> list[str]:
    """Everything the browser refused or fetched from elsewhere, as readable lines."""
    found: list[str] = []
    page = browser_page
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile"
        " + ':' + e.lineNumber));"
    )
    page.on(
        "console",
        lambda m: (
            found.append(m.text) if ("Refused to" in m.text or "CSP violation" in m.text) else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((live_server.url, "data:", "blob:"))
            else found.append(f"outside request: {r.url}")
        ),
    )
    return found


def test_every_page_runs_under_the_policy_with_charts_drawn(
    live_server: Any,
    browser_page: Any,
    larger_org: None,
    refusals: list[str],
    tmp_path: Path,
) -> None:
    start = date(2025, 1, 6)
    lines = ["person,week,tool,actions"]
    for person, employee_id in enumerate(Person.objects.values_list("employee_id", flat=True)):
        lines += [
            f"{employee_id},{start + timedelta(weeks=w)},ChatGPT,{person % 7 + w}" for w in range(6)
        ]
    (tmp_path / "usage.csv").write_text("\n".join(lines) + "\n")
    usage_import("usage-csv", tmp_path / "usage.csv")
    page = browser_page
    url = live_server.url

    login = page.goto(f"{url}/accounts/login/")
    policy = login.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-eval'" not in policy
    sign_in(page, url, "carol")  # a lead: the usage overview too

    page.wait_for_selector("#headcount-chart .main-svg")
    assert page.locator("#headcount-chart .bars path").count() >= 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.goto(f"{url}/hub/")
    page.wait_for_load_state("networkidle")

    mine = page.goto(f"{url}/usage/me/")
    assert "no-store" in mine.headers["cache-control"]
    page.wait_for_selector("#my-usage-chart .main-svg")
    assert page.locator("#my-usage-chart .scatterlayer path, #my-usage-chart .bars path").count()

    page.goto(f"{url}/usage/overview/")
    page.wait_for_selector("#segment-trend .main-svg")
    page.wait_for_selector("#segment-mix .main-svg")

    page.goto(f"{url}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".swagger-ui .opblock")
    assert "Peerwheel API" in page.locator(".swagger-ui .info .title").inner_text()
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)

    page.wait_for_timeout(300)  # late console messages
    assert refusals == []


def test_a_lead_signs_in_and_sees_the_headcount_chart(
    live_server: Any, browser_page: Any, larger_org: None, refusals: list[str]
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "carol")

    page.wait_for_selector("#headcount-chart .main-svg")
    assert page.locator("#headcount-chart .bars path").count() >= 4
    assert page.locator("nav >> text=Insights").count() == 1
    assert refusals == []


def test_the_admin_runs_under_the_policy(
    live_server: Any, browser_page: Any, cast: dict[str, User], refusals: list[str]
) -> None:
    page = browser_page
    url = live_server.url
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", "erin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{url}/admin/")

    for path in (
        "/admin/",
        "/admin/org/person/",
        f"/admin/org/person/{Person.objects.first().pk}/change/",
    ):
        page.goto(f"{url}{path}")
        page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert refusals == []
