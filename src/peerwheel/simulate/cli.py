"""The logic of `peerwheel simulate` (the management command only parses and prints).

`simulate run` (the default) runs one model and prints a summary or, with --json, the whole
result. `simulate compare` runs a sweep (scenarios × rng seeds × strategies), locally in
processes or on a Dask cluster, prints a table and can write a chart. A graph read from a file
never touches the database; `--graph org` reads people and ties.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import CommandError

from peerwheel.engine.diffusion import (
    BassParams,
    Cadence,
    CascadeParams,
    ComplexParams,
    ModelKind,
    ModelParams,
    SimulationResult,
    ThresholdParams,
    parse_thresholds,
)
from peerwheel.engine.networks import Network, NetworkFileError, read_seed_file
from peerwheel.engine.networks.io import read_threshold_file
from peerwheel.engine.scenarios import PRESETS, Scenario, preset
from peerwheel.engine.seeding import SeedStrategy
from peerwheel.engine.sweep import (
    Summary,
    SweepTask,
    group_outcomes,
    run_sweep,
    run_task,
    summarise,
)
from peerwheel.simulate.charts import Curve, adoption_figure
from peerwheel.simulate.graphs import load_file_graph, read_id_list

DEFAULT_STRATEGIES = "natural,appointed,degree,optimised"
DEFAULT_K = 15
Progress = Callable[[int, int], None]


class _Unset:
    """--seed-strategy not given (None means "none": no champions)."""

    def __repr__(self) -> str:
        return "the scenario's"


UNSET = _Unset()


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


# ---- argument types ------------------------------------------------------------------------


def _int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def _unit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def _strategy(text: str) -> SeedStrategy | None:
    if text == "none":
        return None
    try:
        return SeedStrategy(text)
    except ValueError:
        known = ", ".join(["none", *(s.value for s in SeedStrategy)])
        raise argparse.ArgumentTypeError(f"unknown strategy {text!r}; choose {known}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    positive = _int_at_least(1)
    parser.add_argument(
        "action",
        nargs="?",
        default="run",
        choices=("run", "compare"),
        help="run (default): one model run; compare: strategies side by side (a sweep)",
    )
    model = parser.add_argument_group("model and network")
    model.add_argument("--model", choices=[m.value for m in ModelKind], default="peer")
    model.add_argument(
        "--graph", default="org", help="org (the organisation in the database) or PATH.csv"
    )
    model.add_argument("--directed", action="store_true", help="read the edge list as directed")
    model.add_argument(
        "--groups", type=Path, help="node,GROUP CSV with a header, e.g. node,department"
    )
    model.add_argument(
        "--thresholds", default="uniform:0:1", help="uniform:A:B, normal:MEAN:SD or PATH.csv"
    )
    model.add_argument("--complex-k", type=positive, default=2, help="exposures needed")
    model.add_argument("--edge-p", default="0.1", help="cascade tie probability P or 'weighted'")
    model.add_argument("--p", type=_unit, default=0.03, help="Bass innovation coefficient")
    model.add_argument("--q", type=_unit, default=0.38, help="Bass imitation coefficient")
    model.add_argument("--people", type=positive, default=10_000, help="Bass population")
    model.add_argument("--substeps", type=positive, default=1, help="Bass substeps per step")
    peer = parser.add_argument_group("peer-model scenario")
    peer.add_argument("--preset", choices=[s.key for s in PRESETS], help="start from a preset")
    peer.add_argument("--friction", type=_unit)
    peer.add_argument("--safety", type=_unit)
    peer.add_argument("--mandate-week", type=positive)
    peer.add_argument("--show-and-tell", choices=[c.value for c in Cadence])
    peer.add_argument("--failure-week", type=positive, help="a visible failure in week N")
    seeds = parser.add_argument_group("champions (seeds)")
    seeds.add_argument("--seeds", type=Path, help="a file of node ids, one a line")
    seeds.add_argument(
        "--seed-strategy",
        type=_strategy,
        default=UNSET,
        help="none|natural|appointed|degree|pagerank|optimised",
    )
    seeds.add_argument("--k", type=positive, help=f"how many champions (default {DEFAULT_K})")
    seeds.add_argument(
        "--natural-list", type=Path, help="natural champions, best first, one id a line"
    )
    seeds.add_argument(
        "--appointed-from", help="GROUP=V1,V2: appoint at random from these (default: anyone)"
    )
    runs = parser.add_argument_group("runs")
    runs.add_argument("--runs", type=positive, default=100, help="Monte Carlo runs")
    runs.add_argument("--steps", type=_int_at_least(0), help="steps (default 52 weeks; 50)")
    runs.add_argument("--rng-seed", type=_int_at_least(0), default=42)
    runs.add_argument("--json", action="store_true", help="print the result as JSON")
    sweep = parser.add_argument_group("compare (a sweep)")
    sweep.add_argument("--strategies", help=f"comma-separated (default {DEFAULT_STRATEGIES})")
    sweep.add_argument("--presets", help="comma-separated scenario presets (peer model)")
    sweep.add_argument("--rng-seeds", help="comma-separated rng seeds; runs are pooled")
    sweep.add_argument("--out", type=Path, help="write the chart: PATH.html or PATH.png")
    sweep.add_argument("--cluster", help="Dask scheduler tcp://HOST:PORT (or env)")
    sweep.add_argument("--workers", type=positive, help="local processes (default: CPUs)")


# ---- the graph, the model, the seeds -------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    network: Network | None
    source: str
    warnings: tuple[str, ...] = ()
    natural_ids: tuple[str, ...] | None = None


def load_graph(options: dict[str, Any]) -> Graph:
    """The network (None for Bass). Only `--graph org` touches the database."""
    if options["model"] == ModelKind.BASS:
        return Graph(network=None, source="none (fully mixed)")
    spec = options["graph"]
    try:
        if spec == "org":
            from peerwheel.simulate import selectors

            try:
                network = selectors.organisation_network()
            except selectors.EmptyOrganisationError as exc:
                raise usage_error(f"--graph org: {exc}") from None
            warnings: list[str] = []
            natural = None if options["natural_list"] else selectors.natural_champion_ids()
        else:
            path = Path(spec)
            network, warnings = load_file_graph(
                path, directed=options["directed"], groups=options["groups"]
            )
            natural = None
        if options["natural_list"]:
            natural = read_id_list(options["natural_list"], network)
    except NetworkFileError as exc:
        raise usage_error(str(exc)) from None
    return Graph(
        network=network,
        source=spec,
        warnings=tuple(warnings),
        natural_ids=tuple(natural) if natural else None,
    )


def scenario_from(options: dict[str, Any], base: Scenario | None = None) -> Scenario:
    """The peer scenario: a preset (or a blank one) with the options given on top."""
    scenario = base or (
        preset(options["preset"])
        if options["preset"]
        else Scenario(key="custom", name="Custom scenario", strategy=None)
    )
    changes: dict[str, Any] = {}
    for name in ("friction", "safety", "mandate_week", "failure_week"):
        if options[name] is not None:
            changes[name] = options[name]
    if options["show_and_tell"]:
        changes["show_and_tell"] = Cadence(options["show_and_tell"])
    if options["k"] is not None:
        changes["k"] = options["k"]
    return scenario.with_changes(**changes)


def model_params(
    options: dict[str, Any], network: Network | None, scenario: Scenario | None
) -> ModelParams:
    kind = ModelKind(options["model"])
    try:
        match kind:
            case ModelKind.PEER:
                return (scenario or scenario_from(options)).peer_params()
            case ModelKind.THRESHOLD:
                spec = options["thresholds"]
                if spec.split(":", 1)[0] in ("uniform", "normal"):
                    return ThresholdParams(thresholds=parse_thresholds(spec))
                assert network is not None  # noqa: S101 - every model but Bass loads one
                return ThresholdParams(thresholds=read_threshold_file(Path(spec), network))
            case ModelKind.COMPLEX:
                return ComplexParams(k=options["complex_k"])
            case ModelKind.CASCADE:
                edge = options["edge_p"]
                if edge == "weighted":
                    return CascadeParams(p=None)
                try:
                    return CascadeParams(p=float(edge))
                except ValueError as exc:
                    raise usage_error(f"--edge-p: {exc}") from None
            case ModelKind.BASS:
                return BassParams(
                    p=options["p"],
                    q=options["q"],
                    people=options["people"],
                    substeps=options["substeps"],
                )
    except NetworkFileError as exc:
        raise usage_error(str(exc)) from None
    except ValueError as exc:
        raise usage_error(f"--{kind.value} parameters: {exc}") from None
    raise usage_error(f"unknown model {kind}")


def appointed_group(
    options: dict[str, Any], network: Network | None
) -> tuple[str, tuple[str, ...]] | None:
    text = options["appointed_from"]
    if not text:
        return None
    group, sep, values = text.partition("=")
    names = tuple(v.strip() for v in values.split(",") if v.strip())
    if not sep or not group.strip() or not names:
        raise usage_error(f"--appointed-from expects GROUP=VALUE[,VALUE...], got {text!r}")
    if network is not None and group.strip() not in network.groups:
        known = ", ".join(sorted(network.groups)) or "none (add --groups PATH)"
        raise usage_error(f"--appointed-from: the network has no {group!r} labels; it has {known}")
    return group.strip(), names


def _explicit_seeds(options: dict[str, Any], network: Network | None) -> tuple[int, ...] | None:
    if options["seeds"] is None:
        return None
    if network is None:
        raise usage_error("--seeds needs a network; the Bass model takes --k initial adopters")
    try:
        return tuple(int(s) for s in read_seed_file(options["seeds"], network))
    except NetworkFileError as exc:
        raise usage_error(str(exc)) from None


def _steps(options: dict[str, Any]) -> int:
    if options["steps"] is not None:
        return int(options["steps"])
    return 52 if options["model"] == ModelKind.PEER else 50


def _check_k(k: int, network: Network | None, strategy: SeedStrategy | None) -> None:
    if strategy is not None and network is not None and k > network.n:
        raise usage_error(f"--k {k} is larger than the graph ({network.n} nodes)")


# ---- run -----------------------------------------------------------------------------------


def run_one(options: dict[str, Any], on_step: Progress | None = None) -> dict[str, Any]:
    """One model run; the JSON-ready result with the graph and the seeds."""
    graph = load_graph(options)
    network = graph.network
    is_peer = options["model"] == ModelKind.PEER
    scenario = scenario_from(options) if is_peer else None
    params = model_params(options, network, scenario)
    seeds = _explicit_seeds(options, network)
    strategy = options.get("seed_strategy", UNSET)
    if isinstance(strategy, _Unset):
        strategy = scenario.strategy if scenario is not None else None
    k = options["k"] or (scenario.k if scenario is not None else DEFAULT_K)
    _check_k(k, network, strategy if seeds is None else None)
    task = SweepTask(
        label=scenario.key if scenario else str(options["model"]),
        params=params,
        strategy=strategy,
        k=k,
        rng_seed=options["rng_seed"],
        runs=options["runs"],
        steps=_steps(options),
        seeds=seeds,
        natural_ids=graph.natural_ids,
        appointed_group=appointed_group(options, network),
    )
    try:
        outcome = run_task(network, task, on_step=on_step)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    out = outcome.result.to_dict()
    out["graph"] = {
        "source": graph.source,
        "nodes": None if network is None else network.n,
        "ties": None if network is None else network.n_ties,
        "warnings": list(graph.warnings),
    }
    out["seeds"] = [str(network.node_ids[s]) for s in outcome.seeds] if network is not None else []
    out["strategy"] = (
        "explicit" if seeds is not None else ("none" if strategy is None else str(strategy))
    )
    if scenario is not None:
        out["scenario"] = scenario.to_dict()
    return out


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
    lines.append(f"{result['seconds']:.2f} s")
    return "\n".join(lines)


# ---- compare -------------------------------------------------------------------------------


def _csv_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def sweep_tasks(options: dict[str, Any], graph: Graph) -> list[SweepTask]:
    """Scenarios × rng seeds × strategies, in that order."""
    network = graph.network
    is_peer = options["model"] == ModelKind.PEER
    try:
        presets = [preset(key) for key in _csv_list(options["presets"])]
    except ValueError as exc:
        raise usage_error(f"--presets: {exc}") from None
    if presets and not is_peer:
        raise usage_error("--presets are peer-model scenarios; drop --presets or use --model peer")
    strategies: list[SeedStrategy | None] | None = None
    if options["strategies"] or not presets:
        try:
            strategies = [
                _strategy(s) for s in _csv_list(options["strategies"] or DEFAULT_STRATEGIES)
            ]
        except argparse.ArgumentTypeError as exc:
            raise usage_error(f"--strategies: {exc}") from None
    try:
        rng_seeds = [int(s) for s in _csv_list(options["rng_seeds"])] or [options["rng_seed"]]
    except ValueError:
        raise usage_error(
            f"--rng-seeds expects whole numbers, got {options['rng_seeds']!r}"
        ) from None
    scenarios: list[Scenario | None] = (
        [scenario_from(options, p) for p in presets]
        if presets
        else [scenario_from(options) if is_peer else None]
    )
    group = appointed_group(options, network)
    steps = _steps(options)
    tasks = []
    for scenario in scenarios:
        params = model_params(options, network, scenario)
        label = scenario.key if scenario is not None else str(options["model"])
        for rng_seed in rng_seeds:
            for strategy in strategies if strategies is not None else [scenario.strategy]:  # type: ignore[union-attr]
                k = options["k"] or (scenario.k if scenario else DEFAULT_K)
                _check_k(k, network, strategy)
                tasks.append(
                    SweepTask(
                        label=label,
                        params=params,
                        strategy=strategy,
                        k=k,
                        rng_seed=rng_seed,
                        runs=options["runs"],
                        steps=steps,
                        natural_ids=graph.natural_ids,
                        appointed_group=group,
                    )
                )
    return tasks


@dataclass(frozen=True)
class Comparison:
    rows: list[tuple[Summary, SimulationResult]]
    graph: Graph
    model: str


def compare(options: dict[str, Any], on_done: Progress | None = None) -> Comparison:
    graph = load_graph(options)
    tasks = sweep_tasks(options, graph)
    try:
        outcomes = run_sweep(
            graph.network,
            tasks,
            cluster=options["cluster"] or None,
            workers=options["workers"],
            on_done=on_done,
        )
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    rows = [
        (summarise(label, strategy, result), result)
        for label, strategy, result in group_outcomes(outcomes)
    ]
    return Comparison(rows=rows, graph=graph, model=str(options["model"]))


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
    return json.dumps({"model": comparison.model, "graph": comparison.graph.source, "rows": rows})


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
