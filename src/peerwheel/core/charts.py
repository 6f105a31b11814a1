"""Plotly figures rendered to HTML fragments that use the page's own plotly.js (no CDN).

No inline script (the Content-Security-Policy allows none): a figure is an empty `<div>` and
its JSON in a `<script type="application/json">` block, which the browser never executes;
`web/static/web/charts.js` (loaded by base.html) draws every such block, on page load and after
each htmx swap. Here on the ground floor so that every app's page can draw a chart without
importing the face (`web/`).
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
