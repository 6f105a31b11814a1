"""A `simulate compare`-sized sweep at the target organisation size, in one and in two processes.

The peer model on a Watts–Strogatz network of 20,000 nodes (degree 16, the target size of
docs/architecture.md): every preset × degree, PageRank and optimised (IMM) champions, 200 runs
of 52 weeks each, through `engine.sweep.run_sweep` in one process and in local processes. It
is the figure behind "Dask: not needed" in docs/architecture.md.

    PYTHONPATH=src .venv/bin/python bench/bench_sweep.py                 # 1 and 2 processes
    PYTHONPATH=src .venv/bin/python bench/bench_sweep.py --people 5000 --runs 50 --workers 1 4
"""

from __future__ import annotations

import argparse
import time

from peerwheel.engine.networks import watts_strogatz
from peerwheel.engine.scenarios import PRESETS
from peerwheel.engine.seeding import SeedStrategy
from peerwheel.engine.sweep import SweepTask, run_sweep

STRATEGIES = (SeedStrategy.DEGREE, SeedStrategy.PAGERANK, SeedStrategy.OPTIMISED)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    network = watts_strogatz(args.people, 16, 0.1, rng_seed=1)
    tasks = [
        SweepTask(p.key, p.peer_params(), s, 15, 1, args.runs, args.weeks)
        for p in PRESETS
        for s in STRATEGIES
    ]
    print(f"{len(tasks)} tasks × {args.runs} runs × {args.weeks} weeks, {args.people:,} people")
    for workers in args.workers:
        start = time.perf_counter()
        run_sweep(network, tasks, workers=workers)
        print(f"{workers} process(es): {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
