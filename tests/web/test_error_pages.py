"""403, 404 and 500 are pages in the layout that say what happened and where to go (issue 17)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LAYOUT = ('class="topbar"', 'class="footer"', "/static/web/peerwheel.css")


def test_a_missing_page_says_so_and_links_home(client_for: Callable[[str], Client]) -> None:
    response = client_for("alice").get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert all(part in html for part in LAYOUT)
    assert '<h1 id="error-title">There is nothing here</h1>' in html
    assert "No page has the address <code>/no-such-page/</code>." in html
    assert '<a href="/">Go to the home page</a>' in html and 'href="/hub/"' in html
    assert "Resolver404" not in html
    assert 'class="username">alice<' in html  # the signed-in layout, with the navigation


def test_a_missing_object_names_what_is_missing(client_for: Callable[[str], Client]) -> None:
    response = client_for("carol").get("/simulate/runs/9999/")
    assert response.status_code == 404
    assert "There is no simulation run 9999." in response.content.decode()


def test_a_forbidden_page_says_which_permission_and_where_to_go(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("alice").get("/simulate/")  # a member; simulations are for leads
    assert response.status_code == 403
    html = response.content.decode()
    assert all(part in html for part in LAYOUT)
    assert "You can't open this page" in html
    assert "This needs the &#x27;" in html  # the capability it needs, from the decorator
    assert "ask a Peerwheel admin to give your login the role" in html
    assert '<a href="/">Go to the home page</a>' in html


@pytest.mark.urls("tests.web.error_urls")
def test_a_server_error_apologises_in_the_layout(cast: object) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert all(part in html for part in LAYOUT)
    assert "Something went wrong on our side" in html
    assert "the error is in the server's log" in html
    assert '<a href="/">Go to the home page</a>' in html
    assert "a bug" not in html and "Traceback" not in html
