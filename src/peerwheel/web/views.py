from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from peerwheel.accounts.permissions import has_capability, require_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.charts import figure_html
from peerwheel.insights.dashboard_views import dashboard_panel
from peerwheel.org.selectors import headcount_by_department_and_site, org_overview
from peerwheel.web.charts import headcount_chart
from peerwheel.web.headcount import suppressed_headcount
from peerwheel.web.member_home import member_home
from peerwheel.web.navigation import SECTIONS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page. Leads and analysts get the flywheel dashboard, members their own week;
    both are panels the page loads (htmx, `?panel=`) so that it answers at once. Below them,
    the organisation at a glance."""
    panel = request.GET.get("panel")
    if panel == "dashboard":
        require_capability(request.user, Capability.VIEW_AGGREGATES)
        return dashboard_panel(request)
    if panel == "member":
        require_capability(request.user, Capability.USE_HUB)
        context = {"home": member_home(request.user)}  # type: ignore[arg-type]
        return render(request, "web/partials/member_home.html", context)
    rows = headcount_by_department_and_site()
    headcount = suppressed_headcount(rows, min_group=settings.PEERWHEEL_MIN_GROUP)
    chart = (
        figure_html(headcount_chart(headcount.cells), div_id="headcount-chart")
        if headcount.cells
        else ""
    )
    return render(
        request,
        "web/home.html",
        {
            "overview": org_overview(),
            "has_people": bool(rows),
            "headcount_chart": chart,
            "hidden_cells": headcount.hidden,
            "min_group": settings.PEERWHEEL_MIN_GROUP,
            "dashboard": has_capability(request.user, Capability.VIEW_AGGREGATES),
            "member_panel": has_capability(request.user, Capability.USE_HUB),
            "query": request.GET.urlencode(),
        },
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
