"""Adoption curves with their 5–95% bands, one panel per arm, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from peerwheel.core.charts import PALETTE


@dataclass(frozen=True)
class Curve:
    """One arm's mean adopted share per step and its 5% and 95% quantiles over runs."""

    name: str
    mean: Sequence[float]
    low: Sequence[float]
    high: Sequence[float]
    heavy: Sequence[float] | None = None  # mean heavy-user share per step (peer model)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def adoption_figure(curves: Sequence[Curve], *, step_name: str = "week") -> go.Figure:
    """A row of panels sharing the y axis: mean adoption, its band, and heavy use if known."""
    columns = max(1, len(curves))
    figure = make_subplots(
        rows=1,
        cols=columns,
        shared_yaxes=True,
        subplot_titles=[curve.name for curve in curves],
        horizontal_spacing=0.03 if columns > 1 else 0.0,
    )
    for i, curve in enumerate(curves):
        colour = PALETTE[i % len(PALETTE)]
        steps = list(range(len(curve.mean)))
        col = i + 1
        figure.add_trace(
            go.Scatter(
                x=steps + steps[::-1],
                y=[100 * v for v in curve.high] + [100 * v for v in curve.low][::-1],
                fill="toself",
                fillcolor=_rgba(colour, 0.18),
                line={"width": 0},
                hoverinfo="skip",
                name="5–95% of runs",
                legendgroup="band",
                showlegend=i == 0,
            ),
            row=1,
            col=col,
        )
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=[100 * v for v in curve.mean],
                mode="lines",
                line={"color": colour, "width": 2.5},
                name="adopted (mean)",
                legendgroup="mean",
                showlegend=i == 0,
                hovertemplate=f"{curve.name}<br>{step_name} %{{x}}: %{{y:.1f}}% adopted"
                "<extra></extra>",
            ),
            row=1,
            col=col,
        )
        if curve.heavy is not None:
            figure.add_trace(
                go.Scatter(
                    x=steps,
                    y=[100 * v for v in curve.heavy],
                    mode="lines",
                    line={"color": colour, "width": 1.5, "dash": "dot"},
                    name="heavy users (mean)",
                    legendgroup="heavy",
                    showlegend=i == 0,
                    hovertemplate=f"{curve.name}<br>{step_name} %{{x}}: %{{y:.1f}}% heavy users"
                    "<extra></extra>",
                ),
                row=1,
                col=col,
            )
        figure.update_xaxes(title_text=step_name, row=1, col=col)
    figure.update_yaxes(title_text="% of people", range=[0, 100], row=1, col=1)
    figure.update_layout(
        height=380,
        legend={"orientation": "h", "y": -0.25, "x": 0},
        hovermode="closest",
    )
    return figure
