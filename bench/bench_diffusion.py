"""Diffusion benchmarks: peerwheel's engine against NDlib and CyNetDiff, in the same run.

    .venv/bin/python bench/bench_diffusion.py [--nodes 100000] [--ndlib-steps 50] [--skip-big]

Graphs: Watts–Strogatz (p = 0.1) and Barabási–Albert, average degree 16; 1% random seeds;
50 steps; thresholds U(0.1, 0.3); cascade p = 0.1. NDlib loops over every node every step in
Python, so it is timed for --ndlib-steps steps and its time per step scaled to 50 (it does the
same work each step). Graph conversion and model configuration are not timed for anyone.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from collections.abc import Callable

import networkx as nx
import numpy as np

from peerwheel.engine.diffusion import CascadeParams, ThresholdParams, UniformThresholds, simulate
from peerwheel.engine.networks import Network, barabasi_albert, watts_strogatz
from peerwheel.engine.seeding import expected_spread, imm_seeds

STEPS = 50
THRESHOLDS = ThresholdParams(UniformThresholds(0.1, 0.3))
CASCADE = CascadeParams(p=0.1)


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ours(network: Network, seeds: np.ndarray, model: str) -> float:
    params = THRESHOLDS if model == "threshold" else CASCADE
    simulate(network, params, seeds=seeds, runs=1, steps=STEPS)  # compile / warm up
    return best_of(lambda: simulate(network, params, seeds=seeds, runs=1, steps=STEPS))


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

    return best_of(run)


def ndlib_time(graph: nx.Graph, seeds: np.ndarray, model: str, steps: int) -> float:
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


def single_runs(n: int, ndlib_steps: int) -> None:
    print(f"## single run, {n:,} nodes, average degree 16, 1% seeds, {STEPS} steps")
    print(
        "| graph | model | peerwheel s | CyNetDiff s | NDlib s (scaled) | vs CyNetDiff | vs NDlib |"
    )
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
            nd = ndlib_time(graph, seeds, model, ndlib_steps) if ndlib_steps else float("nan")
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
        ours_s, cyn_s = best_of(mine, 7), best_of(theirs, 7)
        print(
            f"| {name} | {ours_s:.4f} | {cyn_s:.4f} | {cyn_s / ours_s:.1f}x | "
            f"{mine():,}, {theirs():,} |",
            flush=True,
        )


def monte_carlo(n: int) -> None:
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)
    seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
    simulate(network, THRESHOLDS, seeds=seeds, runs=2, steps=STEPS)
    start = time.perf_counter()
    result = simulate(network, THRESHOLDS, seeds=seeds, runs=1_000, steps=STEPS)
    print(
        f"## 1,000 threshold runs on {n:,} nodes: {time.perf_counter() - start:.1f} s "
        f"(mean final share {result.mean_fraction[-1]:.3f})"
    )


def big(n: int = 1_000_000) -> None:
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)  # 8,000,000 ties
    seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
    simulate(network, THRESHOLDS, seeds=seeds, runs=1, steps=STEPS)
    one = best_of(lambda: simulate(network, THRESHOLDS, seeds=seeds, runs=1, steps=STEPS), 2)
    start = time.perf_counter()
    simulate(network, THRESHOLDS, seeds=seeds, runs=64, steps=STEPS)
    batch = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        f"## {n:,} nodes / {network.n_ties:,} ties: one run {one:.2f} s; "
        f"R = 64 batched {batch:.1f} s; peak memory {peak:.2f} GiB"
    )


def optimised(n: int) -> None:
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)
    params = CascadeParams(p=None)  # weighted cascade, the standard IMM setting
    start = time.perf_counter()
    chosen = imm_seeds(network, 50, params, epsilon=0.1)
    took = time.perf_counter() - start
    judge = expected_spread(network, params, runs=500, rng_seed=9)
    degree = np.argsort(-network.out_weight, kind="stable")[:50]
    print(
        f"## IMM k = 50 on {n:,} nodes (weighted cascade): {took:.1f} s; spread "
        f"{judge(chosen):.0f} vs top-degree {judge(degree):.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--ndlib-steps", type=int, default=50)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}"
    )
    single_runs(args.nodes, args.ndlib_steps)
    threshold_like_for_like(args.nodes)
    monte_carlo(args.nodes)
    optimised(args.nodes)
    if not args.skip_big:
        big()


if __name__ == "__main__":
    main()
