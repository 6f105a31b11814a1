"""The flywheel forecast with launch cohorts that start in later weeks: the wave planner's model.

The model is `forecast.forecast`'s (its docstring): each week a person who has not adopted
adopts with probability 1 − exp(−h), h = background + Σ transmission · factor(A) · w(A, B) ·
g(k) over adopted ties A, k the weeks since A adopted, with per-run gamma multipliers on the
transmission and the background for the estimates' uncertainty. What it adds: each wave is a
week and a set of people who adopt that week if they have not yet (a site's launch cohort), so
a plan's waves can be a month apart. With every wave in week 0 it is `forecast(...,
extra_adopters=...)` (tests/engine/test_staggered.py compares the two).

It is a week-by-week sweep over a sparse product, vectorised over runs (as
`forecast.forecast_numpy`): a planner compares a few plans on one organisation, so plain numpy
is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerwheel.engine.flywheel.data import AdoptionData

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
_NEVER = np.iinfo(np.int32).max
_OLDEST = -30_000


@dataclass(frozen=True, eq=False)
class StaggeredForecast:
    """Cumulative adopters by the end of each week ahead (week 0 is the as-of week)."""

    median: F64
    low: F64
    high: F64
    mean: F64
    cumulative: I32  # (runs, weeks)
    start: int  # adopters before the as-of day
    seed: int


def _multipliers(cv: float, runs: int, rng: np.random.Generator) -> F64:
    if not (np.isfinite(cv) and cv >= 0):
        raise ValueError(f"a coefficient of variation must be finite and >= 0, got {cv}")
    return np.ones(runs) if cv == 0 else rng.gamma(1.0 / cv**2, cv**2, size=runs)


def forecast_waves(
    data: AdoptionData,
    *,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    waves: Sequence[tuple[int, npt.ArrayLike]] = (),
    weeks: int = 12,
    runs: int = 400,
    seed: int = 0,
    source_factor: npt.ArrayLike | None = None,
    transmission_cv: float = 0.0,
    background_cv: float = 0.0,
    chunk: int = 100,
) -> StaggeredForecast:
    """Monte Carlo of cumulative adopters over `weeks` weeks, each wave `(week, people)` making
    its people (indices) adopt in that week unless they already have."""
    pmf = np.asarray(generation_pmf, dtype=np.float64).copy()
    if pmf.ndim != 1 or pmf.size < 2 or not np.all(np.isfinite(pmf)) or (pmf < 0).any():
        raise ValueError("generation_pmf: finite probabilities for weeks 0..K (K >= 1)")
    for name, value in (
        ("transmission_per_tie", transmission_per_tie),
        ("background_rate", background_rate),
    ):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and not negative, got {value}")
    if weeks < 1 or runs < 1:
        raise ValueError("weeks and runs must be at least 1")
    pmf[0] = 0.0
    n, k_max = data.n_people, pmf.size - 1
    w0 = data.as_of_day // 7
    adopted = data.adoption_day >= 0
    base = np.where(adopted, np.maximum(data.adoption_day // 7 - w0, _OLDEST), _NEVER).astype(
        np.int32
    )
    forced = np.full(n, _NEVER, dtype=np.int32)  # the week a wave makes a person adopt
    for week, people in waves:
        if not 0 <= week < weeks:
            raise ValueError(f"a wave's week must be within 0..{weeks - 1}, got {week}")
        idx = np.asarray(people, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(f"a wave names a person outside 0..{n - 1}")
        forced[idx] = np.minimum(forced[idx], week)
    forced[adopted] = _NEVER
    rate = np.full(n, float(transmission_per_tie))
    if source_factor is not None:
        factor = np.asarray(source_factor, dtype=np.float64)
        if factor.shape != (n,) or not np.all(np.isfinite(factor)) or (factor < 0).any():
            raise ValueError(f"source_factor: one finite factor >= 0 per person ({n})")
        rate *= factor
    per_entry = np.repeat(rate, np.diff(data.indptr)) * data.tie_weights
    into = sp.csr_array((per_entry, data.indices, data.indptr), shape=(n, n)).T.tocsr()
    pmf_at = np.append(pmf, 0.0)  # lag K + 1 and beyond: out of the window
    frac = (7 * (w0 + 1) - data.as_of_day) / 7.0
    rng = np.random.default_rng([seed, 1])
    scale = _multipliers(transmission_cv, runs, rng)
    background = background_rate * _multipliers(background_cv, runs, rng)
    coins = np.random.default_rng(seed)
    cumulative = np.zeros((runs, weeks), dtype=np.int32)
    for first in range(0, runs, chunk):
        size = min(chunk, runs - first)
        when = np.repeat(base[:, None], size, axis=1)
        s_scale, s_background = scale[first : first + size], background[first : first + size]
        for s in range(weeks):
            lag = s - when.astype(np.int64)
            pressure = pmf_at[np.where((lag >= 1) & (lag <= k_max), lag, k_max + 1)]
            hazard = (s_background + (into @ pressure) * s_scale) * (frac if s == 0 else 1.0)
            waiting = when == _NEVER
            fresh = waiting & (coins.random((n, size)) < -np.expm1(-hazard))
            fresh |= waiting & (forced == s)[:, None]
            when[fresh] = s
            cumulative[first : first + size, s] = (when <= s).sum(axis=0)
    low, median, high = np.quantile(cumulative, [0.05, 0.5, 0.95], axis=0)
    return StaggeredForecast(
        median=median,
        low=low,
        high=high,
        mean=cumulative.mean(axis=0),
        cumulative=cumulative,
        start=int(adopted.sum()),
        seed=seed,
    )
