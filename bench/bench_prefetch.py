"""Does the kernels' prefetch intrinsic earn its keep at the target organisation size?

Runs the same diffusion single runs with the kernels as they are and with a copy of the package
whose `prefetch` is a compiled no-op (the peer), in the same invocation. Each variant runs in
its own processes with its own numba cache; the two alternate, round after round (the order
swapped each round), so that a change in the machine's load hits both alike. A figure is the
median over rounds of each round's median. Graphs: Watts–Strogatz, average degree 16, p = 0.1,
at the target size (20,000 people, docs/architecture.md) and at 100,000; 1% random seeds;
threshold U(0.1, 0.3) and cascade p = 0.1; 50 steps.

    PYTHONPATH=src .venv/bin/python bench/bench_prefetch.py
    PYTHONPATH=src .venv/bin/python bench/bench_prefetch.py --sizes 20000 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PREFETCH_LINE = 'prefetch = cast("Callable[[npt.NDArray[Any], int], None]", _prefetch)'
NO_OP = """
@numba.njit(inline="always")
def _no_prefetch(arr, idx):  # type: ignore[no-untyped-def]
    return None


prefetch = _no_prefetch
"""

CHILD = r"""
import json, sys, time
import numpy as np
from peerwheel.engine.diffusion import CascadeParams, ThresholdParams, UniformThresholds, simulate
from peerwheel.engine.networks import watts_strogatz

sizes, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
params = {
    "threshold": ThresholdParams(thresholds=UniformThresholds(0.1, 0.3)),
    "cascade": CascadeParams(p=0.1),
}
out = {}
for n in sizes:
    network = watts_strogatz(n, 16, 0.1, rng_seed=1)
    seeds = np.random.default_rng(2).choice(n, n // 100, replace=False)
    for model, p in params.items():
        simulate(network, p, seeds=seeds, runs=1, steps=50)  # compile, warm up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            simulate(network, p, seeds=seeds, runs=1, steps=50)
            times.append(time.perf_counter() - start)
        out[f"{n}/{model}"] = float(np.median(times))
print(json.dumps(out))
"""


def _run(pythonpath: Path, cache: str, sizes: list[int], repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "NUMBA_CACHE_DIR": cache}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(sizes), str(repeat)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="runs per process")
    parser.add_argument("--rounds", type=int, default=6, help="alternations of the two")
    args = parser.parse_args()
    import peerwheel

    package = Path(peerwheel.__file__).parent
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "peerwheel"
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
        kernels = copy / "engine" / "diffusion" / "_kernels.py"
        text = kernels.read_text(encoding="utf-8")
        if PREFETCH_LINE not in text:
            sys.exit(f"{kernels}: the line {PREFETCH_LINE!r} is gone; update this benchmark")
        if "import numba\n" not in text:
            text = "import numba\n" + text.replace("from __future__ import annotations\n", "", 1)
            text = "from __future__ import annotations\n" + text
        kernels.write_text(text.replace(PREFETCH_LINE, NO_OP), encoding="utf-8")
        variants = {"with": package.parent, "without": Path(tmp)}
        caches = {name: tempfile.mkdtemp(dir=tmp) for name in variants}
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
        for i in range(args.rounds):
            for name in sorted(variants, reverse=bool(i % 2)):
                rounds[name].append(_run(variants[name], caches[name], args.sizes, args.repeat))
    with_prefetch, without = (
        {key: _median([r[key] for r in rounds[name]]) for key in rounds[name][0]}
        for name in ("with", "without")
    )
    print(
        f"median over {args.rounds} alternating rounds of the median of {args.repeat} single "
        "runs; 50 steps, Watts–Strogatz degree 16, 1% seeds"
    )
    print("| nodes | model | with prefetch | without (peer) | gain |")
    print("| --- | --- | --- | --- | --- |")
    for key, took in with_prefetch.items():
        n, model = key.split("/")
        other = without[key]
        print(
            f"| {int(n):,} | {model} | {took * 1e3:.1f} ms | {other * 1e3:.1f} ms "
            f"| {other / took:.2f}× |"
        )


if __name__ == "__main__":
    main()
