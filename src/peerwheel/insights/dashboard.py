"""The flywheel dashboard (the home page of leads and analysts) and the Momentum page's data:
one verdict sentence, then R, organic demand, the question-stage mix over time, invisible
successes and critical-mass progress, each a small chart, for the organisation or one
department or site (docs/metrics.md, "Momentum").

R, the adopted share and the per-group table come from the flywheel report (cached,
`insights.caching`); the momentum measures of a filtered group are computed for its people and
cached the same way. Every group shown obeys the minimum group with complementary suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString

from peerwheel.core.charts import figure_html
from peerwheel.insights.caching import CACHE_SECONDS, data_fingerprint, flywheel_report_cached
from peerwheel.insights.momentum import momentum_blocks, momentum_data
from peerwheel.insights.momentum.charts import (
    critical_mass_chart,
    group_bars,
    organic_demand_chart,
    stage_mix_chart,
)
from peerwheel.insights.momentum.groups import BREAKDOWNS, GroupFilter, members_of
from peerwheel.insights.momentum.verdict import verdict

#: the what-if's k of the cached report the dashboard shares with the Flywheel page
WHAT_IF_K = 5
#: the dashboard's headline counts organic signals over the last weeks of the series
RECENT_WEEKS = 4
MOMENTUM_KEYS = (
    "organic_demand",
    "question_stages",
    "invisible_successes",
    "leader_consistency",
    "psychological_safety",
    "training_completions",
)


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    group: GroupFilter
    #: breakdown → the groups that may be shown on their own (the filter's choices)
    choices: dict[str, list[str]]
    verdict: str
    report: dict[str, Any]
    blocks: dict[str, Any]
    #: this group's row of the report's flywheel_by_group (None for the organisation)
    row: dict[str, Any] | None
    headline: dict[str, Any]
    charts: dict[str, SafeString] = field(default_factory=dict)


def _momentum_for(as_of: date, group: GroupFilter) -> dict[str, Any]:
    """The momentum measures of one group's people (GroupNotShownError for a hidden group)."""
    key = f"insights:momentum:{as_of.isoformat()}:{group.key}:{data_fingerprint()}"
    blocks: dict[str, Any] | None = cache.get(key)
    if blocks is None:
        data = momentum_data(as_of=as_of)
        blocks = momentum_blocks(data, members_of(data, group), group)
        cache.set(key, blocks, CACHE_SECONDS)
    return blocks


def choices_of(report: dict[str, Any]) -> dict[str, list[str]]:
    """The departments and sites shown in the report's per-group table (headcount
    suppression): the only groups a filter may choose."""
    groups = report.get("flywheel_by_group", {})
    return {
        by: [row["name"] for row in groups.get(by, []) if not row["suppressed"]]
        for by in BREAKDOWNS
    }


def momentum_view(*, as_of: date, group: GroupFilter) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the cached flywheel report, the momentum blocks of `group`)."""
    report = flywheel_report_cached(as_of=as_of, what_if_k=WHAT_IF_K)
    if group.by is None:
        return report, {key: report[key] for key in MOMENTUM_KEYS}
    return report, _momentum_for(as_of, group)


def dashboard(*, as_of: date, group: GroupFilter) -> Dashboard:
    """The dashboard for the organisation or one group. GroupNotShownError when the group is
    unknown or too small to be shown on its own."""
    report, blocks = momentum_view(as_of=as_of, group=group)
    by = group.by or "department"
    rows = report["flywheel_by_group"][by]
    row = next((r for r in rows if r["name"] == group.name), None) if group.by else None
    overall = report["flywheel_r"]["value"]
    if row is None:
        sentence = verdict(rows, overall_r=overall)
    else:
        sentence = verdict([row], overall_r=row.get("r"), where=group.name)
    board = Dashboard(
        as_of=as_of,
        group=group,
        choices=choices_of(report),
        verdict=sentence,
        report=report,
        blocks=blocks,
        row=row,
        headline=_headline(report, blocks, row),
    )
    _charts(board, rows)
    return board


def _headline(
    report: dict[str, Any], blocks: dict[str, Any], row: dict[str, Any] | None
) -> dict[str, Any]:
    recent = blocks["organic_demand"][-RECENT_WEEKS:]
    mix = blocks["question_stages"]["mix"]
    advanced = None
    if mix["questions"] and not mix["suppressed"]:
        advanced = (mix["counts"]["3"] + mix["counts"]["4"]) / mix["questions"]
    if row is None:
        r = report["flywheel_r"]["value"]
        share = report["critical_mass"]["share"]
    else:
        r, share = row.get("r"), row.get("share")
    return {
        "r": r,
        "organic": sum(sum(w["signals"].values()) for w in recent),
        "recent_weeks": len(recent),
        "advanced_share": advanced,
        "invisible": blocks["invisible_successes"]["count"],
        "stages_hidden": any(m["suppressed"] for m in blocks["question_stages"]["monthly"]),
        "adopted_share": share,
    }


def _charts(board: Dashboard, rows: list[dict[str, Any]]) -> None:
    selected = board.group.name
    by_label = "site" if board.group.by == "site" else "department"
    charts = board.charts
    if any(r.get("r") is not None for r in rows):
        charts["r"] = figure_html(
            group_bars(rows, value="r", title=f"R per {by_label}", selected=selected, line=1.0),
            div_id="dash-r",
        )
    charts["organic"] = figure_html(
        organic_demand_chart(board.blocks["organic_demand"]), div_id="dash-organic"
    )
    monthly = board.blocks["question_stages"]["monthly"]
    if any(m["questions"] for m in monthly):
        charts["stages"] = figure_html(stage_mix_chart(monthly), div_id="dash-stages")
    invisible = [
        {**r, "name": r["department"]} for r in board.blocks["invisible_successes"]["by_group"]
    ]
    if any(not r["suppressed"] for r in invisible):
        charts["invisible"] = figure_html(
            group_bars(invisible, value="count", title="invisible successes"),
            div_id="dash-invisible",
        )
    if any(not r["suppressed"] for r in rows):
        charts["mass"] = figure_html(
            critical_mass_chart(
                rows, band=board.report["critical_mass"]["band"], selected=selected
            ),
            div_id="dash-mass",
        )
