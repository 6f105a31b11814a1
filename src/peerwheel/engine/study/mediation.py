"""Mediation view: leader mandate → peer influence → use, with a cluster bootstrap CI.

Product of coefficients on the probability scale:
- a: change in the mediator (in SD) per SD of the exposure, from an OLS of the z-scored mediator
  on the exposure and every other predictor of the outcome model;
- b: AME of +1 SD of the mediator in the outcome logit (which includes the exposure);
- indirect = a·b (probability per SD of exposure), direct = AME of the exposure in that logit,
  total = indirect + direct.

The CI is a percentile bootstrap. Resampling whole teams (a cluster bootstrap) is a reweighting
of respondents by how often their team was drawn, so every replicate is a weighted fit on the
same rows, vectorised over replicates. Each replicate re-standardises the constructs (a weighted
SD), which rescales coefficients without refitting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from peerwheel.engine.study.logit import logit_newton, weighted_gram_basis

DEFAULT_EXPOSURE = "leader_mandate"
DEFAULT_MEDIATOR = "peer_influence"
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class MediationResult:
    outcome: str
    exposure: str
    mediator: str
    a: float
    b: float
    indirect: float
    indirect_ci_low: float
    indirect_ci_high: float
    direct: float
    direct_ci_low: float
    direct_ci_high: float
    total: float
    n: int
    n_boot: int
    n_boot_failed: int
    cluster_bootstrap: bool
    ci_level: float
    seed: int


def mediation_point(
    design: pd.DataFrame, y: np.ndarray, *, exposure: str, mediator: str
) -> tuple[float, float, float]:
    """(a, b, direct) on the full sample, without a bootstrap."""
    est = _estimates(
        design, np.asarray(y, dtype=float), np.ones((1, len(design))), exposure, mediator
    )
    return float(est[0, 0]), float(est[0, 1]), float(est[0, 2])


def mediation_analysis(
    design: pd.DataFrame,
    y: pd.Series | np.ndarray,
    *,
    groups: np.ndarray | None = None,
    exposure: str = DEFAULT_EXPOSURE,
    mediator: str = DEFAULT_MEDIATOR,
    outcome: str = "outcome",
    n_boot: int = 1000,
    seed: int = 42,
    ci_level: float = 0.95,
) -> MediationResult:
    """Indirect and direct effects with percentile CIs from a (team-)cluster bootstrap."""
    yy = np.asarray(y, dtype=float)
    n = len(yy)
    rng = np.random.default_rng(seed)
    cluster = groups is not None
    codes = np.asarray(groups) if groups is not None else np.arange(n)
    _, codes = np.unique(codes, return_inverse=True)
    n_groups = int(codes.max()) + 1
    counts = rng.multinomial(n_groups, np.full(n_groups, 1.0 / n_groups), size=n_boot)
    weights = counts[:, codes].astype(float)

    point = _estimates(design, yy, np.ones((1, n)), exposure, mediator)[0]
    chunk = max(1, _CHUNK_CELLS // (n * (design.shape[1] + 1)))
    boot = np.vstack(
        [
            _estimates(design, yy, weights[i : i + chunk], exposure, mediator)
            for i in range(0, n_boot, chunk)
        ]
    )
    ok = np.isfinite(boot).all(axis=1)
    boot = boot[ok]
    tail = 100 * (1 - ci_level) / 2
    indirect_b = boot[:, 0] * boot[:, 1]
    lo_i, hi_i = np.percentile(indirect_b, [tail, 100 - tail])
    lo_d, hi_d = np.percentile(boot[:, 2], [tail, 100 - tail])
    a, b, direct = (float(v) for v in point)
    return MediationResult(
        outcome=outcome,
        exposure=exposure,
        mediator=mediator,
        a=a,
        b=b,
        indirect=a * b,
        indirect_ci_low=float(lo_i),
        indirect_ci_high=float(hi_i),
        direct=direct,
        direct_ci_low=float(lo_d),
        direct_ci_high=float(hi_d),
        total=a * b + direct,
        n=n,
        n_boot=n_boot,
        n_boot_failed=int((~ok).sum()),
        cluster_bootstrap=cluster,
        ci_level=ci_level,
        seed=seed,
    )


def _estimates(
    design: pd.DataFrame, y: np.ndarray, weights: np.ndarray, exposure: str, mediator: str
) -> np.ndarray:
    """Columns a, b, direct for each row of weights (B, n)."""
    cols = list(design.columns)
    jm, je = cols.index(mediator), cols.index(exposure)
    z = design.to_numpy(dtype=float)
    x = np.column_stack([np.ones(len(z)), z])
    # Rescaling of the exposure and mediator SDs in each replicate, relative to the sample.
    ratio_e = _weighted_sd(z[:, je], weights) / _weighted_sd(z[:, je], np.ones((1, len(z))))
    ratio_m = _weighted_sd(z[:, jm], weights) / _weighted_sd(z[:, jm], np.ones((1, len(z))))

    beta, p = logit_newton(x, y, weights)
    mean_w = (weights * p * (1 - p)).sum(axis=1) / weights.sum(axis=1)
    b = beta[:, 1 + jm] * mean_w * ratio_m
    direct = beta[:, 1 + je] * mean_w * ratio_e

    x_med = np.delete(x, 1 + jm, axis=1)
    je_med = 1 + je - (1 if je > jm else 0)
    # A tiny ridge keeps a replicate solvable when it drew no one from some control category.
    ridge = 1e-10 * np.eye(x_med.shape[1])
    k = x_med.shape[1]
    xtwx = (weights @ weighted_gram_basis(x_med)).reshape(-1, k, k) + ridge
    xtwy = (weights * z[:, jm]) @ x_med
    coef = np.linalg.solve(xtwx, xtwy[:, :, None])[:, :, 0]
    a = coef[:, je_med] * ratio_e / ratio_m
    return np.column_stack([a, b, direct])


def _weighted_sd(v: np.ndarray, weights: np.ndarray) -> np.ndarray:
    total = weights.sum(axis=1)
    mean = (weights @ v) / total
    var = (weights @ (v * v)) / total - mean**2
    return np.sqrt(np.maximum(var, 0.0))
