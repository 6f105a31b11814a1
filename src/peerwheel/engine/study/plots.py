"""Forest-plot rows (and a Plotly figure) of the effects, for the study page."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from peerwheel.engine.study.narrative import BENCHMARKS, is_clear
from peerwheel.engine.study.report import StudyReport


def forest_plot_data(report: StudyReport) -> list[dict[str, Any]]:
    """One plain row per outcome and construct; effects in points (×100)."""
    labels = {c.key: c.label for c in report.constructs}
    rows = []
    for o in report.outcomes:
        for e in o.effects:
            bench = BENCHMARKS.get((o.outcome, e.construct))
            rows.append(
                {
                    "outcome": o.outcome,
                    "outcome_label": o.label,
                    "construct": e.construct,
                    "construct_label": labels.get(e.construct, e.construct),
                    "ame_points": 100 * e.ame,
                    "ci_low_points": 100 * e.ci_low,
                    "ci_high_points": 100 * e.ci_high,
                    "p": e.p,
                    "clear": is_clear(e),
                    "benchmark_points": None if bench is None else 100 * bench,
                }
            )
    return rows


def forest_plot_figure(report: StudyReport) -> go.Figure:
    """Effects with their CIs, one colour per outcome, benchmarks as open diamonds."""
    rows = forest_plot_data(report)
    fig = go.Figure()
    for o in report.outcomes:
        mine = [r for r in rows if r["outcome"] == o.outcome]
        fig.add_trace(
            go.Scatter(
                x=[r["ame_points"] for r in mine],
                y=[r["construct_label"] for r in mine],
                mode="markers",
                name=o.label,
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r["ci_high_points"] - r["ame_points"] for r in mine],
                    "arrayminus": [r["ame_points"] - r["ci_low_points"] for r in mine],
                },
                customdata=[[r["ci_low_points"], r["ci_high_points"], r["p"]] for r in mine],
                hovertemplate=(
                    "%{y}: %{x:+.1f} points (CI %{customdata[0]:.1f} to %{customdata[1]:.1f},"
                    " p = %{customdata[2]:.3f})<extra>" + o.label + "</extra>"
                ),
            )
        )
        bench = [r for r in mine if r["benchmark_points"] is not None]
        if bench:
            fig.add_trace(
                go.Scatter(
                    x=[r["benchmark_points"] for r in bench],
                    y=[r["construct_label"] for r in bench],
                    mode="markers",
                    marker={"symbol": "diamond-open", "size": 11},
                    name=f"published benchmark ({o.label})",
                )
            )
    fig.add_vline(x=0, line_dash="dot")
    fig.update_layout(
        xaxis_title=f"Change in chance per +1 SD (points, {report.ci_level:.0%} CI)",
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig
