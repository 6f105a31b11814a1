"""The Bass model (1969), simulated in a fully mixed population of N people.

Each step a non-adopter adopts with probability p + q·F, F the adopted share at the start of
the step. With `substeps` = K each step is split into K steps of p/K and q/K, which tends to
the continuous model F(t) = (1 − e^−(p+q)t) / (1 + (q/p)·e^−(p+q)t). Adopters in a step are
drawn as one binomial per run, which is exactly the sum of the people's Bernoulli trials.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion._batch import SeedsLike, check_counts
from peerwheel.engine.diffusion.result import Backend, ModelKind, ProgressFn, SimulationResult
from peerwheel.engine.networks import Network


@dataclass(frozen=True)
class BassParams:
    p: float = 0.03
    q: float = 0.38
    people: int = 10_000
    substeps: int = 1
    model: ClassVar[ModelKind] = ModelKind.BASS

    def __post_init__(self) -> None:
        if not (0.0 <= self.p <= 1.0 and 0.0 <= self.q <= 1.0 and self.p + self.q <= 1.0):
            raise ValueError("Bass needs 0 <= p, q and p + q <= 1")
        if self.people < 1 or self.substeps < 1:
            raise ValueError("Bass needs people >= 1 and substeps >= 1")

    def describe(self) -> dict[str, object]:
        return {"p": self.p, "q": self.q, "people": self.people, "substeps": self.substeps}


def discrete_recursion(p: float, q: float, steps: int) -> npt.NDArray[np.float64]:
    """F(t+1) = F(t) + (p + q·F(t))(1 − F(t)), F(0) = 0."""
    f = np.zeros(steps + 1)
    for t in range(steps):
        f[t + 1] = f[t] + (p + q * f[t]) * (1.0 - f[t])
    return f


def closed_form(p: float, q: float, t: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The continuous Bass curve."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    return (1.0 - e) / (1.0 + (q / p) * e)


def simulate(
    network: Network | None,
    params: BassParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 50,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    backend: Backend = Backend.AUTO,
) -> SimulationResult:
    """R runs of the Bass model. No network: everyone meets everyone. `seeds` (k,) makes k
    adopters at step 0; `backend` is accepted for a uniform interface and has no effect."""
    del backend, network
    check_counts(runs, steps)
    start = time.perf_counter()
    rng = np.random.default_rng(rng_seed)
    n = params.people
    k = 0 if seeds is None else int(np.unique(np.asarray(seeds)).size)
    if k > n:
        raise ValueError(f"k = {k} seeds is more than the {n} people")
    counts = np.zeros((runs, steps + 1), dtype=np.int64)
    adopted = np.full(runs, k, dtype=np.int64)
    counts[:, 0] = adopted
    p, q = params.p / params.substeps, params.q / params.substeps
    for t in range(1, steps + 1):
        for _ in range(params.substeps):
            prob = np.clip(p + q * adopted / n, 0.0, 1.0)
            adopted = adopted + rng.binomial(n - adopted, prob)
        counts[:, t] = adopted
        if on_step is not None:
            on_step(t, steps)
    return SimulationResult(
        model=ModelKind.BASS,
        people=n,
        counts=counts,
        seed=rng_seed,
        seconds=time.perf_counter() - start,
        parameters=params.describe(),
    )
