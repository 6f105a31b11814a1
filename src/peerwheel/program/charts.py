"""The wave planner's figure: adopters after each wave of each plan, median with its 90% band."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from peerwheel.core.charts import PALETTE


def wave_plan_chart(result: dict[str, Any]) -> go.Figure:
    """One line per plan over "after wave 1, 2, 3" (the adopters at the horizon if only those
    waves open), its band as error bars, and the no-wave baseline as a dotted line."""
    figure = go.Figure()
    for colour, plan in zip(PALETTE, result["plans"], strict=False):
        bands = plan["by_wave"]
        x = [f"wave {k + 1}" if k == 0 else f"waves 1–{k + 1}" for k in range(len(bands))]
        figure.add_scatter(
            x=x,
            y=[b["median"] for b in bands],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [b["high"] - b["median"] for b in bands],
                "arrayminus": [b["median"] - b["low"] for b in bands],
            },
            mode="lines+markers",
            name=plan["label"],
            line={"color": colour},
            hovertemplate="%{x}: %{y} adopters<extra>" + plan["label"] + "</extra>",
        )
    if result.get("baseline"):
        figure.add_hline(
            y=result["baseline"]["median"],
            line_dash="dot",
            line_color="#555",
            annotation_text="no new wave",
        )
    figure.update_layout(
        height=320,
        yaxis={"title": f"adopters after {result['horizon_weeks']} weeks"},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure
