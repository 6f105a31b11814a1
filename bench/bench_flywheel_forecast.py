"""The flywheel forecast and its what-if at 20,000 people and 100,000 ties, against peers.

    PYTHONPATH=src .venv/bin/python bench/bench_flywheel_forecast.py [--people 20000]
        [--runs 1000] [--weeks 12] [--k 5] [--repeat 5] [--numpy-runs 1000] [--ndlib-runs 3]

The network is Watts–Strogatz (k = 10, p = 0.1: clustered, small world), 20 departments. Its
history is a ground-truth cascade (engine/flywheel/cascades.py, seed 42) cut at the Monday after
20% of the people had adopted; the model's parameters are the attribution's estimates from
that history (spreader factors and estimate uncertainty included, as the report uses them).

Timed, each the median of --repeat after a warm-up (numba compiles on the first call), wall
time and, in brackets, CPU time of this process (both threads: the machine may be shared):
- forecast: 1,000 runs × 12 weeks;
- what-if for each strategy (natural, degree, optimised; k champions within two of the 20
  departments): the champions' choice, the forecast and the forecast with them (one pass);
- the page's answer: the forecast with all three what-ifs (`what_ifs`), which must be under 2 s.
Peers, in the same run: the same Monte Carlo swept week by week in plain numpy/scipy
(`forecast_numpy`, --numpy-runs runs, scaled to --runs), and NDlib's independent cascade
(a simpler model: one chance per tie) for --ndlib-runs runs of 12 iterations, scaled to --runs.
Set-up (graph conversion, NDlib configuration) is not timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from peerwheel.engine.flywheel.attribution import attribute
from peerwheel.engine.flywheel.cascades import TieNetwork, ground_truth_cascade
from peerwheel.engine.flywheel.data import AdoptionData
from peerwheel.engine.flywheel.forecast import Forecast, forecast, forecast_numpy, uncertainty
from peerwheel.engine.flywheel.what_if import (
    Strategy,
    WhatIf,
    what_if,
    what_ifs,
    window_probability,
)
from peerwheel.engine.networks import watts_strogatz


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` calls after a warm-up; their median CPU time (this
    process, all threads) is kept in CPU, as the machine is shared."""
    fn()  # warm-up
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[fn] = float(np.median(cpu))
    return float(np.median(times))


CPU: dict[Callable[[], object], float] = {}


def history(people: int) -> tuple[AdoptionData, TieNetwork]:
    """A cascade on a clustered network, as seen the Monday after 20% had adopted."""
    ws = watts_strogatz(people, 10, 0.1, rng_seed=42)
    adj = ws.adjacency
    rng = np.random.default_rng(42)
    network = TieNetwork(
        indptr=adj.indptr.astype(np.int64),
        indices=adj.indices.astype(np.int32),
        weights=None,
        department=rng.integers(0, 20, people).astype(np.int32),
    )
    cascade = ground_truth_cascade(
        network, seed=42, weeks=40, transmission=0.2, background_rate=0.0005, n_seeds=20
    )
    days = np.sort(cascade.true_adoption_day[cascade.true_adoption_day >= 0])
    as_of = (int(days[int(0.2 * people)]) // 7 + 1) * 7
    return cascade.data.truncate(as_of), network


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=1_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--numpy-runs", type=int, default=1_000)
    parser.add_argument("--ndlib-runs", type=int, default=3, help="0 to skip")
    args = parser.parse_args()
    runs, weeks = args.runs, args.weeks

    data, _ = history(args.people)
    fitted = attribute(data)
    t_cv, b_cv = uncertainty(fitted)
    model: dict[str, Any] = {
        "transmission_per_tie": fitted.transmission_per_tie,
        "generation_pmf": fitted.generation_pmf,
        "background_rate": fitted.background_rate,
        "source_factor": fitted.spreader_factor,
        "transmission_cv": t_cv,
        "background_cv": b_cv,
    }
    print(
        f"{data.n_people:,} people, {data.indices.size // 2:,} ties, "
        f"{int(data.adopted.sum()):,} adopters as of week {data.as_of_day // 7}; "
        f"transmission {fitted.transmission_per_tie:.4f} (cv {t_cv:.2f}), "
        f"background {fitted.background_rate:.5f} (cv {b_cv:.2f}); {runs} runs × {weeks} weeks"
    )
    print(
        f"machine: {os.cpu_count()} cores ({numba.get_num_threads()} numba threads), "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"numba {numba.__version__}, load average {os.getloadavg()[0]:.1f}"
    )

    def ours() -> Forecast:
        return forecast(data, **model, weeks=weeks, runs=runs)

    t_forecast = median_time(ours, args.repeat)
    rng = np.random.default_rng(0)
    order = rng.permutation(data.n_people)  # a stand-in champion ranking
    legal_finance = np.isin(data.department, [3, 7])
    times: dict[str, tuple[float, float]] = {}
    for strategy in Strategy:

        def one(strategy: Strategy = strategy) -> WhatIf:
            return what_if(
                data, **model, k=args.k, strategy=strategy, champion_order=order,
                group=legal_finance, weeks=weeks, runs=runs,
            )  # fmt: skip

        times[strategy.value] = (median_time(one, args.repeat), CPU[one])
        print(f"  {strategy.value:>9}: {one().sentence('Legal and Finance')}")

    def page() -> object:
        return what_ifs(
            data, **model, k=args.k, champion_order=order, group=legal_finance, weeks=weeks,
            runs=runs,
        )  # fmt: skip

    t_page = median_time(page, args.repeat)

    def sweep() -> object:
        return forecast_numpy(data, **model, weeks=weeks, runs=args.numpy_runs)

    start = time.perf_counter()
    sweep()
    t_numpy = (time.perf_counter() - start) * runs / args.numpy_runs

    t_ndlib = float("nan")
    if args.ndlib_runs:
        p = window_probability(fitted.transmission_per_tie, fitted.generation_pmf)
        t_ndlib = ndlib_time(data, p, weeks, args.ndlib_runs) * runs

    print()
    print(
        "| what | peerwheel wall (CPU) | plain numpy sweep (same model) | NDlib IC "
        "| vs numpy | vs NDlib |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    print(
        f"| forecast, {runs} runs × {weeks} weeks | {t_forecast:.3f} s ({CPU[ours]:.2f} s) | "
        f"{t_numpy:.1f} s | {t_ndlib:.0f} s | {t_numpy / t_forecast:.0f}× | "
        f"{t_ndlib / t_forecast:.0f}× |"
    )
    for name, (t, cpu) in times.items():
        print(f"| forecast + what-if {name} (k = {args.k}) | {t:.3f} s ({cpu:.2f} s) | | | | |")
    verdict = "under" if t_page < 2.0 else "OVER"
    print(
        f"| forecast + all three what-ifs (the page) | {t_page:.3f} s ({CPU[page]:.2f} s), "
        f"{verdict} 2 s | | | | |"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def ndlib_time(data: AdoptionData, probability: float, weeks: int, runs: int) -> float:
    """Seconds per run of NDlib's independent cascade from the adopters of the last 4 weeks."""
    import networkx as nx
    from ndlib.models import ModelConfig
    from ndlib.models.epidemics import IndependentCascadesModel

    n = data.n_people
    rows = np.repeat(np.arange(n), np.diff(data.indptr))
    keep = rows < data.indices
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(rows[keep].tolist(), data.indices[keep].tolist(), strict=True))
    recent = np.flatnonzero(data.adoption_day >= data.as_of_day - 28)
    total = 0.0
    for _ in range(runs):
        config = ModelConfig.Configuration()
        config.add_model_initial_configuration("Infected", recent.tolist())
        model = IndependentCascadesModel(graph)
        for edge in graph.edges():
            config.add_edge_configuration("threshold", edge, probability)
        model.set_initial_status(config)
        model.iteration()  # the first iteration only reports the initial status
        start = time.perf_counter()
        model.iteration_bunch(weeks, progress_bar=False)
        total += time.perf_counter() - start
    return total / runs


if __name__ == "__main__":
    main()
