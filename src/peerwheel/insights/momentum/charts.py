"""Small Plotly figures for the flywheel dashboard and the Momentum page, drawn from the
measures' JSON. Hidden groups never reach a figure: the callers pass shown rows only."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from peerwheel.core.charts import PALETTE

SMALL = 260
SIGNAL_LABELS = {
    "first_use_or_access": "first use or access, outside scope or untrained",
    "cross_department_influence": "influence across departments, unorganised",
    "non_champion_help": "answers and tips from non-champions",
    "advanced_questions": "questions at stage 3 or 4",
}
STAGE_LABELS = {
    "1": "1 What is this?",
    "2": "2 How do I get access?",
    "3": "3 How do I do X with it?",
    "4": "4 How do I build Y?",
}
LEGEND = {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0, "font": {"size": 11}}


def _small(figure: go.Figure, **layout: Any) -> go.Figure:
    figure.update_layout(height=SMALL, legend=LEGEND, **layout)
    return figure


def organic_demand_chart(series: list[dict[str, Any]]) -> go.Figure:
    """The four signals per week, stacked."""
    weeks = [w["week"] for w in series]
    figure = go.Figure()
    for colour, (name, label) in zip(PALETTE, SIGNAL_LABELS.items(), strict=False):
        figure.add_bar(
            x=weeks,
            y=[w["signals"][name] for w in series],
            name=label,
            marker_color=colour,
            hovertemplate=f"{label}<br>week of %{{x|%d %b}}: %{{y}}<extra></extra>",
        )
    return _small(
        figure, barmode="stack", xaxis={"type": "date"}, yaxis={"title": "signals a week"}
    )


def stage_mix_chart(monthly: list[dict[str, Any]]) -> go.Figure:
    """Each month's questions by stage, as shares (months without questions, or hidden for
    too few askers, left empty)."""
    months = [f"{m['month']}-01" for m in monthly]
    figure = go.Figure()
    for colour, (stage, label) in zip(PALETTE, STAGE_LABELS.items(), strict=False):
        figure.add_bar(
            x=months,
            y=[(m["shares"] or {}).get(stage) for m in monthly],
            name=label,
            marker_color=colour,
            customdata=[(m["counts"] or {}).get(stage) for m in monthly],
            hovertemplate=f"{label}<br>%{{x|%b %Y}}: %{{y:.0%}} (%{{customdata}})<extra></extra>",
        )
    month_axis = {"type": "date", "dtick": "M1", "tickformat": "%b"}
    percent = {"tickformat": ".0%", "range": [0, 1]}
    return _small(figure, barmode="stack", yaxis=percent, xaxis=month_axis)


def group_bars(
    rows: list[dict[str, Any]],
    *,
    value: str,
    title: str,
    selected: str = "",
    line: float | None = None,
    percent: bool = False,
) -> go.Figure:
    """One bar per shown group (`name`, `value`), the selected one in the accent colour."""
    shown = [r for r in rows if not r.get("suppressed") and r.get(value) is not None]
    figure = go.Figure()
    figure.add_bar(
        x=[r["name"] for r in shown],
        y=[r[value] for r in shown],
        marker_color=[PALETTE[1] if r["name"] == selected else PALETTE[0] for r in shown],
        hovertemplate="%{x}: %{y" + (":.0%" if percent else "") + "}<extra></extra>",
        showlegend=False,
    )
    if line is not None:
        figure.add_hline(y=line, line_dash="dot", line_color="#555")
    axis: dict[str, Any] = {"title": title, "rangemode": "tozero"}
    if percent:
        axis["tickformat"] = ".0%"
    return _small(figure, yaxis=axis, xaxis={"type": "category"})


def critical_mass_chart(
    rows: list[dict[str, Any]], *, band: list[float], selected: str = ""
) -> go.Figure:
    """Adopted share per shown group against the critical-mass band."""
    figure = group_bars(rows, value="share", title="adopted", selected=selected, percent=True)
    figure.add_hrect(y0=band[0], y1=band[1], fillcolor="rgba(201, 162, 39, 0.18)", line_width=0)
    return figure
