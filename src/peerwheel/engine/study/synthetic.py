"""Synthetic survey waves with known effects, and the true effects they imply.

Generating model, per respondent i in team t:
- latent constructs L_i ~ N(0, R), correlated by R; a share `team_icc` of each one's variance
  is shared by the team (people in a team see the same leaders and peers);
- each Likert item is the latent read through noise, x* = λ·L + √(1 − λ²)·ε + offset, cut at
  −1.5, −0.5, 0.5, 1.5 into 1–5 (reverse-coded items are written as 6 − x);
- each outcome is Bernoulli(σ(intercept + Σ β_c·L_c + u_t)) with a team intercept u_t ~ N(0, τ²);
- training (no effect on use) is more likely under a stronger mandate.

`true_effects` gives two truths. `ame_latent` is the AME of +1 SD of the latent construct. `ame`
is what `analyze` estimates: the population AME of +1 SD of the observed scale score in the logit
on all scales and controls. They differ because scale scores measure the latents with error
(attenuation, and a little of a mis-measured construct's effect shows up on its correlates), so a
CI is checked against `ame`; the gap is the price of measurement error, which alpha flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from peerwheel.engine.study.instrument import Instrument, load_instrument
from peerwheel.engine.study.logit import logit_newton
from peerwheel.engine.study.mediation import DEFAULT_EXPOSURE, DEFAULT_MEDIATOR, mediation_point
from peerwheel.engine.study.responses import CONTROL_COLUMNS
from peerwheel.engine.study.scoring import build_design, score_scales

DEPARTMENTS = ("Engineering", "Sales", "Finance", "Operations")
LEVELS = ("Individual contributor", "Manager", "Senior leader")
_LEVEL_P = (0.62, 0.26, 0.12)
_CUTS = np.array([-1.5, -0.5, 0.5, 1.5])
_OFFSETS = (0.0, 0.25, -0.25, 0.1, -0.1, 0.2)

# Calibrated so that +1 SD of the observed peer-influence scale moves heavy use by about
# 8.9 points and agent use by about 10.4, with no direct effect of mandates, as published.
DEFAULT_COEFS: Mapping[str, Mapping[str, float]] = {
    "heavy_user": {
        "peer_influence": 0.56,
        "leader_mandate": 0.0,
        "leader_consistency": 0.30,
        "psych_safety": 0.20,
        "fear_behind": -0.25,
    },
    "agent_user": {
        "peer_influence": 0.83,
        "leader_mandate": 0.0,
        "leader_consistency": 0.20,
        "psych_safety": 0.25,
        "fear_behind": -0.20,
    },
}
DEFAULT_INTERCEPTS: Mapping[str, float] = {"heavy_user": -1.0, "agent_user": -1.6}
DEFAULT_CORR: Mapping[tuple[str, str], float] = {
    ("peer_influence", "leader_mandate"): 0.35,
    ("peer_influence", "leader_consistency"): 0.40,
    ("peer_influence", "psych_safety"): 0.35,
    ("peer_influence", "fear_behind"): -0.15,
    ("leader_mandate", "leader_consistency"): 0.45,
    ("leader_mandate", "psych_safety"): 0.10,
    ("leader_mandate", "fear_behind"): 0.20,
    ("leader_consistency", "psych_safety"): 0.30,
    ("leader_consistency", "fear_behind"): -0.10,
    ("psych_safety", "fear_behind"): -0.30,
}


@dataclass(frozen=True)
class SimulationSpec:
    """Parameters of the generating model; coefficients are per SD of the latent construct."""

    true_coefs: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: DEFAULT_COEFS)
    intercepts: Mapping[str, float] = field(default_factory=lambda: DEFAULT_INTERCEPTS)
    construct_corr: Mapping[tuple[str, str], float] = field(default_factory=lambda: DEFAULT_CORR)
    team_icc: float = 0.2
    team_sd: float = 0.5
    loading: float = 0.8
    training_intercept: float = -0.3
    training_mandate_coef: float = 0.8


@dataclass(frozen=True)
class TrueEffects:
    """Population effects under a SimulationSpec, per outcome and construct (proportions)."""

    ame: Mapping[str, Mapping[str, float]]
    ame_latent: Mapping[str, Mapping[str, float]]
    indirect: Mapping[str, float]
    direct: Mapping[str, float]
    n: int
    seed: int


def correlation_matrix(spec: SimulationSpec, constructs: tuple[str, ...]) -> np.ndarray:
    index = {c: k for k, c in enumerate(constructs)}
    r = np.eye(len(constructs))
    for (c1, c2), v in spec.construct_corr.items():
        if c1 in index and c2 in index:
            r[index[c1], index[c2]] = r[index[c2], index[c1]] = v
    if np.linalg.eigvalsh(r).min() <= 0:
        raise ValueError("construct_corr is not a valid correlation matrix (not positive definite)")
    return r


def simulate_responses(
    n: int,
    *,
    seed: int,
    n_teams: int = 40,
    spec: SimulationSpec | None = None,
    instrument: Instrument | None = None,
    peer_influence: np.ndarray | None = None,
    teams: np.ndarray | None = None,
    missing_rate: float = 0.0,
) -> pd.DataFrame:
    """A responses frame in the import format, with known logit coefficients.

    `peer_influence` (length n) fixes each respondent's latent peer influence (it is
    standardised; the other constructs are drawn conditionally on it); `teams` (length n) fixes
    team labels. `missing_rate` blanks that share of item answers at random.
    """
    frame, _ = _simulate(
        n,
        rng=np.random.default_rng(seed),
        n_teams=n_teams,
        spec=spec or SimulationSpec(),
        instrument=instrument or load_instrument(),
        peer_influence=peer_influence,
        teams=teams,
    )
    if missing_rate > 0:
        rng = np.random.default_rng([seed, 1])
        items = [i.key for i in (instrument or load_instrument()).items]
        mask = rng.random((n, len(items))) < missing_rate
        frame[items] = frame[items].astype(float).mask(mask)
    return frame


def true_effects(
    spec: SimulationSpec | None = None,
    *,
    instrument: Instrument | None = None,
    n: int = 200_000,
    team_size: int = 10,
    seed: int = 0,
    exposure: str = DEFAULT_EXPOSURE,
    mediator: str = DEFAULT_MEDIATOR,
) -> TrueEffects:
    """Population effects, computed on one very large simulated sample (Monte Carlo error of
    the order of 0.002 at the default n)."""
    spec = spec or SimulationSpec()
    instrument = instrument or load_instrument()
    frame, eta = _simulate(
        n,
        rng=np.random.default_rng(seed),
        n_teams=max(1, n // team_size),
        spec=spec,
        instrument=instrument,
        peer_influence=None,
        teams=None,
    )
    constructs = instrument.construct_keys
    scores = score_scales(frame, instrument)
    design = build_design(scores, frame, controls=CONTROL_COLUMNS, training=True)
    x = np.column_stack([np.ones(n), design.to_numpy(dtype=float)])
    ame: dict[str, dict[str, float]] = {}
    ame_latent: dict[str, dict[str, float]] = {}
    indirect: dict[str, float] = {}
    direct: dict[str, float] = {}
    for outcome, lin in eta.items():
        y = frame[outcome].to_numpy(dtype=float)
        beta, p = logit_newton(x, y, np.ones((1, n)))
        mean_w = float((p * (1 - p)).mean())
        ame[outcome] = {c: float(beta[0, 1 + k]) * mean_w for k, c in enumerate(constructs)}
        pl = 1.0 / (1.0 + np.exp(-lin))
        wl = float((pl * (1 - pl)).mean())
        coefs = spec.true_coefs.get(outcome, {})
        ame_latent[outcome] = {c: coefs.get(c, 0.0) * wl for c in constructs}
        if exposure in constructs and mediator in constructs:
            a, b, d = mediation_point(design, y, exposure=exposure, mediator=mediator)
            indirect[outcome], direct[outcome] = a * b, d
    return TrueEffects(
        ame=ame, ame_latent=ame_latent, indirect=indirect, direct=direct, n=n, seed=seed
    )


def _simulate(
    n: int,
    *,
    rng: np.random.Generator,
    n_teams: int,
    spec: SimulationSpec,
    instrument: Instrument,
    peer_influence: np.ndarray | None,
    teams: np.ndarray | None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    constructs = instrument.construct_keys
    r = correlation_matrix(spec, constructs)
    if teams is None:
        team_code = rng.permutation(np.arange(n) % n_teams)
        labels = np.array([f"T{t + 1:03d}" for t in range(n_teams)])
        team_label = labels[team_code]
    else:
        team_label = np.asarray(teams).astype(str)
        if team_label.shape != (n,):
            raise ValueError(f"teams must have length n={n}")
        _, team_code = np.unique(team_label, return_inverse=True)
    g = int(team_code.max()) + 1
    icc = spec.team_icc

    def correlated(cov: np.ndarray) -> np.ndarray:
        chol = np.linalg.cholesky(cov)
        between = rng.standard_normal((g, len(cov))) @ chol.T
        within = rng.standard_normal((n, len(cov))) @ chol.T
        return np.sqrt(icc) * between[team_code] + np.sqrt(1 - icc) * within

    if peer_influence is None or "peer_influence" not in constructs:
        latent = correlated(r)
    else:
        given = np.asarray(peer_influence, dtype=float)
        if given.shape != (n,) or not np.isfinite(given).all() or given.std() == 0:
            raise ValueError(f"peer_influence must be {n} finite values that are not all equal")
        zp = (given - given.mean()) / given.std()
        jp = constructs.index("peer_influence")
        others = [k for k in range(len(constructs)) if k != jp]
        r_op = r[others, jp]
        resid_cov = r[np.ix_(others, others)] - np.outer(r_op, r_op)
        latent = np.empty((n, len(constructs)))
        latent[:, jp] = zp
        latent[:, others] = zp[:, None] * r_op[None, :] + correlated(resid_cov)

    lam = spec.loading
    columns: dict[str, np.ndarray] = {
        "team": team_label,
        "department": np.array(DEPARTMENTS)[team_code % len(DEPARTMENTS)],
        "level": rng.choice(np.array(LEVELS), size=n, p=_LEVEL_P),
    }
    top = instrument.scale.min + instrument.scale.max
    for k, construct in enumerate(instrument.constructs):
        for j, item in enumerate(construct.items):
            star = lam * latent[:, k] + np.sqrt(1 - lam**2) * rng.standard_normal(n)
            x = 1 + np.searchsorted(_CUTS, star + _OFFSETS[j % len(_OFFSETS)])
            x = x + instrument.scale.min - 1
            columns[item.key] = top - x if item.reverse else x
    if "leader_mandate" in constructs:
        mandate = latent[:, constructs.index("leader_mandate")]
    else:
        mandate = np.zeros(n)
    p_train = 1 / (1 + np.exp(-(spec.training_intercept + spec.training_mandate_coef * mandate)))
    columns["training"] = (rng.random(n) < p_train).astype(int)

    team_effect = rng.normal(0.0, spec.team_sd, size=g)[team_code]
    eta: dict[str, np.ndarray] = {}
    outcomes: dict[str, np.ndarray] = {}
    for outcome, coefs in spec.true_coefs.items():
        beta = np.array([coefs.get(c, 0.0) for c in constructs])
        eta[outcome] = spec.intercepts.get(outcome, 0.0) + latent @ beta + team_effect
        outcomes[outcome] = (rng.random(n) < 1 / (1 + np.exp(-eta[outcome]))).astype(int)
    heavy = outcomes.get("heavy_user", np.zeros(n, dtype=int))
    columns["frequency"] = np.where(
        heavy == 1,
        rng.choice([4, 5], size=n, p=[0.4, 0.6]),
        rng.choice([1, 2, 3, 4], size=n, p=[0.25, 0.3, 0.3, 0.15]),
    )
    columns.update(outcomes)
    return pd.DataFrame(columns), eta
