"""The forecast: the next weeks of cumulative adopters from the organisation's own cascade.

The model is the one the ground-truth cascades are drawn from (cascades.py), calibrated to the
observed cascade: each week a person who has not adopted adopts with probability
1 − exp(−h), h = background_rate + Σ transmission_per_tie · w(A, B) · g(k) over adopted ties A,
k the weeks since A adopted (g the generation interval pmf over weeks 1..K; g[0] is ignored)
and w the tie weight (1 when the network is unweighted). It is run by Monte Carlo from today's
adopters on today's ties: an adopter still inside their generation window keeps transmitting,
and since nobody they could still convert has adopted yet, each tie's remaining hazard is
fresh (memoryless).

Each run is an earliest-arrival search, not a week-by-week sweep. With independent hazards per
tie and week, B adopts in the first week in which some tie (or the background) fires, so a
tie's first firing week after A adopts can be drawn once, from one uniform: E = −log(1 − U),
the first k with transmission · w · G(k) ≥ E (G the cumulative pmf), or never. Each tie is
thus looked at once per run, when its source adopts, and only if its target has not adopted
yet. Coins are counter-based hashes of (run key, tie) and (run key, person), as in the
diffusion kernels, so runs are independent of the thread that drew them, and a what-if run
shares every coin with its baseline run (common random numbers): forecast_variants computes
what-ifs from their baseline runs, relaxing only the ties of people who move earlier
(_forecast_kernels.py holds the compiled code).

The as-of week is week 0 of the forecast: if the as-of day falls inside it, only the rest of
the week is simulated (its hazard scaled by the share of the week left).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerwheel.engine.flywheel import _forecast_kernels
from peerwheel.engine.flywheel.attribution import Attribution
from peerwheel.engine.flywheel.data import AdoptionData

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_NEVER = _forecast_kernels.NEVER  # not adopted (within any horizon we simulate)
_OLDEST = -30000  # adoption weeks older than this (relative) are clipped: long past the window
MAX_WEEKS = 520


@dataclass(frozen=True, eq=False)
class Forecast:
    """Cumulative adopters by the end of each week ahead, over the Monte Carlo runs.

    Attributes:
        weeks: week indices (day // 7); the first is the as-of week.
        median, low, high: the median and the 5% and 95% quantiles over runs.
        mean: the mean over runs.
        start: adopters before the as-of day, plus any extra adopters.
        people: the people in the network (nobody else can adopt in the model).
        cumulative: every run's curve, shape (runs, weeks).
        seed: the seed the run keys were drawn from.
    """

    weeks: I64
    median: F64
    low: F64
    high: F64
    mean: F64
    start: int
    people: int
    cumulative: I32
    seed: int

    @property
    def runs(self) -> int:
        return int(self.cumulative.shape[0])

    def week_reaching(self, count: float) -> int | None:
        """The first week by whose end the median reaches `count` adopters (the as-of week if
        already there), or None when not within the forecast."""
        if self.start >= count:
            return int(self.weeks[0])
        hit = np.flatnonzero(self.median >= count)
        return int(self.weeks[hit[0]]) if hit.size else None


def _check_model(
    transmission_per_tie: float, generation_pmf: npt.ArrayLike, background_rate: float
) -> F64:
    pmf = np.asarray(generation_pmf, dtype=np.float64)
    if pmf.ndim != 1 or pmf.size < 2:
        raise ValueError("generation_pmf: one probability per week of gap, weeks 0..K (K >= 1)")
    if not np.all(np.isfinite(pmf)) or (pmf < 0).any():
        raise ValueError("generation_pmf: probabilities must be finite and not negative")
    for name, value in (
        ("transmission_per_tie", transmission_per_tie),
        ("background_rate", background_rate),
    ):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and not negative, got {value}")
    pmf = pmf.copy()
    pmf[0] = 0.0  # a gap of 0 weeks: the adopter transmits from the week after adopting
    return pmf


@dataclass(frozen=True, eq=False)
class _Setup:
    """The model and today's state, as the kernels read them."""

    pmf: F64
    base: npt.NDArray[np.int16]  # adoption week relative to the as-of week; _NEVER for none
    start: int
    w0: int
    frac: float  # share of the as-of week still ahead
    source_rate: F64  # per person u: transmission · u's source factor (per unit of weight)
    scale: F64  # per run: the transmission's multiplier (1 without uncertainty)
    background: F64  # per run: the background rate
    weeks: int


def _multipliers(cv: float, runs: int, rng: np.random.Generator) -> F64:
    """Per-run multipliers of mean 1 and coefficient of variation cv: gamma(1/cv², cv²)."""
    if not (np.isfinite(cv) and cv >= 0):
        raise ValueError(f"a coefficient of variation must be finite and >= 0, got {cv}")
    if cv == 0:
        return np.ones(runs)
    return rng.gamma(1.0 / cv**2, cv**2, size=runs)


def _extra(data: AdoptionData, people: npt.ArrayLike) -> I64:
    """Extra adopters: distinct people who have not adopted."""
    n = data.n_people
    extra = np.unique(np.asarray(people, dtype=np.int64))
    if extra.size and (extra.min() < 0 or extra.max() >= n):
        raise ValueError(f"extra_adopters: a person outside 0..{n - 1}")
    adopted = data.adoption_day[extra] >= 0
    if adopted.any():
        raise ValueError(f"extra_adopters: person {int(extra[adopted][0])} has already adopted")
    return extra


def _setup(
    data: AdoptionData,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    weeks: int,
    runs: int,
    extra_adopters: npt.ArrayLike | None,
    source_factor: npt.ArrayLike | None,
    seed: int,
    cvs: tuple[float, float],
) -> _Setup:
    pmf = _check_model(transmission_per_tie, generation_pmf, background_rate)
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}, got {weeks}")
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    n = data.n_people
    w0 = data.as_of_day // 7
    adopted = data.adoption_day >= 0
    rel = np.where(adopted, data.adoption_day // 7 - w0, int(_NEVER))
    base = np.maximum(rel, _OLDEST).astype(np.int16)
    start = int(adopted.sum())
    if extra_adopters is not None:
        extra = _extra(data, extra_adopters)
        base[extra] = 0
        start += int(extra.size)
    source_rate = np.full(n, float(transmission_per_tie))
    if source_factor is not None:
        factor = np.asarray(source_factor, dtype=np.float64)
        if factor.shape != (n,) or not np.all(np.isfinite(factor)) or (factor < 0).any():
            raise ValueError(f"source_factor: one finite factor >= 0 per person ({n})")
        source_rate *= factor
    frac = (7 * (w0 + 1) - data.as_of_day) / 7.0
    rng = np.random.default_rng([seed, 1])  # apart from the run keys (SeedSequence entropy)
    scale = _multipliers(cvs[0], runs, rng)
    background = background_rate * _multipliers(cvs[1], runs, rng)
    return _Setup(pmf, base, start, w0, frac, source_rate, scale, background, weeks)


def _summarise(new: I32, setup: _Setup, people: int, seed: int, extra: int = 0) -> Forecast:
    start = setup.start + extra
    cumulative = (start + np.cumsum(new, axis=1)).astype(np.int32)
    low, median, high = np.quantile(cumulative, [0.05, 0.5, 0.95], axis=0)
    weeks = new.shape[1]
    return Forecast(
        weeks=np.arange(setup.w0, setup.w0 + weeks, dtype=np.int64),
        median=median,
        low=low,
        high=high,
        mean=cumulative.mean(axis=0),
        start=start,
        people=people,
        cumulative=cumulative,
        seed=seed,
    )


def forecast(
    data: AdoptionData,
    *,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    weeks: int = 12,
    runs: int = 1000,
    seed: int = 0,
    extra_adopters: npt.ArrayLike | None = None,
    source_factor: npt.ArrayLike | None = None,
    transmission_cv: float = 0.0,
    background_cv: float = 0.0,
) -> Forecast:
    """Monte Carlo forecast of cumulative adopters for the as-of week and the weeks after it.

    `extra_adopters` (person indices) adopt now, in the as-of week: the what-if's champions.
    The same seed gives the same coins, so a what-if differs from its baseline only by what
    its extra adopters set off. `source_factor` (per person, default 1) scales what each
    adopter transmits, for spreaders known to transmit more.

    `transmission_cv` and `background_cv` are the estimates' relative standard errors: each run
    then draws its own transmission and background (gamma, mean the estimate), so the band
    holds the estimates' uncertainty as well as the cascade's chance (`uncertainty` gives
    them from an attribution).
    """
    setup = _setup(
        data, transmission_per_tie, generation_pmf, background_rate, weeks, runs,
        extra_adopters, source_factor, seed, (transmission_cv, background_cv),
    )  # fmt: skip
    return _simulate(data, setup, seed, [])[0]


def _simulate(data: AdoptionData, setup: _Setup, seed: int, variants: list[I64]) -> list[Forecast]:
    """The baseline and each variant (extra people adopting in week 0), from the same coins."""
    pmf, base = setup.pmf, setup.base
    k_max = pmf.size - 1
    runs, weeks = setup.scale.size, setup.weeks
    active = np.flatnonzero((base <= 0) & (base >= -k_max)).astype(np.int32)
    keys = np.random.default_rng(seed).integers(0, 2**63 - 1, size=runs).astype(np.uint64)
    sizes = [v.size for v in variants]
    new = _forecast_kernels.simulate(
        data.indptr.astype(np.int64),
        data.indices.astype(np.int32),
        np.zeros(0, np.float32) if data.weights is None else data.weights.astype(np.float32),
        setup.source_rate,
        pmf,
        np.append(np.cumsum(pmf), np.inf),  # a sentinel past week K: the search always stops
        base,
        active,
        setup.frac,
        setup.background,
        setup.scale,
        keys,
        weeks,
        np.r_[0, np.cumsum(sizes)].astype(np.int64),
        np.concatenate([np.zeros(0, np.int64), *variants]).astype(np.int32),
        min(runs, numba.get_num_threads()),
    )
    return [
        _summarise(new[i], setup, data.n_people, seed, extra) for i, extra in enumerate([0, *sizes])
    ]


def forecast_variants(
    data: AdoptionData,
    variants: Sequence[npt.ArrayLike],
    *,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    weeks: int = 12,
    runs: int = 1000,
    seed: int = 0,
    source_factor: npt.ArrayLike | None = None,
    transmission_cv: float = 0.0,
    background_cv: float = 0.0,
) -> list[Forecast]:
    """The forecast and, in the same pass, the forecast with each set of extra adopters in
    `variants` adopting now: [baseline, variant 1, ...]. Equal, run for run, to forecast()
    with extra_adopters, but each variant costs only what its extra adopters change."""
    setup = _setup(
        data, transmission_per_tie, generation_pmf, background_rate, weeks, runs,
        None, source_factor, seed, (transmission_cv, background_cv),
    )  # fmt: skip
    return _simulate(data, setup, seed, [_extra(data, v) for v in variants])


def forecast_numpy(
    data: AdoptionData,
    *,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    weeks: int = 12,
    runs: int = 1000,
    seed: int = 0,
    extra_adopters: npt.ArrayLike | None = None,
    source_factor: npt.ArrayLike | None = None,
    transmission_cv: float = 0.0,
    background_cv: float = 0.0,
    chunk: int = 100,
) -> Forecast:
    """The same model swept week by week in plain numpy and scipy: every person's hazard each
    week from a sparse product, a coin per person and week. The reference the compiled
    forecast is tested and benchmarked against (its coins differ: equal in distribution)."""
    setup = _setup(
        data, transmission_per_tie, generation_pmf, background_rate, weeks, runs,
        extra_adopters, source_factor, seed, (transmission_cv, background_cv),
    )  # fmt: skip
    n = data.n_people
    k_max = setup.pmf.size - 1
    pmf_at = np.append(setup.pmf, 0.0)  # lag K + 1 and beyond: out of the window
    rate = np.repeat(setup.source_rate, np.diff(data.indptr)) * data.tie_weights
    into = sp.csr_array((rate, data.indices, data.indptr), shape=(n, n)).T.tocsr()
    rng = np.random.default_rng(seed)
    new = np.zeros((runs, weeks), dtype=np.int32)
    for first in range(0, runs, chunk):
        size = min(chunk, runs - first)
        week = np.repeat(setup.base[:, None].astype(np.int32), size, axis=1)
        scale = setup.scale[first : first + size]
        background = setup.background[first : first + size]
        for s in range(weeks):
            lag = s - week
            pressure = pmf_at[np.where((lag >= 1) & (lag <= k_max), lag, k_max + 1)]
            hazard = (background + (into @ pressure) * scale) * (setup.frac if s == 0 else 1.0)
            fresh = (week == _NEVER) & (rng.random((n, size)) < -np.expm1(-hazard))
            week[fresh] = s
            new[first : first + size, s] = fresh.sum(axis=0)
    return _summarise(new, setup, n, seed)


def uncertainty(attribution: Attribution) -> tuple[float, float]:
    """Relative standard errors of an attribution's transmission and background rate, as for
    Poisson rates: 1/√(adoptions credited to ties) and 1/√(adoptions credited to starting
    alone); 1.0 for a rate resting on less than one adoption."""
    peer = float(attribution.credit[attribution.source >= 0].sum())
    alone = float(attribution.credit[attribution.source < 0].sum())
    return tuple(1.0 / np.sqrt(c) if c >= 1.0 else 1.0 for c in (peer, alone))  # type: ignore[return-value]
