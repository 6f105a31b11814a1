from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_needs_sign_in(db: None) -> None:
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_the_organisation_at_a_glance(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Callable
) -> None:
    client = client_for("alice")
    with django_assert_max_num_queries(10):
        response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "The organisation at a glance" in html
    assert '<span class="figure">7</span><span class="label">people</span>' in html
    assert '<span class="figure">2</span><span class="label">departments</span>' in html
    # Seven people in four department × site cells: every cell is under the minimum group.
    assert 'id="headcount-chart"' not in html
    assert "4 department–site groups with fewer than 5 people are not shown" in html
    assert "/static/plotly/plotly.min.js" in html
    assert "cdn" not in html.lower()


def test_navigation_shows_only_what_the_role_may_open(client_for: Callable[[str], Client]) -> None:
    member = client_for("alice").get("/").content.decode()
    lead = client_for("carol").get("/").content.decode()
    admin = client_for("erin").get("/").content.decode()

    assert ">Hub<" in member and ">Insights<" not in member and ">Admin<" not in member
    assert ">Insights<" in lead and ">Simulate<" in lead
    assert ">Study<" in lead  # leads read closed waves' reports (they do not run the study)
    assert all(
        f">{label}<" in admin
        for label in ("Hub", "Program", "Insights", "Simulate", "Study", "Admin")
    )


def test_built_sections_have_no_placeholder_and_program_is_built(
    client_for: Callable[[str], Client],
) -> None:
    assert client_for("carol").get("/s/nowhere/").status_code == 404
    # A built section has its own page, so its placeholder address no longer exists.
    assert client_for("carol").get("/s/hub/").status_code == 404
    assert client_for("alice").get("/s/program/").status_code == 404
    assert 'href="/program/"' in client_for("alice").get("/").content.decode()


def test_plotly_and_htmx_are_served_locally(client_for: Callable[[str], Client]) -> None:
    client = client_for("alice")
    plotly = client.get("/static/plotly/plotly.min.js")
    html = client.get("/").content.decode()

    assert plotly.status_code == 200
    assert b"plotly" in b"".join(plotly.streaming_content)[:2000].lower()
    assert "/static/django_htmx/htmx" in html


def test_login_page_posts_with_csrf(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")

    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.content.decode()
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403


def test_escaping_of_names_in_pages(client_for: Callable[[str], Client], org: dict) -> None:
    from peerwheel.org.models import Department

    Department.objects.filter(name="Sales").update(name="<script>alert(1)</script>")
    html = client_for("alice").get("/").content.decode()

    assert "<script>alert(1)</script>" not in html
