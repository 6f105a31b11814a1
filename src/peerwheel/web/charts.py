"""The home page's chart (drawn through `core.charts.figure_html`, like every app's)."""

from __future__ import annotations

import plotly.graph_objects as go


def headcount_chart(rows: list[tuple[str, str, int]]) -> go.Figure:
    """Stacked bars: headcount per department, split by site (the cells given; no others)."""
    departments = sorted({d for d, _, _ in rows})
    sites = sorted({s for _, s, _ in rows})
    counts = {(d, s): n for d, s, n in rows}
    figure = go.Figure(
        [
            go.Bar(
                name=site,
                y=departments,
                x=[counts.get((d, site)) for d in departments],  # None: a gap, not 0
                orientation="h",
                hovertemplate="%{y} · " + site + ": %{x} people<extra></extra>",
            )
            for site in sites
        ]
    )
    figure.update_layout(
        barmode="stack",
        height=max(260, 36 * len(departments) + 80),
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        xaxis_title="people",
        yaxis={"autorange": "reversed"},
    )
    return figure
