"""Logit of an outcome on the standardised constructs, and average marginal effects.

The effect of a construct is its average marginal effect (AME) per standard deviation: the
derivative of P(outcome = 1) with respect to the z-scored construct, averaged over respondents,
AME_j = mean_i β_j·p_i·(1 − p_i). It is what Stata's `margins, dydx()` and statsmodels'
`get_margeff(at="overall")` report. Its standard error is the delta method applied to the
cluster-robust (by team) covariance of the coefficients; with G teams, the CI and p-value use
Student's t with G − 1 degrees of freedom.
"""

from __future__ import annotations

import warnings as pywarnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from peerwheel.engine.study.errors import SurveyDataError, SurveyProblem

_NEWTON_TOL = 1e-9
_NEWTON_MAX_ITER = 30


@dataclass(frozen=True)
class Effect:
    """AME of +1 SD of a construct on P(outcome), as a proportion (0.089 = 8.9 points)."""

    outcome: str
    construct: str
    ame: float
    se: float
    ci_low: float
    ci_high: float
    p: float


@dataclass(frozen=True, eq=False)
class OutcomeFit:
    outcome: str
    n: int
    n_clusters: int | None
    cov_type: str
    rate: float
    coef: Mapping[str, float]
    coef_se: Mapping[str, float]
    effects: tuple[Effect, ...]
    converged: bool
    pseudo_r2: float

    def effect(self, construct: str) -> Effect:
        for e in self.effects:
            if e.construct == construct:
                return e
        raise KeyError(construct)


def fit_outcome(
    design: pd.DataFrame,
    y: pd.Series | np.ndarray,
    *,
    constructs: Sequence[str],
    groups: np.ndarray | None = None,
    outcome: str = "outcome",
    ci_level: float = 0.95,
) -> OutcomeFit:
    """Fit the logit with statsmodels and return AMEs of the construct columns.

    `groups` (integer team codes) gives cluster-robust errors; without it, robust (HC0) errors.
    """
    x = np.column_stack([np.ones(len(design)), design.to_numpy(dtype=float)])
    names = ["const", *design.columns]
    yy = np.asarray(y, dtype=float)
    if groups is not None:
        cov_type, cov_kwds = "cluster", {"groups": np.asarray(groups)}
    else:
        cov_type, cov_kwds = "HC0", None
    with pywarnings.catch_warnings(record=True) as caught:
        pywarnings.simplefilter("always")
        model = sm.Logit(yy, x)
        if cov_kwds is None:
            res = model.fit(method="newton", disp=0, maxiter=100, cov_type=cov_type)
        else:
            res = model.fit(
                method="newton", disp=0, maxiter=100, cov_type=cov_type, cov_kwds=cov_kwds
            )
    if any(issubclass(w.category, PerfectSeparationWarning) for w in caught):
        raise SurveyDataError(
            [
                SurveyProblem(
                    f"{outcome} is perfectly predicted by the constructs and controls, so the "
                    "logit has no finite estimate. Collect more responses or remove a control.",
                    column=outcome,
                )
            ]
        )
    converged = bool(res.mle_retvals.get("converged", True)) and not any(
        issubclass(w.category, ConvergenceWarning) for w in caught
    )
    params = np.asarray(res.params)
    cov = np.asarray(res.cov_params())
    idx = [names.index(c) for c in constructs]
    ame, se = ame_delta(x, params, cov, idx)
    # With clustered errors, CIs and p-values use t with G − 1 degrees of freedom (Cameron and
    # Miller, 2015): with a few dozen teams the normal quantile gives CIs that are too narrow.
    n_clusters = None if groups is None else int(np.unique(groups).size)
    dist = stats.norm if n_clusters is None else stats.t(df=max(n_clusters - 1, 1))
    z = dist.ppf(0.5 + ci_level / 2)
    pvals = 2 * dist.sf(np.abs(ame / se))
    effects = tuple(
        Effect(
            outcome=outcome,
            construct=c,
            ame=float(a),
            se=float(s),
            ci_low=float(a - z * s),
            ci_high=float(a + z * s),
            p=float(pv),
        )
        for c, a, s, pv in zip(constructs, ame, se, pvals, strict=True)
    )
    return OutcomeFit(
        outcome=outcome,
        n=len(yy),
        n_clusters=n_clusters,
        cov_type=cov_type,
        rate=float(yy.mean()),
        coef=dict(zip(names, params.tolist(), strict=True)),
        coef_se=dict(zip(names, np.sqrt(np.diag(cov)).tolist(), strict=True)),
        effects=effects,
        converged=converged,
        pseudo_r2=float(res.prsquared),
    )


def ame_delta(
    x: np.ndarray, params: np.ndarray, cov: np.ndarray, idx: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """AMEs (derivative form) of columns `idx` of x, and their delta-method standard errors.

    ∂AME_j/∂β_k = 1[k = j]·mean(w) + β_j·mean(w·(1 − 2p)·x_k), with w = p(1 − p).
    """
    p = 1.0 / (1.0 + np.exp(-(x @ params)))
    w = p * (1.0 - p)
    mean_w = w.mean()
    m = (w * (1.0 - 2.0 * p)) @ x / len(x)
    cols = np.asarray(idx)
    ame = params[cols] * mean_w
    grad = params[cols, None] * m[None, :]
    grad[np.arange(len(cols)), cols] += mean_w
    var = np.einsum("ij,jk,ik->i", grad, cov, grad)
    return ame, np.sqrt(var)


def logit_newton(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logit fits by Newton's method, vectorised over rows of `weights` (B, n).

    Used for bootstrap replicates (a cluster bootstrap is a reweighting). A replicate stops when
    its log-likelihood stops improving, so a nuisance dummy that drifts off to infinity (a
    category that drew only non-users) does not hold back the construct coefficients, which
    have settled by then. Returns coefficients (B, k), NaN where a fit failed, and fitted p.
    """
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    n_rep, k = w.shape[0], x.shape[1]
    outer = weighted_gram_basis(x)
    beta = np.zeros((n_rep, k))
    done = np.zeros(n_rep, dtype=bool)
    ridge = 1e-10 * np.eye(k)
    loglik = np.full(n_rep, -np.inf)
    for _ in range(_NEWTON_MAX_ITER):
        act = np.flatnonzero(~done)  # only the replicates still moving
        if act.size == 0:
            break
        wa, ba = w[act], beta[act]
        eta = np.clip(ba @ x.T, -35.0, 35.0)
        e = np.exp(-eta)
        p = 1.0 / (1.0 + e)
        # log(1 + exp(eta)) = eta + log1p(exp(−eta)), so y·eta − log(1 + exp(eta)) is:
        new = (wa * ((y[None, :] - 1.0) * eta - np.log1p(e))).sum(axis=1)
        settled = np.abs(new - loglik[act]) <= _NEWTON_TOL * (np.abs(new) + 0.1)
        loglik[act] = new
        done[act[settled]] = True
        move = ~settled
        if not move.any():
            break
        act, wa, ba, p = act[move], wa[move], ba[move], p[move]
        grad = (wa * (y[None, :] - p)) @ x
        hess = ((wa * p * (1.0 - p)) @ outer).reshape(-1, k, k) + ridge
        beta[act] = ba + np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
    beta[~done | ~np.isfinite(beta).all(axis=1)] = np.nan
    p = 1.0 / (1.0 + np.exp(-np.clip(beta @ x.T, -35.0, 35.0)))
    return beta, p


def weighted_gram_basis(x: np.ndarray) -> np.ndarray:
    """Row-wise outer products of x, flattened (n, k²): then Xᵀ·diag(w)·X = (w @ basis)."""
    n, k = x.shape
    return (x[:, :, None] * x[:, None, :]).reshape(n, k * k)
