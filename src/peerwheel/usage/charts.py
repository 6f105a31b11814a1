"""Plotly figures for the usage pages (drawn by the page's own plotly.js)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from peerwheel.engine.segments import UsageSegment

SEGMENT_COLOURS = {
    UsageSegment.NON_USER: "#d9e1df",
    UsageSegment.LOW: "#c9a227",
    UsageSegment.NOVICE: "#e07a3f",
    UsageSegment.HABITUAL: "#4a6fa5",
    UsageSegment.POWER: "#2f6f62",
}


def weekly_usage_chart(weekly: pd.DataFrame) -> go.Figure:
    """One person's AI actions per week, stacked by tool."""
    figure = go.Figure()
    for tool, rows in weekly.groupby("tool", sort=True):
        figure.add_bar(
            name=str(tool),
            x=rows["week"],
            y=rows["actions"],
            hovertemplate="%{x|%d %b %Y} · " + str(tool) + ": %{y} actions<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        height=320,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        yaxis_title="actions per week",
        xaxis={"type": "date"},
    )
    return figure


def share_axis_range(figure: go.Figure) -> list[float]:
    """From 0 to a little above the highest share drawn (5% at least, 100% at most), so a
    rise from 2% to 25% fills the chart instead of its bottom quarter."""
    shares = [float(v) for trace in figure.data for v in (trace.y if trace.y is not None else ())]
    peak = max((v for v in shares if v == v), default=0.0)  # v == v: not NaN
    return [0.0, min(1.0, max(0.05, 1.15 * peak))]


def segment_share_chart(table: pd.DataFrame, *, title_group: str) -> go.Figure:
    """Share of each shown group that is Habitual or Power, week by week."""
    shown = table[~table["suppressed"]]
    figure = go.Figure()
    for group, rows in shown.groupby("group", sort=True):
        regular = (
            rows[f"share_{UsageSegment.HABITUAL.value}"] + rows[f"share_{UsageSegment.POWER.value}"]
        )
        figure.add_scatter(
            name=str(group),
            x=rows["week"],
            y=regular,
            mode="lines+markers",
            hovertemplate="%{x|%d %b} · "
            + str(group)
            + ": %{y:.0%} habitual or power<extra></extra>",
        )
    figure.update_layout(
        height=360,
        yaxis={
            "tickformat": ".0%",
            "range": share_axis_range(figure),
            "title": "habitual or power users",
        },
        xaxis={"type": "date"},
        # above the plot, not beside it: on a phone a side legend leaves the lines no room
        legend={
            "title": {"text": title_group},
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
        },
    )
    return figure


def latest_mix_chart(latest: pd.DataFrame) -> go.Figure:
    """The latest week's segment mix per shown group, as stacked horizontal bars of shares."""
    shown = latest[~latest["suppressed"]].sort_values("group")
    figure = go.Figure(
        [
            go.Bar(
                name=segment.label,
                y=shown["group"],
                x=shown[f"share_{segment.value}"],
                orientation="h",
                marker_color=SEGMENT_COLOURS[segment],
                hovertemplate="%{y} · " + segment.label + ": %{x:.0%}<extra></extra>",
            )
            for segment in UsageSegment
        ]
    )
    figure.update_layout(
        barmode="stack",
        height=max(240, 34 * len(shown) + 90),
        xaxis={"tickformat": ".0%", "range": [0, 1]},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return figure
