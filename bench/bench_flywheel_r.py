"""Cori's instantaneous R_t: peerwheel's cori_rt against the Python package epyestim.

    PYTHONPATH=src .venv/bin/python bench/bench_flywheel_r.py [--steps 104] [--repeat 200]

Both run on the same incidence with the same generation interval, window and prior (EpiEstim's
default: mean 5, sd 5): a renewal process of weekly new adopters (seed 42, R_t drifting from 1.8
to 0.8 over `--steps` weeks, 20,000 people), a ten-year daily series, and EpiEstim's Flu2009.
epyestim 0.1's `estimate_r` returns the gamma posterior's shape and scale; its mean and the 5%,
50% and 95% quantiles are taken from them with scipy, as cori_rt does, inside its timing. The
script asserts every value agrees within 1% and prints the median time of each and the ratio.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from epyestim.estimate_r import estimate_r
from scipy import stats

from peerwheel.engine.flywheel.reproduction import cori_rt

PMF = np.array([0.0, 0.4, 0.3, 0.2, 0.1])
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "engine" / "fixtures" / "epiestim"
PRIOR_SHAPE, PRIOR_SCALE = 1.0, 5.0  # mean 5, sd 5


def renewal(steps: int, pmf: np.ndarray, people: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    incidence = np.zeros(steps, dtype=np.int64)
    incidence[0] = 10
    r_t = np.linspace(1.8, 0.8, steps)
    for t in range(1, steps):
        lags = np.arange(1, min(t, pmf.shape[0] - 1) + 1)
        pressure = float((pmf[lags] * incidence[t - lags]).sum())
        left = people - incidence[:t].sum()
        incidence[t] = min(rng.poisson(r_t[t] * pressure * left / people), left)
    return incidence


def theirs(incidence: np.ndarray, pmf: np.ndarray, window: int) -> dict[str, np.ndarray]:
    post = estimate_r(pd.Series(incidence.astype(float)), pmf, PRIOR_SHAPE, PRIOR_SCALE, window)
    a, b = post["a_posterior"].to_numpy(), post["b_posterior"].to_numpy()
    return {
        "t_end": post.index.to_numpy(),
        "mean": a * b,
        "low": stats.gamma.ppf(0.05, a, scale=b),
        "median": stats.gamma.ppf(0.5, a, scale=b),
        "high": stats.gamma.ppf(0.95, a, scale=b),
    }


def ours(incidence: np.ndarray, pmf: np.ndarray, window: int) -> dict[str, np.ndarray]:
    rt = cori_rt(incidence, pmf, window=window)
    return {"t_end": rt.t_end, "mean": rt.mean, "low": rt.low, "median": rt.median, "high": rt.high}


def median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def compare(label: str, incidence: np.ndarray, pmf: np.ndarray, window: int, repeat: int) -> None:
    a, b = ours(incidence, pmf, window), theirs(incidence, pmf, window)
    # epyestim's first window starts at step 0; EpiEstim's and ours at step 1: compare the
    # windows both have (same end step)
    common, ia, ib = np.intersect1d(a["t_end"], b["t_end"], return_indices=True)
    worst = 0.0
    for key in ("mean", "low", "median", "high"):
        x, y = a[key][ia], b[key][ib]
        rel = np.abs(x - y) / np.maximum(np.abs(y), 1e-12)
        worst = max(worst, float(rel.max()))
    assert worst < 0.01, f"{label}: values differ by {worst:.2%}"
    t_ours = median_time(lambda: ours(incidence, pmf, window), repeat)
    t_theirs = median_time(lambda: theirs(incidence, pmf, window), repeat)
    print(
        f"  {label:<34} {common.shape[0]:6d} windows  max rel diff {worst:.1e}  "
        f"peerwheel {1e3 * t_ours:8.3f} ms  epyestim {1e3 * t_theirs:8.3f} ms  "
        f"ratio {t_theirs / t_ours:5.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=104, help="weeks of the renewal series")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}")
    weekly = renewal(args.steps, PMF, 20_000, seed=42)
    compare(f"weekly adopters, {args.steps} weeks, w=4", weekly, PMF, 4, args.repeat)
    daily_pmf = np.concatenate([[0.0], stats.gamma.pdf(np.arange(1, 21), 2.6, scale=1.5)])
    daily_pmf /= daily_pmf.sum()
    daily = renewal(3650, daily_pmf, 10_000_000, seed=42)
    compare("daily cases, 3,650 days, w=7", daily, daily_pmf, 7, max(args.repeat // 4, 5))
    flu = pd.read_csv(FIXTURES / "flu2009_incidence.csv")["I"].to_numpy()
    si = pd.read_csv(FIXTURES / "flu2009_si.csv")["w"].to_numpy()
    compare("EpiEstim Flu2009, 32 days, w=7", flu, si / si.sum(), 7, args.repeat)


if __name__ == "__main__":
    main()
