"""How many colleagues each adopter brings in: Flywheel R and its curve-only companions.

- Flywheel R: mean credit (attribution.py) per adopter whose window has closed (adopted at
  least 35 days before the as-of date), with a percentile-bootstrap interval over those adopters.
- Wallinga and Teunis (2004) case R from weekly new adopters: each new adopter of week s is
  shared among earlier weeks u in proportion to I[u] * w[s - u]; a week's case R is what its
  adopters received per adopter. Its interval draws the ancestries (as EpiEstim does).
  Imported cases (EpiEstim's term: the seeded, and the background adopters when attribution
  has estimated them) are shared out to nobody: without them the curve counts everyone who
  started alone as brought in, and is biased high by that share.
- Cori et al. (2013) instantaneous R_t: gamma posterior over sliding windows with EpiEstim's
  default prior (mean 5, sd 5), Lambda_t = sum_s w[s] * I[t - s].
- The shuffled-timing baseline: adoption dates permuted among adopters and attribution re-run;
  the R that timing by chance would give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from peerwheel.engine.flywheel.attribution import Attribution, attribute
from peerwheel.engine.flywheel.data import F64, I64, AdoptionData

CLOSED_AFTER_DAYS = 35


@dataclass(frozen=True)
class REstimate:
    """An R with its interval, over `adopters` adopters (NaN when there are none)."""

    value: float
    low: float
    high: float
    adopters: int


@dataclass(frozen=True)
class GroupR:
    """Flywheel R of one group's adopters; values are NaN when `suppressed` (too few)."""

    group: int
    value: float
    low: float
    high: float
    adopters: int
    suppressed: bool


@dataclass(frozen=True)
class RtSeries:
    """Cori's R_t per window [t_start, t_end] (indices into the incidence, inclusive)."""

    t_start: I64
    t_end: I64
    mean: F64
    std: F64
    median: F64
    low: F64
    high: F64


def _bootstrap(values: F64, level: float, resamples: int, seed: int) -> tuple[float, float]:
    """Percentile interval of the mean, resampling the values (in chunks to bound memory)."""
    n = values.shape[0]
    if n == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    chunk = max(1, 2_000_000 // n)
    means = []
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        means.append(values[rng.integers(0, n, size=(size, n))].mean(axis=1))
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(np.concatenate(means), [alpha, 1.0 - alpha])
    return float(low), float(high)


def _closed(data: AdoptionData, closed_after_days: int) -> npt.NDArray[np.bool_]:
    return data.adopted & (data.adoption_day <= data.as_of_day - closed_after_days)


def flywheel_r(
    data: AdoptionData,
    attribution: Attribution,
    *,
    closed_after_days: int = CLOSED_AFTER_DAYS,
    level: float = 0.9,
    resamples: int = 1000,
    seed: int = 0,
) -> REstimate:
    """Mean credit per adopter adopted at least `closed_after_days` before the as-of date."""
    closed = _closed(data, closed_after_days)
    values = attribution.brought_in(data.n_people)[closed]
    if values.size == 0:
        return REstimate(float("nan"), float("nan"), float("nan"), 0)
    low, high = _bootstrap(values, level, resamples, seed)
    return REstimate(float(values.mean()), low, high, int(values.size))


def flywheel_r_by_group(
    data: AdoptionData,
    attribution: Attribution,
    group: npt.ArrayLike,
    *,
    min_group: int,
    closed_after_days: int = CLOSED_AFTER_DAYS,
    level: float = 0.9,
    resamples: int = 1000,
    seed: int = 0,
) -> list[GroupR]:
    """Flywheel R per group (of the adopter, not of whom they brought in), every group with a
    closed adopter listed; fewer than `min_group` of them: suppressed. Group -1 is skipped."""
    codes = np.asarray(group, dtype=np.int64)
    if codes.shape != (data.n_people,):
        raise ValueError(f"group: expected one value per person ({data.n_people})")
    closed = _closed(data, closed_after_days)
    brought = attribution.brought_in(data.n_people)
    out = []
    for g in np.unique(codes[closed & (codes >= 0)]):
        values = brought[closed & (codes == g)]
        if values.size < min_group:
            out.append(GroupR(int(g), np.nan, np.nan, np.nan, int(values.size), True))
            continue
        low, high = _bootstrap(values, level, resamples, seed)
        out.append(GroupR(int(g), float(values.mean()), low, high, int(values.size), False))
    return out


def weekly_new_adopters(data: AdoptionData, *, complete_only: bool = True) -> I64:
    """New adopters per week since the origin (index = week); the as-of week only if asked."""
    weeks = data.as_of_day // 7 if complete_only else -(-data.as_of_day // 7)
    week = data.adoption_week
    week = week[(week >= 0) & (week < weeks)]
    return np.bincount(week, minlength=weeks).astype(np.int64)


def _pmf(generation_pmf: npt.ArrayLike, length: int) -> F64:
    w = np.asarray(generation_pmf, dtype=np.float64)
    if w.ndim != 1 or (w < 0).any() or w.sum() <= 0:
        raise ValueError("generation_pmf: non-negative weights with a positive sum expected")
    if w[0] != 0:
        raise ValueError("generation_pmf: the weight of a gap of 0 must be 0")
    out = np.zeros(max(length, w.shape[0]))
    out[: w.shape[0]] = w / w.sum()
    return out


def _infection_pressure(incidence: F64, w: F64) -> F64:
    """Lambda_t = sum_s w[s] * I[t - s]."""
    if incidence.shape[0] == 0:
        return np.zeros(0)
    return np.convolve(incidence, w)[: incidence.shape[0]]


def imported_adopters(data: AdoptionData, attribution: Attribution | None = None) -> F64:
    """Per week (as weekly_new_adopters): adopters nobody brought in, the seeded and, when an
    attribution is given, its background credit (people who started alone)."""
    weeks = data.as_of_day // 7
    seeded = data.adoption_week[data.seeded]
    out = np.bincount(seeded[seeded < weeks], minlength=weeks).astype(np.float64)
    if attribution is not None:
        alone = attribution.source < 0
        week = data.adoption_week[attribution.target[alone]]
        keep = week < weeks
        out += np.bincount(week[keep], weights=attribution.credit[alone][keep], minlength=weeks)
    return out


def _local(inc: F64, imported: npt.ArrayLike | None) -> F64:
    if imported is None:
        return inc
    imp = np.asarray(imported, dtype=np.float64)
    if imp.shape != inc.shape:
        raise ValueError(f"imported: expected {inc.shape[0]} values, one per step")
    if (imp < 0).any() or (imp > inc + 1e-9).any():
        raise ValueError("imported: between 0 and the incidence of each step")
    return np.clip(inc - imp, 0.0, None)


def wallinga_teunis_case_r(
    incidence: npt.ArrayLike, generation_pmf: npt.ArrayLike, imported: npt.ArrayLike | None = None
) -> F64:
    """Case R per time step: the expected number of later cases each case of step u caused.

    Imported cases (EpiEstim's term; here: the seeded and those who started alone) cause later
    cases but were caused by none."""
    inc = np.asarray(incidence, dtype=np.float64)
    t_len = inc.shape[0]
    w = _pmf(generation_pmf, t_len + 1)
    lam = _infection_pressure(inc, w)
    local = _local(inc, imported)
    ratio = np.divide(local, lam, out=np.zeros(t_len), where=lam > 0)
    # R[u] = sum over s of w[s - u] * local[s] / Lambda[s]
    return np.correlate(ratio, w[:t_len], mode="full")[t_len - 1 :]


def wallinga_teunis_r(
    incidence: npt.ArrayLike,
    generation_pmf: npt.ArrayLike,
    *,
    imported: npt.ArrayLike | None = None,
    open_weeks: int = 5,
    level: float = 0.9,
    n_sim: int = 1000,
    seed: int = 0,
) -> REstimate:
    """Case R averaged over the cases of all but the last `open_weeks` steps (whose offspring
    may still come), with an interval from simulated ancestries (EpiEstim's method)."""
    inc = np.asarray(incidence, dtype=np.float64)
    t_len = inc.shape[0]
    closed = max(t_len - open_weeks, 0)
    n_closed = float(inc[:closed].sum())
    if n_closed == 0:
        return REstimate(float("nan"), float("nan"), float("nan"), 0)
    case_r = wallinga_teunis_case_r(inc, generation_pmf, imported)
    value = float((case_r[:closed] * inc[:closed]).sum() / n_closed)
    w = _pmf(generation_pmf, t_len + 1)
    local = np.rint(_local(inc, imported)).astype(np.int64)
    rng = np.random.default_rng(seed)
    offspring = np.zeros((n_sim, closed))
    for s in range(1, t_len):
        weights = w[s - np.arange(s)] * inc[:s]
        if local[s] == 0 or weights.sum() <= 0:
            continue  # nobody to draw, or no possible ancestor
        draws = rng.multinomial(local[s], weights / weights.sum(), size=n_sim)
        upto = min(s, closed)
        offspring[:, :upto] += draws[:, :upto]
    sims = offspring.sum(axis=1) / n_closed
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(sims, [alpha, 1.0 - alpha])
    return REstimate(value, float(low), float(high), round(n_closed))


def cori_rt(
    incidence: npt.ArrayLike,
    generation_pmf: npt.ArrayLike,
    *,
    imported: npt.ArrayLike | None = None,
    window: int = 4,
    prior_mean: float = 5.0,
    prior_sd: float = 5.0,
    level: float = 0.9,
) -> RtSeries:
    """Instantaneous R_t over sliding windows of `window` steps, as EpiEstim's estimate_R:
    windows start at step 1 (step 0 counts as imported) and end at the last step; imported
    cases add to the pressure Lambda but not to the cases R_t explains."""
    inc = np.asarray(incidence, dtype=np.float64)
    t_len = inc.shape[0]
    if window < 1:
        raise ValueError("window: at least 1 step")
    w = _pmf(generation_pmf, t_len + 1)
    lam = _infection_pressure(inc, w)
    local = _local(inc, imported)
    t_start = np.arange(1, max(t_len - window + 1, 1), dtype=np.int64)
    t_end = t_start + window - 1
    cum_i = np.concatenate([[0.0], np.cumsum(local)])
    cum_l = np.concatenate([[0.0], np.cumsum(lam)])
    shape_prior = (prior_mean / prior_sd) ** 2
    scale_prior = prior_sd**2 / prior_mean
    shape = shape_prior + cum_i[t_end + 1] - cum_i[t_start]
    scale = 1.0 / (1.0 / scale_prior + cum_l[t_end + 1] - cum_l[t_start])
    alpha = (1.0 - level) / 2.0
    return RtSeries(
        t_start=t_start,
        t_end=t_end,
        mean=shape * scale,
        std=np.sqrt(shape) * scale,
        median=stats.gamma.ppf(0.5, shape, scale=scale),
        low=stats.gamma.ppf(alpha, shape, scale=scale),
        high=stats.gamma.ppf(1.0 - alpha, shape, scale=scale),
    )


def shuffled_baseline_r(
    data: AdoptionData,
    *,
    seed: int = 0,
    runs: int = 20,
    closed_after_days: int = CLOSED_AFTER_DAYS,
) -> float:
    """Flywheel R with the adoption dates permuted among the adopters (a seeded date stays
    seeded), attribution re-run; the mean over `runs` permutations."""
    adopters = np.flatnonzero(data.adopted)
    if adopters.size == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(runs):
        order = rng.permutation(adopters.shape[0])
        day = data.adoption_day.copy()
        seeded = data.seeded.copy()
        day[adopters] = data.adoption_day[adopters[order]]
        seeded[adopters] = data.seeded[adopters[order]]
        shuffled = AdoptionData(**{**vars(data), "adoption_day": day, "seeded": seeded})
        brought = attribute(shuffled).brought_in(data.n_people)
        closed = _closed(shuffled, closed_after_days)
        values.append(float(brought[closed].mean()) if closed.any() else np.nan)
    finite = [v for v in values if not np.isnan(v)]
    return float(np.mean(finite)) if finite else float("nan")
