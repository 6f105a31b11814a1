"""The logic of `peerwheel simulate` (the management command only parses and prints).

`simulate run` (the default) runs one model and returns the whole result. `simulate compare`
runs a sweep (scenarios × rng seeds × strategies) in local processes.
A graph read from a file never touches the database; `--graph org` reads people and ties.
Peer-model scenarios and their tasks are built as the Simulate page builds them
(simulate/scenarios.py), on the peer model the page calibrates (simulate/calibration.py) unless
--no-calibrate; the options are parsed in options.py, printed by cli_output.py.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from peerwheel.engine.diffusion import (
    BassParams,
    CascadeParams,
    ComplexParams,
    ModelKind,
    ModelParams,
    PeerParams,
    SimulationResult,
    ThresholdParams,
    parse_thresholds,
)
from peerwheel.engine.networks import Network, NetworkFileError, read_seed_file
from peerwheel.engine.networks.io import read_threshold_file
from peerwheel.engine.scenarios import Scenario, preset
from peerwheel.engine.seeding import SeedStrategy
from peerwheel.engine.sweep import (
    Summary,
    SweepTask,
    group_outcomes,
    run_sweep,
    run_task,
    summarise,
)
from peerwheel.simulate.graphs import load_file_graph, read_id_list
from peerwheel.simulate.options import (
    DEFAULT_K,
    DEFAULT_STRATEGIES,
    SimulateOptions,
    _Unset,
    strategy_arg,
)
from peerwheel.simulate.scenarios import scenario_task, scenario_with_levers

Progress = Callable[[int, int], None]


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


# ---- the graph, the model, the seeds -------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    network: Network | None
    source: str
    warnings: tuple[str, ...] = ()
    natural_ids: tuple[str, ...] | None = None


def load_graph(options: SimulateOptions) -> Graph:
    """The network (None for Bass). Only `--graph org` touches the database."""
    if options.model == ModelKind.BASS:
        return Graph(network=None, source="none (fully mixed)")
    spec = options.graph
    try:
        if spec == "org":
            from peerwheel.simulate import selectors

            try:
                network = selectors.organisation_network()
            except selectors.EmptyOrganisationError as exc:
                raise usage_error(f"--graph org: {exc}") from None
            warnings: list[str] = []
            natural = None if options.natural_list else selectors.natural_champion_ids()
        else:
            path = Path(spec)
            network, warnings = load_file_graph(
                path, directed=options.directed, groups=options.groups
            )
            natural = None
        if options.natural_list:
            natural = read_id_list(options.natural_list, network)
    except NetworkFileError as exc:
        raise usage_error(str(exc)) from None
    return Graph(
        network=network,
        source=spec,
        warnings=tuple(warnings),
        natural_ids=tuple(natural) if natural else None,
    )


def scenario_from(options: SimulateOptions, base: Scenario | None = None) -> Scenario:
    """The peer scenario: a preset (or a blank one) with the levers given on top."""
    scenario = base or (
        preset(options.preset)
        if options.preset
        else Scenario(key="custom", name="Custom scenario", strategy=None)
    )
    return scenario_with_levers(scenario, options.levers)


def model_params(options: SimulateOptions, network: Network | None) -> ModelParams:
    """The parameters of every model but the peer model (a scenario's: `scenario_task`)."""
    kind = options.model
    try:
        match kind:
            case ModelKind.THRESHOLD:
                spec = options.thresholds
                if spec.split(":", 1)[0] in ("uniform", "normal"):
                    return ThresholdParams(thresholds=parse_thresholds(spec))
                assert network is not None  # noqa: S101 - every model but Bass loads one
                return ThresholdParams(thresholds=read_threshold_file(Path(spec), network))
            case ModelKind.COMPLEX:
                return ComplexParams(k=options.complex_k)
            case ModelKind.CASCADE:
                edge = options.edge_p
                if edge == "weighted":
                    return CascadeParams(p=None)
                try:
                    return CascadeParams(p=float(edge))
                except ValueError as exc:
                    raise usage_error(f"--edge-p: {exc}") from None
            case ModelKind.BASS:
                return BassParams(
                    p=options.p, q=options.q, people=options.people, substeps=options.substeps
                )
    except NetworkFileError as exc:
        raise usage_error(str(exc)) from None
    except ValueError as exc:
        raise usage_error(f"--{kind.value} parameters: {exc}") from None
    raise usage_error(f"unknown model {kind}")


def appointed_group(
    options: SimulateOptions, network: Network | None
) -> tuple[str, tuple[str, ...]] | None:
    text = options.appointed_from
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


def _explicit_seeds(options: SimulateOptions, network: Network | None) -> tuple[int, ...] | None:
    if options.seeds is None:
        return None
    if network is None:
        raise usage_error("--seeds needs a network; the Bass model takes --k initial adopters")
    try:
        return tuple(int(s) for s in read_seed_file(options.seeds, network))
    except NetworkFileError as exc:
        raise usage_error(str(exc)) from None


def _check_k(k: int, network: Network | None, strategy: SeedStrategy | None) -> None:
    if strategy is not None and network is not None and k > network.n:
        raise usage_error(f"--k {k} is larger than the graph ({network.n} nodes)")


@dataclass(frozen=True)
class _Arm:
    """What one task runs: a peer scenario (with the strategy it uses), or another model."""

    scenario: Scenario | None
    params: ModelParams | None


def peer_calibration(
    options: SimulateOptions, graph: Graph
) -> tuple[PeerParams | None, dict[str, Any] | None]:
    """The peer model under every scenario, and what to say about it (None, None for the other
    models). As the Simulate page: `calibrated_base` on the network, to the organisation's
    latest closed study wave or the published effects (a file graph: the published ones, and
    Django's cache is left alone, so no database is needed). --no-calibrate: the engine's
    defaults (`PeerParams()`)."""
    if not options.is_peer or graph.network is None:
        return None, None
    if options.no_calibrate:
        return None, {"calibrated": False, "source": "the engine's uncalibrated defaults"}
    from peerwheel.simulate.calibration import calibrated_base, peer_targets, published_targets

    org = graph.source == "org"
    targets = peer_targets() if org else published_targets()
    params, about = calibrated_base(graph.network, targets, use_cache=org)
    return params, {"calibrated": True, **about}


def _arm(options: SimulateOptions, network: Network | None, scenario: Scenario | None) -> _Arm:
    if scenario is not None:
        try:
            scenario.peer_params()
        except ValueError as exc:
            raise usage_error(f"--peer parameters: {exc}") from None
        return _Arm(scenario=scenario, params=None)
    return _Arm(scenario=None, params=model_params(options, network))


def _task(
    options: SimulateOptions,
    graph: Graph,
    arm: _Arm,
    *,
    strategy: SeedStrategy | None,
    rng_seed: int,
    seeds: tuple[int, ...] | None = None,
    group: tuple[str, tuple[str, ...]] | None = None,
    base: PeerParams | None = None,
) -> SweepTask:
    """The task for one arm: a scenario's as the Simulate page builds it, or another model's."""
    if arm.scenario is not None:
        return scenario_task(
            arm.scenario.with_changes(strategy=strategy),
            rng_seed=rng_seed,
            runs=options.runs,
            steps=options.step_count,
            natural_ids=graph.natural_ids,
            seeds=seeds,
            appointed_group=group,
            base=base,
        )
    assert arm.params is not None  # noqa: S101 - an arm is a scenario or a model's params
    return SweepTask(
        label=str(options.model),
        params=arm.params,
        strategy=strategy,
        k=options.k or DEFAULT_K,
        rng_seed=rng_seed,
        runs=options.runs,
        steps=options.step_count,
        seeds=seeds,
        natural_ids=graph.natural_ids,
        appointed_group=group,
    )


# ---- run -----------------------------------------------------------------------------------


def run_one(options: SimulateOptions, on_step: Progress | None = None) -> dict[str, Any]:
    """One model run; the JSON-ready result with the graph and the seeds."""
    graph = load_graph(options)
    network = graph.network
    scenario = scenario_from(options) if options.is_peer else None
    arm = _arm(options, network, scenario)
    seeds = _explicit_seeds(options, network)
    strategy = options.seed_strategy
    if isinstance(strategy, _Unset):
        strategy = scenario.strategy if scenario is not None else None
    k = options.k or (scenario.k if scenario is not None else DEFAULT_K)
    _check_k(k, network, strategy if seeds is None else None)
    group = appointed_group(options, network)
    base, calibration = peer_calibration(options, graph)  # after every check of the options
    task = _task(
        options,
        graph,
        arm,
        strategy=strategy,
        rng_seed=options.rng_seed,
        seeds=seeds,
        group=group,
        base=base,
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
    if calibration is not None:
        out["calibration"] = calibration
    return out


# ---- compare -------------------------------------------------------------------------------


def _csv_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def sweep_tasks(
    options: SimulateOptions, graph: Graph, base: PeerParams | None = None
) -> list[SweepTask]:
    """Scenarios × rng seeds × strategies, in that order; `base` is the peer model under every
    scenario (`peer_calibration`; None: the engine's defaults)."""
    network = graph.network
    try:
        presets = [preset(key) for key in _csv_list(options.presets)]
    except ValueError as exc:
        raise usage_error(f"--presets: {exc}") from None
    if presets and not options.is_peer:
        raise usage_error("--presets are peer-model scenarios; drop --presets or use --model peer")
    strategies: list[SeedStrategy | None] | None = None
    if options.strategies or not presets:
        try:
            strategies = [
                strategy_arg(s) for s in _csv_list(options.strategies or DEFAULT_STRATEGIES)
            ]
        except argparse.ArgumentTypeError as exc:
            raise usage_error(f"--strategies: {exc}") from None
    try:
        rng_seeds = [int(s) for s in _csv_list(options.rng_seeds)] or [options.rng_seed]
    except ValueError:
        raise usage_error(f"--rng-seeds expects whole numbers, got {options.rng_seeds!r}") from None
    scenarios: list[Scenario | None] = (
        [scenario_from(options, p) for p in presets]
        if presets
        else [scenario_from(options) if options.is_peer else None]
    )
    group = appointed_group(options, network)
    tasks = []
    for scenario in scenarios:
        arm = _arm(options, network, scenario)
        for rng_seed in rng_seeds:
            for strategy in strategies if strategies is not None else [scenario.strategy]:  # type: ignore[union-attr]
                k = options.k or (scenario.k if scenario else DEFAULT_K)
                _check_k(k, network, strategy)
                tasks.append(
                    _task(
                        options,
                        graph,
                        arm,
                        strategy=strategy,
                        rng_seed=rng_seed,
                        group=group,
                        base=base,
                    )
                )
    return tasks


@dataclass(frozen=True)
class Comparison:
    rows: list[tuple[Summary, SimulationResult]]
    graph: Graph
    model: str
    calibration: dict[str, Any] | None = None


def compare(options: SimulateOptions, on_done: Progress | None = None) -> Comparison:
    graph = load_graph(options)
    tasks = sweep_tasks(options, graph)  # every option checked before calibrating
    base, calibration = peer_calibration(options, graph)
    if base is not None:
        tasks = sweep_tasks(options, graph, base)
    try:
        outcomes = run_sweep(
            graph.network,
            tasks,
            workers=options.workers,
            on_done=on_done,
        )
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    rows = [
        (summarise(label, strategy, result), result)
        for label, strategy, result in group_outcomes(outcomes)
    ]
    return Comparison(rows=rows, graph=graph, model=str(options.model), calibration=calibration)
