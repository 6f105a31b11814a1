"""The Flywheel page: R, the curve, the forecast and the what-if for leads and analysts;
natural champions for program leads only; the page drawn in the real browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from peerwheel.org.models import Tie
from tests.conftest import sign_in
from tests.insights.conftest import LoadedCascade

pytestmark = pytest.mark.slow
URL = "/insights/flywheel/"


def test_a_lead_sees_r_the_forecast_and_the_natural_champions(
    loaded: LoadedCascade, client_for: Callable[[str], Client]
) -> None:
    response = client_for("carol").get(URL, {"as_of": loaded.as_of.isoformat(), "k": 3})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="flywheel-r"' in page
    assert 'data-testid="champions"' in page
    assert "3 more champions" in page
    assert 'data-plotly-figure="adoption-curve"' in page
    assert 'data-plotly-figure="r-over-time"' in page


def test_an_analyst_sees_r_but_not_who_the_champions_are(
    loaded: LoadedCascade, client_for: Callable[[str], Client]
) -> None:
    page = client_for("dan").get(URL, {"as_of": loaded.as_of.isoformat()}).content.decode()
    assert 'data-testid="flywheel-r"' in page
    assert 'data-testid="champions"' not in page
    assert "Person " not in page  # nobody's name from the cascade on the analyst's page


def test_members_may_not_open_it(cast: Any, client_for: Callable[[str], Client]) -> None:
    assert client_for("alice").get(URL).status_code == 403
    assert client_for("bob").get(URL).status_code == 403


def test_a_bad_as_of_date_is_a_clear_400(cast: Any, client_for: Callable[[str], Client]) -> None:
    response = client_for("dan").get(URL, {"as_of": "03/12/2026"})
    assert response.status_code == 400
    assert "not a date; write it as YYYY-MM-DD" in response.content.decode()


def test_small_departments_are_hidden(
    loaded: LoadedCascade, client_for: Callable[[str], Client]
) -> None:
    page = client_for("dan").get(URL, {"as_of": loaded.as_of.isoformat()}).content.decode()
    assert "hidden" in page  # email-Eu-core has departments of one or two people


@pytest.mark.django_db(transaction=True)
def test_the_page_draws_its_charts_in_the_browser(
    loaded: LoadedCascade, cast: Any, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}{URL}?as_of={loaded.as_of.isoformat()}")
    page.wait_for_selector("#adoption-curve .main-svg")
    page.wait_for_selector("#r-over-time .main-svg")
    assert page.locator("[data-testid=champions] li").count() >= 5
    page.select_option("#k", "10")
    page.click("#what-if button")
    page.wait_for_selector("text=10 more champions")


def test_the_cached_report_is_renewed_when_the_data_changes(
    loaded: LoadedCascade, client_for: Callable[[str], Client]
) -> None:
    client = client_for("dan")
    query = {"as_of": loaded.as_of.isoformat()}
    assert "No ties" not in client.get(URL, query).content.decode()
    Tie.objects.all().delete()
    assert "No ties" in client.get(URL, query).content.decode()
