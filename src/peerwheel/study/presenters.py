"""A StudyReport turned into what the report page shows (numbers in points, labels in words)."""

from __future__ import annotations

from typing import Any

from peerwheel.core.charts import figure_html
from peerwheel.engine.study import StudyReport, forest_plot_data, forest_plot_figure
from peerwheel.study.analysis import WaveData

ALPHA_OK = 0.7


def _pts(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.1f}".replace("-", "\u2212")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def report_context(study: StudyReport, data: WaveData) -> dict[str, Any]:
    d = study.to_dict()
    figure = forest_plot_figure(study)
    figure.update_layout(
        height=160 + 60 * len(study.constructs),
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    rows = forest_plot_data(study)
    effects = [
        {
            "outcome": r["outcome_label"],
            "construct": r["construct_label"],
            "ame": f"{r['ame_points']:+.1f}".replace("-", "\u2212"),
            "ci": f"{r['ci_low_points']:.1f} to {r['ci_high_points']:.1f}".replace("-", "\u2212"),
            "p": "< 0.001" if r["p"] is not None and r["p"] < 0.001 else f"{r['p']:.3f}",
            "clear": r["clear"],
            "benchmark": ""
            if r["benchmark_points"] is None
            else f"{r['benchmark_points']:+.1f}".replace("-", "\u2212"),
        }
        for r in rows
    ]
    constructs = [
        {
            "label": c.label,
            "n_items": c.n_items,
            "alpha": f"{c.alpha:.2f}",
            "low": not c.alpha >= ALPHA_OK,
            "mean": f"{c.mean:.2f}",
            "sd": f"{c.sd:.2f}",
        }
        for c in study.constructs
    ]
    labels = {o.outcome: o.label for o in study.outcomes}
    mediation = [
        {
            "outcome": labels.get(m.outcome, m.outcome),
            "a": f"{m.a:.2f}",
            "indirect": _pts(m.indirect),
            "indirect_ci": f"{_pts(m.indirect_ci_low)} to {_pts(m.indirect_ci_high)}",
            "direct": _pts(m.direct),
            "direct_ci": f"{_pts(m.direct_ci_low)} to {_pts(m.direct_ci_high)}",
            "total": _pts(m.total),
            "n_boot": m.n_boot,
            "cluster": m.cluster_bootstrap,
        }
        for m in study.mediation
    ]
    construct_labels = {c.key: c.label for c in study.constructs}
    breakdowns = [
        {
            "by": b.by,
            "outcomes": list(labels.values()),
            "rows": [
                {
                    "group": r.group,
                    "suppressed": r.suppressed,
                    "n": r.n,
                    "rates": [_pct(r.rates.get(o)) for o in labels],
                    "peer": "–"
                    if r.means.get("peer_influence") is None
                    else f"{r.means['peer_influence']:.2f}",
                }
                for r in b.rows
            ],
        }
        for b in study.breakdowns
    ]
    sources = [
        {
            "outcome": labels.get(o, o),
            "usage": counts["usage"],
            "self": counts["self"],
        }
        for o, counts in data.sources.items()
        if o in labels
    ]
    return {
        "study": d,
        "forest_chart": figure_html(figure, div_id="study-forest"),
        "effects": effects,
        "constructs": constructs,
        "mediation": mediation,
        "breakdowns": breakdowns,
        "construct_labels": construct_labels,
        "sources": sources,
        "benchmarks": d["benchmarks"],
        "sentences": d["sentences"],
        "next_steps": d["next_steps"],
        "warnings": d["warnings"],
        "outcome_rates": [(o.label, _pct(o.rate)) for o in study.outcomes],
    }
