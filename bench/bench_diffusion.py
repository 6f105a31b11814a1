"""Diffusion benchmarks: peerwheel's engine against NDlib and CyNetDiff, in the same run.

    .venv/bin/python bench/bench_diffusion.py [--nodes 100000] [--ndlib-steps 50] [--skip-big]
        [--repeat 5] [--ndlib-repeat 3] [--quality-nodes 2000]

Graphs: Watts–Strogatz (p = 0.1) and Barabási–Albert, average degree 16; 1% random seeds;
50 steps; thresholds U(0.1, 0.3); cascade p = 0.1. Every time is the median of --repeat runs
after a warm-up (NDlib: of --ndlib-repeat). NDlib is timed over --ndlib-steps steps, scaled to
50 if fewer (its per-step cost falls as nodes adopt, so fewer steps overstate it). Graph
conversion and model configuration are not timed for anyone.
"""

from __future__ import annotations

import argparse
import array
import os
import platform
import resource
import time
from collections.abc import Callable

import networkx as nx
import numpy as np

from peerwheel.engine.diffusion import CascadeParams, ThresholdParams, UniformThresholds, simulate
from peerwheel.engine.diffusion.threshold import draw_thresholds
from peerwheel.engine.influence_max import imm
from peerwheel.engine.networks import Network, barabasi_albert, watts_strogatz
from peerwheel.engine.seeding import (
    celf_seeds,
    degree_seeds,
    expected_spread,
    imm_seeds,
    pagerank_seeds,
)

STEPS = 50
THRESHOLDS = ThresholdParams(UniformThresholds(0.1, 0.3))
CASCADE = CascadeParams(p=0.1)
REPEAT = 5  # timings are medians of this many runs (--repeat)


def median_of(fn: Callable[[], object], repeat: int | None = None) -> float:
    times = []
    for _ in range(repeat or REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def ours(network: Network, seeds: np.ndarray, model: str) -> float:
    params = THRESHOLDS if model == "threshold" else CASCADE
    simulate(network, params, seeds=seeds, runs=1, steps=STEPS)  # compile / warm up
    return median_of(lambda: simulate(network, params, seeds=seeds, runs=1, steps=STEPS))


def cynetdiff_time(graph: nx.Graph, seeds: np.ndarray, model: str) -> float:
    from cynetdiff.utils import networkx_to_ic_model, networkx_to_lt_model

    if model == "threshold":
        diffusion, mapping = networkx_to_lt_model(graph, rng=1)
    else:
        diffusion, mapping = networkx_to_ic_model(graph, activation_prob=0.1, rng=1)
    mapped = [mapping[int(s)] for s in seeds]

    def run() -> None:
        diffusion.reset_model()
        diffusion.set_seeds(mapped)
        for _ in range(STEPS):
            diffusion.advance_model()

    run()  # warm up
    return median_of(run)


def ndlib_time(graph: nx.Graph, seeds: np.ndarray, model: str, steps: int, repeat: int) -> float:
    return float(np.median([_ndlib_once(graph, seeds, model, steps) for _ in range(repeat)]))


def _ndlib_once(graph: nx.Graph, seeds: np.ndarray, model: str, steps: int) -> float:
    from ndlib.models import ModelConfig
    from ndlib.models.epidemics import IndependentCascadesModel, ThresholdModel

    rng = np.random.default_rng(1)
    config = ModelConfig.Configuration()
    config.add_model_initial_configuration("Infected", [int(s) for s in seeds])
    if model == "threshold":
        diffusion = ThresholdModel(graph)
        for node, theta in zip(
            graph.nodes(), rng.uniform(0.1, 0.3, graph.number_of_nodes()), strict=True
        ):
            config.add_node_configuration("threshold", node, float(theta))
    else:
        diffusion = IndependentCascadesModel(graph)
        for edge in graph.edges():
            config.add_edge_configuration("threshold", edge, 0.1)
    diffusion.set_initial_status(config)
    diffusion.iteration()  # NDlib's first iteration only reports the initial status
    start = time.perf_counter()
    diffusion.iteration_bunch(steps, progress_bar=False)
    return (time.perf_counter() - start) / steps * STEPS


def single_runs(n: int, ndlib_steps: int, ndlib_repeat: int = 3) -> None:
    print(f"## single run, {n:,} nodes, average degree 16, 1% seeds, {STEPS} steps")
    print("| graph | model | peerwheel s | CyNetDiff s | NDlib s | vs CyNetDiff | vs NDlib |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, network in (
        ("Watts–Strogatz", watts_strogatz(n, 16, 0.1, rng_seed=1)),
        ("Barabási–Albert", barabasi_albert(n, 8, rng_seed=1)),
    ):
        graph = nx.from_scipy_sparse_array(network.adjacency)
        digraph = nx.from_scipy_sparse_array(network.adjacency, create_using=nx.DiGraph)
        seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
        for model in ("threshold", "cascade"):
            mine = ours(network, seeds, model)
            cyn = cynetdiff_time(digraph, seeds, model)
            nd = (
                ndlib_time(graph, seeds, model, ndlib_steps, ndlib_repeat)
                if ndlib_steps
                else float("nan")
            )
            print(
                f"| {name} | {model} | {mine:.4f} | {cyn:.4f} | {nd:.1f} | "
                f"{cyn / mine:.1f}x | {nd / mine:.0f}x |",
                flush=True,
            )


def _lt_pair(
    network: Network, params: ThresholdParams
) -> tuple[Callable[[], int], Callable[[], int]]:
    """One linear-threshold run each (ours, CyNetDiff's), returning the final size."""
    from cynetdiff.utils import networkx_to_lt_model

    n = network.n
    seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
    digraph = nx.from_scipy_sparse_array(network.adjacency, create_using=nx.DiGraph)
    diffusion, mapping = networkx_to_lt_model(digraph, rng=1)
    mapped = [mapping[int(s)] for s in seeds]

    def theirs() -> int:
        diffusion.reset_model()
        diffusion.set_seeds(mapped)
        for _ in range(STEPS):
            diffusion.advance_model()
        return int(diffusion.get_num_activated_nodes())

    def mine() -> int:
        result = simulate(network, params, seeds=seeds, runs=1, steps=STEPS)
        return int(result.final_sizes[0])

    return mine, theirs


def threshold_like_for_like(n: int) -> None:
    """The threshold rows with CyNetDiff's own thresholds, U(0, 1), for both (same work)."""
    params = ThresholdParams(UniformThresholds(0.0, 1.0))
    print(f"## linear threshold, thresholds U(0, 1) for both, {n:,} nodes")
    print("| graph | peerwheel s | CyNetDiff s | vs CyNetDiff | final size (ours, theirs) |")
    print("| --- | --- | --- | --- | --- |")
    for name, network in (
        ("Watts–Strogatz", watts_strogatz(n, 16, 0.1, rng_seed=1)),
        ("Barabási–Albert", barabasi_albert(n, 8, rng_seed=1)),
    ):
        mine, theirs = _lt_pair(network, params)
        mine(), theirs()  # warm up
        ours_s, cyn_s = median_of(mine), median_of(theirs)
        print(
            f"| {name} | {ours_s:.4f} | {cyn_s:.4f} | {cyn_s / ours_s:.1f}x | "
            f"{mine():,}, {theirs():,} |",
            flush=True,
        )


def threshold_same_draws(n: int) -> None:
    """The threshold rows as specified, U(0.1, 0.3), with CyNetDiff given our very thresholds
    (its `_assign_thresholds`, untimed, after `set_seeds`): same work, same final size expected."""
    from cynetdiff.utils import networkx_to_lt_model

    print(f"## linear threshold, our U(0.1, 0.3) draws given to CyNetDiff too, {n:,} nodes")
    print("| graph | peerwheel s | CyNetDiff s | vs CyNetDiff | final size (ours, theirs) |")
    print("| --- | --- | --- | --- | --- |")
    for name, network in (
        ("Watts–Strogatz", watts_strogatz(n, 16, 0.1, rng_seed=1)),
        ("Barabási–Albert", barabasi_albert(n, 8, rng_seed=1)),
    ):
        seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
        # simulate(..., runs=1, rng_seed=0) draws its thresholds exactly like this
        ours_th = draw_thresholds(THRESHOLDS.thresholds, n, 1, np.random.default_rng(0))[0]
        digraph = nx.from_scipy_sparse_array(network.adjacency, create_using=nx.DiGraph)
        diffusion, mapping = networkx_to_lt_model(digraph, rng=1)
        theirs_th = np.empty(n, dtype=np.float32)
        for node, label in mapping.items():
            theirs_th[label] = ours_th[int(node)]
        mapped = [mapping[int(s)] for s in seeds]
        times = []
        for _ in range(REPEAT + 1):  # the first is a warm-up
            diffusion.set_seeds(mapped)  # resets the model
            diffusion._assign_thresholds(array.array("f", theirs_th.tolist()))
            start = time.perf_counter()
            for _ in range(STEPS):
                diffusion.advance_model()
            times.append(time.perf_counter() - start)
        cyn_s = float(np.median(times[1:]))
        theirs_size = int(diffusion.get_num_activated_nodes())

        def mine(network: Network = network, seeds: np.ndarray = seeds) -> int:
            result = simulate(network, THRESHOLDS, seeds=seeds, runs=1, steps=STEPS)
            return int(result.final_sizes[0])

        mine()  # warm up
        ours_s = median_of(mine)
        print(
            f"| {name} | {ours_s:.4f} | {cyn_s:.4f} | {cyn_s / ours_s:.1f}x | "
            f"{mine():,}, {theirs_size:,} |",
            flush=True,
        )


def monte_carlo(n: int) -> None:
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)
    seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
    simulate(network, THRESHOLDS, seeds=seeds, runs=2, steps=STEPS)
    took = [
        median_of(lambda: simulate(network, THRESHOLDS, seeds=seeds, runs=1_000, steps=STEPS), 1)
        for _ in range(3)
    ]
    print(f"## 1,000 threshold runs on {n:,} nodes: {np.median(took):.1f} s (median of 3: {took})")


def big(n: int = 1_000_000) -> None:
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)  # 8,000,000 ties
    seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
    simulate(network, THRESHOLDS, seeds=seeds, runs=1, steps=STEPS)
    one = median_of(lambda: simulate(network, THRESHOLDS, seeds=seeds, runs=1, steps=STEPS))
    batch = median_of(lambda: simulate(network, THRESHOLDS, seeds=seeds, runs=64, steps=STEPS), 3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"## {n:,} nodes / {network.n_ties:,} ties: one run {one:.2f} s (median of {REPEAT}); "
        f"R = 64 batched {batch:.1f} s (median of 3); peak memory {peak:.2f} GiB"
    )


def optimised(n: int, repeat: int = 3) -> None:
    """IMM, k = 50, weighted cascade, ε = 0.1, ℓ = 1: wall and CPU time (median of `repeat`),
    its RR-set count, and the seeds' spread against degree and PageRank seeds."""
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)
    params = CascadeParams(p=None)  # weighted cascade, the standard IMM setting
    imm(watts_strogatz(1_000, 16, 0.1, rng_seed=1), 5, params)  # compile
    walls, cpus = [], []
    for _ in range(repeat):
        before, start = os.times(), time.perf_counter()
        found = imm(network, 50, params, epsilon=0.1, ell=1.0, rng_seed=0)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(after.user - before.user + after.system - before.system)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    runs = 2_000
    spreads = {
        name: _spread(network, params, seeds, runs)
        for name, seeds in (
            ("IMM", found.seeds),
            ("degree", degree_seeds(network, 50)),
            ("PageRank", pagerank_seeds(network, 50)),
        )
    }
    print(
        f"## IMM k = 50 on {n:,} nodes (weighted cascade, ε = 0.1, ℓ = 1): "
        f"{np.median(walls):.1f} s wall, {np.median(cpus):.1f} s CPU (median of {repeat}: "
        f"{[round(w, 1) for w in walls]}); θ = {found.rr_sets:,} RR sets, lower bound "
        f"{found.lower_bound:.0f}, estimated spread {found.estimated_spread:.1f}; "
        f"process peak memory {peak:.2f} GiB"
    )
    print(f"spread over {runs:,} runs (mean ± s.e.): " + _spreads_text(spreads))


def _spread(
    network: Network, params: CascadeParams | ThresholdParams, seeds: np.ndarray, runs: int
) -> tuple[float, float]:
    """Mean final size and its standard error; the same random numbers for every seed set."""
    sizes = simulate(network, params, seeds=seeds, runs=runs, steps=200, rng_seed=99).final_sizes
    return float(sizes.mean()), float(sizes.std(ddof=1) / np.sqrt(runs))


def _spreads_text(spreads: dict[str, tuple[float, float]]) -> str:
    return ", ".join(f"{name} {mean:.1f} ± {se:.1f}" for name, (mean, se) in spreads.items())


def imm_quality(n: int = 2_000, k: int = 50, celf_runs: int = 1_000) -> None:
    """IMM (ε = 0.1) against plain CELF over every node, where CELF is feasible.

    CELF's spreads are means over `celf_runs` runs with common random numbers (the same live
    ties for every candidate set, so the lazy bound holds); all seed sets are then judged on
    20,000 fresh runs, the same for every set.
    """
    params = CascadeParams(p=None)
    print(f"## optimised seeds against CELF, k = {k}, {n:,} nodes, weighted cascade")
    for name, network in (
        ("Watts–Strogatz", watts_strogatz(n, 16, 0.1, rng_seed=1)),
        ("Barabási–Albert", barabasi_albert(n, 8, rng_seed=1)),
    ):
        start = time.perf_counter()
        by_imm = imm_seeds(network, k, params, epsilon=0.1, rng_seed=1)
        imm_s = time.perf_counter() - start
        start = time.perf_counter()
        spread = expected_spread(network, params, runs=celf_runs, rng_seed=3)
        by_celf = celf_seeds(np.arange(network.n), k, spread)
        celf_s = time.perf_counter() - start
        spreads = {
            label: _spread(network, params, seeds, 20_000)
            for label, seeds in (
                ("IMM", by_imm),
                ("CELF", by_celf),
                ("degree", degree_seeds(network, k)),
                ("PageRank", pagerank_seeds(network, k)),
            )
        }
        ratio = spreads["IMM"][0] / spreads["CELF"][0]
        print(
            f"{name}: IMM {imm_s:.1f} s, CELF {celf_s:.0f} s; IMM / CELF = {ratio:.4f}; "
            + _spreads_text(spreads),
            flush=True,
        )


def main() -> None:
    global REPEAT  # the script's setting, read by median_of
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--ndlib-steps", type=int, default=50)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--ndlib-repeat", type=int, default=3)
    parser.add_argument("--quality-nodes", type=int, default=2_000, help="0 to skip")
    args = parser.parse_args()
    REPEAT = args.repeat
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}"
    )
    print(f"load average at start: {os.getloadavg()}")
    single_runs(args.nodes, args.ndlib_steps, args.ndlib_repeat)
    threshold_like_for_like(args.nodes)
    threshold_same_draws(args.nodes)
    monte_carlo(args.nodes)
    optimised(args.nodes)
    if args.quality_nodes:
        imm_quality(args.quality_nodes)
    print(f"load average at end: {os.getloadavg()}")
    if not args.skip_big:
        big()


if __name__ == "__main__":
    main()
