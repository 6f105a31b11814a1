"""The Simulate page in Debian's chromium: a lead compares presets and watches the live bar
turn into curves and a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.simulate.models import SimulationRun
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_lead_runs_a_comparison_and_sees_the_curves(
    live_server: Any, browser_page: Any, cast: dict[str, User]
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "carol")
    page.click("nav >> text=Simulate")
    page.wait_for_selector("#scenario-title")

    page.uncheck("input[name=presets][value=appointed]")  # two presets of the three shown
    page.fill("#id_k", "2")  # the cast is seven people
    page.fill("#id_runs", "20")
    page.fill("#id_weeks", "8")
    page.click("form.sim-form button[type=submit]")

    page.wait_for_selector("#simulation-result .sim-progress", timeout=10_000)
    page.wait_for_selector(".sim-result[data-status=done]", timeout=120_000)  # numba compiles
    page.wait_for_selector(".sim-result .js-plotly-plot", timeout=10_000)  # plotly.js drew it
    rows = page.locator(".sim-table tbody tr")
    assert rows.count() == 2
    names = rows.locator("th").all_inner_texts()
    assert names == ["Mandate only", "Natural champions + weekly show-and-tell"]
    assert "Adopted after 8 weeks" in page.locator(".sim-table thead").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulate.png"), full_page=True)

    history = page.locator("#simulation-history")  # refreshed when the run finished
    history.locator("text=Mandate only vs Natural champions + weekly show-and-tell").wait_for()
    assert "No simulations yet" not in history.inner_text()
    run = SimulationRun.objects.get()
    assert run.created_by == cast["carol"] and run.status == SimulationRun.Status.DONE
    assert (run.parameters["runs"], run.parameters["weeks"]) == (20, 8)
    page.click(".sim-result >> text=link to this run")
    page.wait_for_url(f"{live_server.url}/simulate/runs/{run.pk}/")
    assert page.locator(".js-plotly-plot").count() == 1


def test_only_the_chosen_panel_is_active_and_a_refused_form_says_why(
    live_server: Any, browser_page: Any, cast: dict[str, User]
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/simulate/")

    def disabled() -> list[bool]:
        """Whether the presets panel and the strategies panel are disabled."""
        return [
            page.locator(f"fieldset[data-mode-panel={mode}]").evaluate("el => el.disabled")
            for mode in ("presets", "strategies")
        ]

    assert disabled() == [False, True]  # presets mode, the default
    assert page.locator("input[name=strategies][value=natural]").is_disabled()
    page.check("input[name=mode][value=strategies]")
    assert disabled() == [True, False]
    for value in ("none", "degree", "pagerank"):  # natural and appointed are ticked already
        page.check(f"input[name=strategies][value={value}]")
    page.click("form.sim-form button[type=submit]")
    alert = page.locator("#simulation-result [role=alert]")
    alert.wait_for(timeout=10_000)
    assert "Strategies: Choose between 2 and 4 to compare." in alert.inner_text()
    assert not SimulationRun.objects.exists()
    page.check("input[name=mode][value=presets]")
    assert disabled() == [False, True]
