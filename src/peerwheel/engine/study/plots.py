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


#: Each outcome's own row within a construct's band (so two series never share a line) and
#: its colour; the benchmark diamonds sit on their outcome's row, in its colour.
OUTCOME_OFFSET = 0.18
OUTCOME_COLOURS = ("#2f6f62", "#c05a2b", "#4a6fa5", "#8a6100")


def forest_plot_figure(report: StudyReport) -> go.Figure:
    """Effects with their CIs, one row and colour per outcome within each construct's band,
    benchmarks as open diamonds on their outcome's row."""
    rows = forest_plot_data(report)
    constructs = list(dict.fromkeys(r["construct_label"] for r in rows))
    position = {label: i for i, label in enumerate(constructs)}
    n_outcomes = len(report.outcomes)
    fig = go.Figure()
    for k, o in enumerate(report.outcomes):
        mine = [r for r in rows if r["outcome"] == o.outcome]
        shift = (k - (n_outcomes - 1) / 2) * 2 * OUTCOME_OFFSET
        colour = OUTCOME_COLOURS[k % len(OUTCOME_COLOURS)]
        fig.add_trace(
            go.Scatter(
                x=[r["ame_points"] for r in mine],
                y=[position[r["construct_label"]] + shift for r in mine],
                mode="markers",
                name=o.label,
                marker={"color": colour, "size": 8},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r["ci_high_points"] - r["ame_points"] for r in mine],
                    "arrayminus": [r["ame_points"] - r["ci_low_points"] for r in mine],
                    "color": colour,
                },
                customdata=[
                    [r["ci_low_points"], r["ci_high_points"], r["p"], r["construct_label"]]
                    for r in mine
                ],
                hovertemplate=(
                    "%{customdata[3]}: %{x:+.1f} points (CI %{customdata[0]:.1f} to "
                    "%{customdata[1]:.1f}, p = %{customdata[2]:.3f})<extra>" + o.label + "</extra>"
                ),
            )
        )
        bench = [r for r in mine if r["benchmark_points"] is not None]
        if bench:
            fig.add_trace(
                go.Scatter(
                    x=[r["benchmark_points"] for r in bench],
                    y=[position[r["construct_label"]] + shift for r in bench],
                    mode="markers",
                    marker={"symbol": "diamond-open", "size": 11, "color": colour},
                    name=f"published benchmark ({o.label})",
                    customdata=[r["construct_label"] for r in bench],
                    hovertemplate="%{customdata}: published %{x:+.1f} points<extra></extra>",
                )
            )
    fig.add_vline(x=0, line_dash="dot")
    fig.update_layout(
        xaxis_title=f"Change in chance per +1 SD (points, {report.ci_level:.0%} CI)",
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(constructs))),
            "ticktext": constructs,
            "range": [len(constructs) - 0.5, -0.5],  # the first construct on top
            "zeroline": False,
            "showgrid": False,
        },
        legend={"orientation": "h"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
    )
    return fig
