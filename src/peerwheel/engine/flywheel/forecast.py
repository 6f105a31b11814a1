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
shares every coin with its baseline run (common random numbers).

The as-of week is week 0 of the forecast: if the as-of day falls inside it, only the rest of
the week is simulated (its hazard scaled by the share of the week left).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerwheel.engine.diffusion._kernels import splitmix_compiled
from peerwheel.engine.flywheel.attribution import Attribution
from peerwheel.engine.flywheel.data import AdoptionData

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_NEVER = np.int16(32767)  # not adopted (within any horizon we simulate)
_OLDEST = -30000  # adoption weeks older than this (relative) are clipped: long past the window
_EDGE = 0xD1B54A32D192ED03
_PERSON = 0x8CB92BA72F3D8DD7
_UNIT = 1.0 / 9007199254740992.0  # 2**-53
MAX_WEEKS = 520


@numba.njit(cache=True, inline="always")
def _uniform(key: np.uint64, salt: np.uint64, i: int) -> float:  # pragma: no cover - compiled
    """A uniform on [0, 1) from (run key, what, which): splitmix64 of the mix."""
    return float(splitmix_compiled(key ^ (np.uint64(i) * salt))) * _UNIT


@numba.njit(cache=True, inline="always")
def _push(v: int, s: int, head: I32, nxt: I32, node: I32, npush: int) -> int:  # pragma: no cover
    node[npush] = v
    nxt[npush] = head[s]
    head[s] = npush
    return npush + 1


@numba.njit(cache=True, nogil=True)
def _one_run(
    indptr: I64,
    indices: I32,
    rate: F64,
    window: F64,
    pmf: F64,
    cum: F64,
    base: npt.NDArray[np.int16],
    active: I32,
    susceptible: I32,
    frac: float,
    background: float,
    scale: float,
    key: np.uint64,
    t: npt.NDArray[np.int16],
    head: I32,
    nxt: I32,
    node: I32,
    out: I32,
) -> None:  # pragma: no cover - compiled
    """One run: new adopters per week into out (zeros on entry). t, head, nxt, node: buffers.

    A tie j fires within the window with hazard h = window[j] · scale in all: since
    1 − e^−h <= h, a uniform u >= h never fires, which settles most ties without a logarithm.
    """
    horizon = out.shape[0]
    k_max = pmf.shape[0] - 1
    t[:] = base
    head[:] = -1
    npush = 0
    # starting alone: the first week the background fires (week 0 has frac of a week left)
    if background > 0.0:
        first = background * frac
        within = -np.expm1(-(first + background * (horizon - 1)))
        for i in range(susceptible.shape[0]):
            v = susceptible[i]
            u = _uniform(key, np.uint64(_PERSON), v)
            if u < within:
                e = -np.log1p(-u)
                s = 0 if e < first else 1 + int((e - first) / background)
                if s < horizon and s < t[v]:
                    t[v] = s
                    npush = _push(v, s, head, nxt, node, npush)
    # today's adopters still inside their window: what is left of it, from week 0
    for i in range(active.shape[0]):
        a = active[i]
        wa = int(t[a])
        k0 = max(1, -wa)
        for j in range(indptr[a], indptr[a + 1]):
            v = indices[j]
            if t[v] <= wa + k0:
                continue
            u = _uniform(key, np.uint64(_EDGE), j)
            h = window[j] * scale
            if u >= h:
                continue
            e = -np.log1p(-u)
            if e >= h:
                continue
            need = e / (rate[j] * scale)
            acc = 0.0
            for k in range(k0, k_max + 1):
                acc += pmf[k] * (frac if wa + k == 0 else 1.0)
                if acc >= need:
                    s = wa + k
                    if s < horizon and s < t[v]:
                        t[v] = s
                        npush = _push(v, s, head, nxt, node, npush)
                    break
    # the weeks ahead: each new adopter's ties get their first firing week, once
    for s in range(horizon):
        i = head[s]
        while i >= 0:
            v = node[i]
            i = nxt[i]
            if t[v] != s:
                continue  # moved earlier since it was queued here
            out[s] += 1
            for j in range(indptr[v], indptr[v + 1]):
                x = indices[j]
                if t[x] <= s + 1:
                    continue
                u = _uniform(key, np.uint64(_EDGE), j)
                h = window[j] * scale
                if u >= h:
                    continue
                e = -np.log1p(-u)
                if e >= h:
                    continue
                need = e / (rate[j] * scale)
                k = 1
                while cum[k] < need:
                    k += 1
                s2 = s + k
                if s2 < horizon and s2 < t[x]:
                    t[x] = s2
                    npush = _push(x, s2, head, nxt, node, npush)


@numba.njit(parallel=True, cache=True)
def _runs(
    indptr: I64,
    indices: I32,
    rate: F64,
    window: F64,
    pmf: F64,
    cum: F64,
    base: npt.NDArray[np.int16],
    active: I32,
    susceptible: I32,
    frac: float,
    background: F64,
    scale: F64,
    keys: npt.NDArray[np.uint64],
    horizon: int,
    chunks: int,
) -> I32:  # pragma: no cover - compiled
    """New adopters per run and week: runs split into `chunks` blocks, one buffer set each."""
    runs = keys.shape[0]
    n = base.shape[0]
    out = np.zeros((runs, horizon), dtype=np.int32)
    room = indices.shape[0] + n + 1  # pushes: at most one per tie walked and per person
    for c in numba.prange(chunks):
        t = np.empty(n, dtype=np.int16)
        head = np.empty(horizon, dtype=np.int32)
        nxt = np.empty(room, dtype=np.int32)
        node = np.empty(room, dtype=np.int32)
        for r in range(c * runs // chunks, (c + 1) * runs // chunks):
            _one_run(
                indptr, indices, rate, window, pmf, cum, base, active, susceptible,
                frac, background[r], scale[r], keys[r], t, head, nxt, node, out[r],
            )  # fmt: skip
    return out


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
    rate: F64  # per CSR entry u -> v: transmission · w · source factor of u
    scale: F64  # per run: the transmission's multiplier (1 without uncertainty)
    background: F64  # per run: the background rate


def _multipliers(cv: float, runs: int, rng: np.random.Generator) -> F64:
    """Per-run multipliers of mean 1 and coefficient of variation cv: gamma(1/cv², cv²)."""
    if not (np.isfinite(cv) and cv >= 0):
        raise ValueError(f"a coefficient of variation must be finite and >= 0, got {cv}")
    if cv == 0:
        return np.ones(runs)
    return rng.gamma(1.0 / cv**2, cv**2, size=runs)


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
        extra = np.unique(np.asarray(extra_adopters, dtype=np.int64))
        if extra.size and (extra.min() < 0 or extra.max() >= n):
            raise ValueError(f"extra_adopters: a person outside 0..{n - 1}")
        if adopted[extra].any():
            raise ValueError(
                f"extra_adopters: person {int(extra[adopted[extra]][0])} has already adopted"
            )
        base[extra] = 0
        start += int(extra.size)
    rate = transmission_per_tie * data.tie_weights
    if source_factor is not None:
        factor = np.asarray(source_factor, dtype=np.float64)
        if factor.shape != (n,) or not np.all(np.isfinite(factor)) or (factor < 0).any():
            raise ValueError(f"source_factor: one finite factor >= 0 per person ({n})")
        rate = rate * np.repeat(factor, np.diff(data.indptr))
    frac = (7 * (w0 + 1) - data.as_of_day) / 7.0
    rng = np.random.default_rng([seed, 1])  # apart from the run keys (SeedSequence entropy)
    scale = _multipliers(cvs[0], runs, rng)
    background = background_rate * _multipliers(cvs[1], runs, rng)
    return _Setup(pmf, base, start, w0, frac, rate, scale, background)


def _summarise(new: I32, setup: _Setup, people: int, seed: int) -> Forecast:
    cumulative = (setup.start + np.cumsum(new, axis=1)).astype(np.int32)
    low, median, high = np.quantile(cumulative, [0.05, 0.5, 0.95], axis=0)
    weeks = new.shape[1]
    return Forecast(
        weeks=np.arange(setup.w0, setup.w0 + weeks, dtype=np.int64),
        median=median,
        low=low,
        high=high,
        mean=cumulative.mean(axis=0),
        start=setup.start,
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
    pmf, base, rate = setup.pmf, setup.base, setup.rate
    k_max = pmf.size - 1
    active = np.flatnonzero((base <= 0) & (base >= -k_max)).astype(np.int32)
    susceptible = np.flatnonzero(base == _NEVER).astype(np.int32)
    cum = np.cumsum(pmf)
    keys = np.random.default_rng(seed).integers(0, 2**63 - 1, size=runs).astype(np.uint64)
    new = _runs(
        data.indptr.astype(np.int64),
        data.indices.astype(np.int32),
        np.where(rate > 0, rate, 1.0),
        rate * cum[-1],  # a tie's hazard over the whole window
        pmf,
        np.append(cum, np.inf),  # a sentinel past week K: the search for k always stops
        base,
        active,
        susceptible,
        setup.frac,
        setup.background,
        setup.scale,
        keys,
        weeks,
        min(runs, numba.get_num_threads()),
    )
    return _summarise(new, setup, data.n_people, seed)


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
    into = sp.csr_array((setup.rate, data.indices, data.indptr), shape=(n, n)).T.tocsr()
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
