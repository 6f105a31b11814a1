"""Headers and logging: the Content-Security-Policy on every page, no inline script left in
any template, personal pages never stored by a browser or proxy, a 403 logged as one line."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

import peerwheel

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
TEMPLATES = sorted(Path(peerwheel.__file__).parent.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/hub/", "/api/docs", "/admin/"])
def test_every_page_carries_the_policy(client_for: Callable[[str], Client], path: str) -> None:
    response = client_for("erin").get(path)

    directives = {d.strip() for d in response["Content-Security-Policy"].split(";")}
    assert directives >= POLICY
    assert not any("unsafe-eval" in d or "unsafe-inline" in d for d in directives)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_template_has_inline_script(template: Path) -> None:
    html = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", html)
    assert "javascript:" not in html


def test_figures_are_data_not_script(client_for: Callable[[str], Client]) -> None:
    """A chart is JSON in a data block web/charts.js draws, never a script that runs."""
    from peerwheel.core.charts import figure_html
    from peerwheel.web.charts import headcount_chart

    html = str(figure_html(headcount_chart([("R&D</script><b>", "Site", 6)]), div_id="c"))

    assert "Plotly.newPlot" not in html
    assert '<script type="application/json" data-plotly-figure="c">' in html
    assert "</script><b>" not in html  # the data cannot close its own element
    assert html.count("<script") == 1


@pytest.mark.parametrize("path", ["/usage/me/", "/study/survey/"])
def test_personal_pages_are_never_stored(client_for: Callable[[str], Client], path: str) -> None:
    response = client_for("alice").get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_shared_pages_are_not_marked_personal(client_for: Callable[[str], Client]) -> None:
    assert "no-store" not in client_for("alice").get("/hub/").get("Cache-Control", "")


def test_a_refused_request_is_logged_as_one_line(
    client_for: Callable[[str], Client], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for("charlie").get("/insights/flywheel/")

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    line = caplog.handler.format(record)
    assert "Forbidden (Permission denied): /insights/flywheel/" in line
    assert "Traceback" not in line
    assert "\n" not in record.getMessage()
