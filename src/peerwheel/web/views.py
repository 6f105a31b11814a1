from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from peerwheel.accounts.permissions import require_capability
from peerwheel.org.selectors import headcount_by_department_and_site, org_overview
from peerwheel.web.charts import figure_html, headcount_chart
from peerwheel.web.navigation import SECTIONS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    rows = headcount_by_department_and_site()
    chart = figure_html(headcount_chart(rows), div_id="headcount-chart") if rows else ""
    return render(
        request,
        "web/home.html",
        {"overview": org_overview(), "headcount_chart": chart},
    )


@login_required
def section_placeholder(request: HttpRequest, key: str) -> HttpResponse:
    """A section of the product that is not built yet says so, plainly."""
    found = next((s for s in SECTIONS if s.key == key and s.url_name is None), None)
    if found is None:
        raise Http404("No such section")
    if found.capability is not None:
        require_capability(request.user, found.capability)
    return render(request, "web/placeholder.html", {"section": found})
