"""Plotly figures for the Flywheel page, drawn from the report's JSON (`insights.report`)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from peerwheel.core.charts import PALETTE

BAND_COLOUR = "rgba(201, 162, 39, 0.15)"
FORECAST_COLOUR = "rgba(47, 111, 98, 0.18)"


def r_over_time_chart(block: dict[str, Any]) -> go.Figure:
    """Instantaneous R week by week (Cori) with its 90% band, the line at 1, Flywheel R and the
    chance level beside it."""
    points = block["over_time"]
    weeks = [p["week"] for p in points]
    figure = go.Figure()
    figure.add_scatter(
        x=weeks + weeks[::-1],
        y=[p["high"] for p in points] + [p["low"] for p in points][::-1],
        fill="toself",
        fillcolor=FORECAST_COLOUR,
        line={"width": 0},
        hoverinfo="skip",
        name="90% interval",
    )
    figure.add_scatter(
        x=weeks,
        y=[p["value"] for p in points],
        mode="lines+markers",
        name="R over time (from new adopters per week)",
        line={"color": PALETTE[0]},
        hovertemplate="week of %{x|%d %b}: R %{y:.2f}<extra></extra>",
    )
    figure.add_hline(y=1, line_dash="dot", line_color="#555", annotation_text="R = 1")
    if block["baseline"]["value"] is not None:
        figure.add_hline(
            y=block["baseline"]["value"],
            line_dash="dash",
            line_color=PALETTE[3],
            annotation_text="chance level",
            annotation_position="bottom right",
        )
    figure.update_layout(
        height=320,
        yaxis={"title": "new adopters per adopter", "rangemode": "tozero"},
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return figure


def adoption_chart(report: dict[str, Any]) -> go.Figure:
    """Cumulative adopters, the critical-mass band, the forecast with its band and the Bass
    curve."""
    people = max(report["people"], 1)
    curve = report["adoption_curve"]
    forecast = report["forecast"]
    figure = go.Figure()
    low, high = report["critical_mass"]["band"]
    figure.add_hrect(
        y0=low * people,
        y1=high * people,
        fillcolor=BAND_COLOUR,
        line_width=0,
        annotation_text=f"critical mass {low:.0%}–{high:.0%}",
        annotation_position="top left",
    )
    figure.add_scatter(
        x=[p["week"] for p in curve],
        y=[p["cumulative"] for p in curve],
        mode="lines+markers",
        name="adopters so far",
        line={"color": PALETTE[0]},
        hovertemplate="week of %{x|%d %b}: %{y} adopters<extra></extra>",
    )
    weeks = forecast["weeks"]
    if weeks:
        x = [w["week"] for w in weeks]
        figure.add_scatter(
            x=x + x[::-1],
            y=[w["high"] for w in weeks] + [w["low"] for w in weeks][::-1],
            fill="toself",
            fillcolor=FORECAST_COLOUR,
            line={"width": 0},
            hoverinfo="skip",
            name="forecast, 90% band",
        )
        figure.add_scatter(
            x=x,
            y=[w["adopters"] for w in weeks],
            mode="lines",
            name="forecast (peer model)",
            line={"color": PALETTE[0], "dash": "dash"},
            hovertemplate="week of %{x|%d %b}: %{y} expected<extra></extra>",
        )
    bass = forecast["bass"]["weeks"]
    if bass:
        figure.add_scatter(
            x=[w["week"] for w in bass],
            y=[w["adopters"] for w in bass],
            mode="lines",
            name="Bass fit",
            line={"color": PALETTE[1], "dash": "dot"},
            hovertemplate="Bass, week of %{x|%d %b}: %{y:.0f}<extra></extra>",
        )
    figure.update_layout(
        height=360,
        yaxis={"title": "adopters", "rangemode": "tozero"},
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return figure
