"""The Flywheel page: R with its interval and chance level, R over time, the adoption curve with
the critical-mass band, the forecast and the Bass curve, the what-if panel, departments, and the
natural champions (program leads only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from peerwheel.accounts.permissions import capability_required, has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.charts import figure_html
from peerwheel.insights.caching import flywheel_report_cached
from peerwheel.insights.charts import adoption_chart, r_over_time_chart
from peerwheel.insights.cli import parse_as_of

WHAT_IF_CHOICES = (1, 3, 5, 10, 20)


def _what_if_k(text: str | None) -> int:
    try:
        k = int(text or 5)
    except ValueError:
        return 5
    return k if k in WHAT_IF_CHOICES else 5


@capability_required(Capability.VIEW_AGGREGATES)
def flywheel(request: HttpRequest) -> HttpResponse:
    """The flywheel report on a date (default today), drawn."""
    today = timezone.localdate()
    try:
        as_of = parse_as_of(request.GET.get("as_of"), today=today)
    except ValueError as error:
        return render(
            request, "insights/flywheel.html", {"error": str(error), "today": today}, status=400
        )
    k = _what_if_k(request.GET.get("k"))
    report = flywheel_report_cached(as_of=as_of, what_if_k=k)
    context: dict[str, Any] = {
        "report": report,
        "r": report["flywheel_r"],
        "mass": report["critical_mass"],
        "forecast": report["forecast"],
        "as_of": as_of,
        "today": today,
        "k": k,
        "k_choices": WHAT_IF_CHOICES,
        "min_group": settings.PEERWHEEL_MIN_GROUP,
        "show_champions": has_capability(request.user, Capability.MANAGE_PROGRAM),
    }
    context["departments"] = _departments(report)
    if report["adopters"]:
        context["adoption_chart"] = figure_html(adoption_chart(report), div_id="adoption-curve")
    if report["flywheel_r"]["over_time"]:
        context["r_chart"] = figure_html(
            r_over_time_chart(report["flywheel_r"]), div_id="r-over-time"
        )
    if request.htmx and request.GET.get("panel") == "what-if":  # type: ignore[attr-defined]
        return render(request, "insights/partials/what_if.html", context)
    return render(request, "insights/flywheel.html", context)


def _departments(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per department: adopted share (by headcount) and R (by adopters counted),
    each hidden where its group is too small."""
    rows: dict[str, dict[str, Any]] = {}
    for item in report["critical_mass"].get("by_department", []):
        rows[item["department"]] = {
            "department": item["department"],
            "share": None if item["suppressed"] else item["share"],
            "hidden": item["suppressed"],
            "r": None,
            "r_hidden": False,
            "adopters": None,
        }
    for item in report["flywheel_r"].get("by_department", []):
        row = rows.setdefault(
            item["department"],
            {"department": item["department"], "share": None, "hidden": False},
        )
        row.update(
            {"r": item["value"], "r_hidden": item["suppressed"], "adopters": item["adopters"]}
        )
    return sorted(rows.values(), key=lambda row: row["department"])
