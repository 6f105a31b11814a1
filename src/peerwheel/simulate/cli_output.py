"""What `peerwheel simulate` prints and writes: the run's summary, the comparison's table, JSON
and chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from peerwheel.simulate.charts import Curve, adoption_figure
from peerwheel.simulate.cli import Comparison, usage_error


def calibration_line(about: dict[str, Any]) -> str:
    """Which peer model ran: calibrated to what (the published effects or the latest closed
    study wave), the fallback and why, or the engine's defaults (--no-calibrate)."""
    if not about.get("calibrated"):
        return "peer influence: the engine's uncalibrated defaults (--no-calibrate)"
    line = (
        f"peer influence: calibrated to {about['source']} (+1 SD of exposure: heavy use "
        f"+{about['heavy_target']:g} points, agent use +{about['agent_target']:g})"
    )
    if about["note"]:
        line += f"; fallback: {about['note']}"
    else:
        line += f"; reproduced {about['heavy_effect']:g} and {about['agent_effect']:g}"
    return (
        line + f" (beta_peer {about['beta_peer']:g}, beta_peer_agent {about['beta_peer_agent']:g})"
    )


def run_text(result: dict[str, Any]) -> str:
    final = result["mean_fraction"][-1]
    low, high = result["band_low"][-1], result["band_high"][-1]
    half = result["time_to_half"]
    step = "week" if result["model"] == "peer" else "step"
    lines = [
        f"model {result['model']} on {result['graph']['source']}: {result['people']:,} people, "
        f"{result['runs']} runs of {result['steps']} {step}s, rng seed {result['seed']}",
        f"champions: {len(result['seeds'])} ({result['strategy']})",
        f"adopted at the end: {100 * final:.1f}% on average (5–95% of runs: "
        f"{100 * low:.1f}–{100 * high:.1f}%)",
        f"{step}s to 50%: {'never in most runs' if half is None else f'{half:g}'}",
    ]
    heavy = result.get("state_mean_fraction", {}).get("heavy")
    if heavy:
        lines.append(f"heavy users at the end: {100 * heavy[-1]:.1f}%")
    if result.get("calibration"):
        lines.append(calibration_line(result["calibration"]))
    lines.append(f"{result['seconds']:.2f} s")
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def comparison_table(comparison: Comparison) -> str:
    step = "weeks" if comparison.model == "peer" else "steps"
    header = (
        "scenario",
        "strategy",
        "runs",
        "mean final adoption",
        f"{step} to 50%",
        "heavy-user share",
    )
    body = [
        (
            s.label,
            s.strategy,
            str(s.runs),
            _percent(s.final_mean),
            "never" if s.weeks_to_half is None else f"{s.weeks_to_half:g}",
            _percent(s.heavy_share),
        )
        for s, _ in comparison.rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if comparison.calibration:  # after a blank line: the table's rows stay easy to parse
        lines += ["", calibration_line(comparison.calibration)]
    return "\n".join(lines)


def comparison_json(comparison: Comparison) -> str:
    rows = []
    for summary, result in comparison.rows:
        data = result.to_dict()
        rows.append(
            {
                "scenario": summary.label,
                "strategy": summary.strategy,
                "runs": summary.runs,
                "final_mean": round(summary.final_mean, 6),
                "time_to_half": summary.weeks_to_half,
                "heavy_share": None
                if summary.heavy_share is None
                else round(summary.heavy_share, 6),
                **{key: data[key] for key in ("mean_fraction", "band_low", "band_high", "seconds")},
            }
        )
    out: dict[str, Any] = {"model": comparison.model, "graph": comparison.graph.source}
    if comparison.calibration:
        out["calibration"] = comparison.calibration
    return json.dumps({**out, "rows": rows})


def comparison_curves(comparison: Comparison) -> list[Curve]:
    single = len({s.label for s, _ in comparison.rows}) == 1
    curves = []
    for summary, result in comparison.rows:
        name = summary.strategy if single else f"{summary.label} · {summary.strategy}"
        heavy = result.state_fraction("heavy") if "heavy" in result.state_counts else None
        curves.append(
            Curve(
                name=name,
                mean=result.mean_fraction.tolist(),
                low=result.band_low.tolist(),
                high=result.band_high.tolist(),
                heavy=None if heavy is None else np.asarray(heavy).tolist(),
            )
        )
    return curves


def write_chart(comparison: Comparison, path: Path) -> None:
    """PATH.html (plotly.js embedded: opens offline) or PATH.png (needs kaleido)."""
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png"):
        raise usage_error(f"--out {path}: write a .html or a .png file")
    figure = adoption_figure(
        comparison_curves(comparison), step_name="week" if comparison.model == "peer" else "step"
    )
    figure.update_layout(template="plotly_white", width=max(700, 360 * len(comparison.rows)))
    if suffix == ".html":
        figure.write_html(path, include_plotlyjs=True, full_html=True)
        return
    try:
        import kaleido  # noqa: F401 - only to say clearly when it is missing
    except ImportError:
        raise usage_error(
            f"--out {path}: PNG needs the kaleido package (and a Chrome); it is not installed "
            "here. Write the chart as .html instead (it opens in any browser, offline)."
        ) from None
    try:
        figure.write_image(path)
    except Exception as exc:  # kaleido's failures (no Chrome, ...) vary by version
        raise usage_error(f"--out {path}: could not render PNG ({exc}); use .html") from None


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, default=str)
