"""Plotly figures rendered to HTML fragments that use the page's own plotly.js (no CDN).

No inline script (the Content-Security-Policy allows none): a figure is an empty `<div>` and
its JSON in a `<script type="application/json">` block, which the browser never executes;
`web/charts.js` (loaded by base.html) draws every such block, on page load and after each
htmx swap.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#2f6f62", "#e07a3f", "#4a6fa5", "#c9a227", "#8e5572", "#5b8c5a", "#b5534b", "#6c757d"]
PLOT_CONFIG = {"displaylogo": False, "responsive": True}

# JSON inside <script> must not be able to close the element or open a comment.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def figure_html(figure: go.Figure, *, div_id: str) -> SafeString:
    figure.update_layout(
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13},
        colorway=PALETTE,
        autosize=True,
    )
    spec = json.loads(pio.to_json(figure, validate=False))
    spec["config"] = PLOT_CONFIG
    data = json.dumps(spec, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html(
        '<div id="{}" class="plotly-graph-div"></div>'
        '<script type="application/json" data-plotly-figure="{}">{}</script>',
        div_id,
        div_id,
        mark_safe(data),  # noqa: S308 - JSON with <, > and & escaped above
    )


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
