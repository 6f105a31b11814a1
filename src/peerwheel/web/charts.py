"""Plotly figures rendered to HTML fragments that use the page's own plotly.js (no CDN)."""

from __future__ import annotations

import plotly.graph_objects as go

PALETTE = ["#2f6f62", "#e07a3f", "#4a6fa5", "#c9a227", "#8e5572", "#5b8c5a", "#b5534b", "#6c757d"]


def figure_html(figure: go.Figure, *, div_id: str) -> str:
    figure.update_layout(
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13},
        colorway=PALETTE,
        autosize=True,
    )
    return figure.to_html(
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def headcount_chart(rows: list[tuple[str, str, int]]) -> go.Figure:
    """Stacked bars: headcount per department, split by site."""
    departments = sorted({d for d, _, _ in rows})
    sites = sorted({s for _, s, _ in rows})
    counts = {(d, s): n for d, s, n in rows}
    figure = go.Figure(
        [
            go.Bar(
                name=site,
                y=departments,
                x=[counts.get((d, site), 0) for d in departments],
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
