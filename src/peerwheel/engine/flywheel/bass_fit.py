"""The Bass diffusion model (Bass, 1969) fitted to weekly new adopters: the classic baseline.

Cumulative adoption F(t) = (1 − e^−(p+q)t) / (1 + (q/p)·e^−(p+q)t), t in weeks from the first
week of the data; week t's new adopters are m·(F(t + 1) − F(t)). (p, q, m) are fitted by
nonlinear least squares on the weekly counts (Srinivasan and Mason, 1986), with the market
size m bounded by the headcount and by the adopters seen so far, from several starting points
(the sum of squares has flat valleys early in a curve).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import least_squares

F64 = npt.NDArray[np.float64]

_P_BOUNDS = (1e-6, 1.0)
_Q_BOUNDS = (0.0, 3.0)


@dataclass(frozen=True)
class BassFit:
    """A fitted Bass curve.

    Attributes:
        p: innovation (external influence) per week.
        q: imitation (internal influence) per week.
        m: market size, adopters in the end (between the adopters so far and the headcount).
        weeks: how many weeks were fitted; the curve continues from t = weeks.
        rmse: root mean squared error of the fit on the weekly counts.
    """

    p: float
    q: float
    m: float
    weeks: int
    rmse: float

    def cumulative_share(self, t: npt.ArrayLike) -> F64:
        """F(t): the share of the market adopted by week t (t may be fractional)."""
        return bass_share(self.p, self.q, t)


def bass_share(p: float, q: float, t: npt.ArrayLike) -> F64:
    """The continuous Bass F(t) = (1 − e^−(p+q)t) / (1 + (q/p)·e^−(p+q)t)."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    return np.asarray((1.0 - e) / (1.0 + (q / p) * e), dtype=np.float64)


def bass_weekly(p: float, q: float, m: float, weeks: int) -> F64:
    """Expected new adopters in weeks 0..weeks-1: m·(F(t + 1) − F(t))."""
    return m * np.diff(bass_share(p, q, np.arange(weeks + 1)))


def _check_counts(weekly_new: npt.ArrayLike) -> F64:
    counts = np.asarray(weekly_new, dtype=np.float64)
    if counts.ndim != 1:
        raise ValueError(f"weekly_new must be one count per week, got shape {counts.shape}")
    bad = np.flatnonzero(~np.isfinite(counts) | (counts < 0))
    if bad.size:
        raise ValueError(
            f"weekly_new[{bad[0]}] = {counts[bad[0]]:g}: counts must be finite and not negative"
        )
    return counts


def bass_fit(weekly_new: npt.ArrayLike, headcount: int) -> BassFit:
    """Fit (p, q, m) to weekly new adopters (week 0 = the data's first week).

    m is bounded above by the headcount and below by the adopters so far. Needs at least three
    weeks and at least one adopter; raises ValueError saying what is missing otherwise.
    """
    counts = _check_counts(weekly_new)
    if headcount < 1:
        raise ValueError(f"headcount must be at least 1, got {headcount}")
    total = float(counts.sum())
    if counts.size < 3:
        raise ValueError(f"a Bass fit needs at least 3 weeks of adoptions, got {counts.size}")
    if total <= 0:
        raise ValueError("a Bass fit needs at least one adopter")
    if total > headcount:
        raise ValueError(f"{total:g} adopters is more than the headcount of {headcount}")
    weeks = counts.size
    m_low, m_high = total, float(headcount)
    scale = max(1.0, float(counts.max()))

    def residuals(x: F64) -> F64:
        p, q, m = x
        return (bass_weekly(p, q, m, weeks) - counts) / scale

    if m_high - m_low < 1e-9 * m_high:  # everyone has adopted: m is known
        m_high = m_low * (1 + 1e-9) + 1e-9
    lower = np.array([_P_BOUNDS[0], _Q_BOUNDS[0], m_low])
    upper = np.array([_P_BOUNDS[1], _Q_BOUNDS[1], m_high])
    best: tuple[float, F64] = (np.inf, np.array([0.01, 0.3, m_high]))
    for p0 in (0.001, 0.01, 0.05):
        for q0 in (0.1, 0.3, 0.8):
            for m0 in (min(m_high, 1.5 * m_low), 0.5 * (m_low + m_high), m_high):
                x0 = np.clip([p0, q0, m0], lower, upper)
                fit = least_squares(residuals, x0, bounds=(lower, upper), method="trf")
                if fit.cost < best[0]:
                    best = (float(fit.cost), fit.x)
    p, q, m = (float(v) for v in best[1])
    rmse = float(np.sqrt(np.mean((bass_weekly(p, q, m, weeks) - counts) ** 2)))
    return BassFit(p=p, q=q, m=min(m, float(headcount)), weeks=weeks, rmse=rmse)


def bass_curve(fit: BassFit, start_cumulative: float, weeks: int) -> F64:
    """Cumulative adopters by the end of each of the next `weeks` weeks after the fitted ones.

    The curve is continued from the adopters actually seen: the Bass equation
    dN/dt = (p + q·N/m)(m − N) from N = start_cumulative, which is m·F(τ + j + 1) for entry j
    with F(τ) = start/m (the fitted curve moved in time so that it passes through today). A
    start at or above m stays flat.
    """
    if weeks < 0:
        raise ValueError(f"weeks must not be negative, got {weeks}")
    if start_cumulative >= fit.m:
        return np.full(weeks, float(start_cumulative))
    share = max(float(start_cumulative), 0.0) / fit.m
    # invert F: e^-(p+q)τ = (1 − F) / (1 + (q/p)·F)
    tau = -np.log((1.0 - share) / (1.0 + fit.q / fit.p * share)) / (fit.p + fit.q)
    t = tau + np.arange(1, weeks + 1, dtype=np.float64)
    return np.asarray(fit.m * bass_share(fit.p, fit.q, t), dtype=np.float64)
