"""The flywheel dashboard's panel (loaded into the home page of leads and analysts) and the
Momentum page (Insights → Momentum), both filterable by one department or one site."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from peerwheel.accounts.permissions import capability_required
from peerwheel.accounts.roles import Capability
from peerwheel.core.charts import figure_html
from peerwheel.insights.cli import parse_as_of
from peerwheel.insights.dashboard import choices_of, dashboard, momentum_view
from peerwheel.insights.momentum.charts import organic_demand_chart, stage_mix_chart
from peerwheel.insights.momentum.demand import SIGNALS
from peerwheel.insights.momentum.groups import GroupFilter, GroupNotShownError

SIGNAL_NAMES = {
    "first_use_or_access": "First use or access, outside scope or untrained",
    "cross_department_influence": "Influence across departments, unorganised",
    "non_champion_help": "Answers and tips from non-champions",
    "advanced_questions": "Questions at stage 3 or 4",
}


def _options(choices: dict[str, list[str]], group: GroupFilter) -> list[dict[str, Any]]:
    """The filter's option groups: (label, [(value, name, selected)])."""
    return [
        {
            "label": "Departments" if by == "department" else "Sites",
            "options": [
                {"value": f"{by}:{name}", "name": name, "selected": group.key == f"{by}:{name}"}
                for name in names
            ],
        }
        for by, names in choices.items()
        if names
    ]


def _request_filter(request: HttpRequest) -> tuple[Any, GroupFilter]:
    today = timezone.localdate()
    return (
        parse_as_of(request.GET.get("as_of"), today=today),
        GroupFilter.parse(request.GET.get("group")),
    )


def dashboard_panel(request: HttpRequest) -> HttpResponse:
    """The dashboard for the home page (the caller checks the permission)."""
    try:
        as_of, group = _request_filter(request)
        board = dashboard(as_of=as_of, group=group)
    except (ValueError, GroupNotShownError) as error:
        return render(
            request, "insights/partials/dashboard.html", {"error": str(error)}, status=400
        )
    context = {
        "board": board,
        "options": _options(board.choices, group),
        "min_group": settings.PEERWHEEL_MIN_GROUP,
        "training": board.blocks["training_completions"],
        "invisible": board.blocks["invisible_successes"],
    }
    return render(request, "insights/partials/dashboard.html", context)


@capability_required(Capability.VIEW_AGGREGATES)
def momentum(request: HttpRequest) -> HttpResponse:
    """Every momentum measure in full, for the organisation or one group."""
    try:
        as_of, group = _request_filter(request)
        report, blocks = momentum_view(as_of=as_of, group=group)
    except (ValueError, GroupNotShownError) as error:
        return render(request, "insights/momentum.html", {"error": str(error)}, status=400)
    demand = blocks["organic_demand"]
    context: dict[str, Any] = {
        "as_of": as_of,
        "today": timezone.localdate(),
        "group": group,
        "options": _options(choices_of(report), group),
        "min_group": settings.PEERWHEEL_MIN_GROUP,
        "demand_rows": [
            {
                "week": week["week"],
                "cells": [
                    (week["signals"][s], week["per_100"][s], week["before_push"][s])
                    for s in SIGNALS
                ],
            }
            for week in reversed(demand)
        ],
        "signal_names": [SIGNAL_NAMES[s] for s in SIGNALS],
        "in_scope": demand[-1]["in_scope"] if demand else 0,
        "stages": blocks["question_stages"],
        "invisible": blocks["invisible_successes"],
        "leaders": blocks["leader_consistency"],
        "safety": blocks["psychological_safety"],
        "training": blocks["training_completions"],
        "demand_chart": figure_html(organic_demand_chart(demand), div_id="momentum-demand"),
    }
    monthly = blocks["question_stages"]["monthly"]
    if any(m["questions"] for m in monthly):
        context["stage_chart"] = figure_html(stage_mix_chart(monthly), div_id="momentum-stages")
    return render(request, "insights/momentum.html", context)
