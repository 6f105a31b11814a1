"""Logit AMEs, their cluster-robust CIs and the mediation bootstrap, against known truths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from peerwheel.engine.study import (
    TrueEffects,
    fit_outcome,
    load_instrument,
    mediation_analysis,
    score_scales,
    simulate_responses,
    true_effects,
    validate_responses,
)
from peerwheel.engine.study.logit import logit_newton
from peerwheel.engine.study.scoring import build_design

INSTRUMENT = load_instrument()
CONSTRUCTS = INSTRUMENT.construct_keys
OUTCOMES = ("heavy_user", "agent_user")


def _design(df: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The design `validate_responses` builds (no small groups to pool at these sizes)."""
    design = build_design(
        score_scales(df, INSTRUMENT), df, controls=("department", "level"), training=True
    )
    return design, df["team"].factorize()[0]


@pytest.fixture(scope="module")
def truth() -> TrueEffects:
    return true_effects(n=200_000, seed=1)


def test_ame_and_its_cluster_robust_error_match_statsmodels_get_margeff() -> None:
    df = simulate_responses(300, seed=5)
    v = validate_responses(df, INSTRUMENT)
    fit = fit_outcome(v.design, v.data["heavy_user"], constructs=CONSTRUCTS, groups=v.groups)
    x = sm.add_constant(v.design.to_numpy(dtype=float))
    res = sm.Logit(v.data["heavy_user"].to_numpy(dtype=float), x).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": v.groups}
    )
    margeff = res.get_margeff(at="overall", method="dydx")
    assert [e.ame for e in fit.effects] == pytest.approx(margeff.margeff[:5], rel=1e-8)
    assert [e.se for e in fit.effects] == pytest.approx(margeff.margeff_se[:5], rel=1e-6)
    assert fit.cov_type == "cluster" and fit.n_clusters == 40


def test_without_teams_the_errors_are_robust_but_unclustered() -> None:
    df = simulate_responses(300, seed=5).drop(columns="team")
    v = validate_responses(df, INSTRUMENT)
    assert v.groups is None
    assert any("No team column" in w for w in v.warnings)
    fit = fit_outcome(v.design, v.data["agent_user"], constructs=CONSTRUCTS, groups=None)
    assert fit.cov_type == "HC0" and fit.n_clusters is None


def test_vectorised_newton_matches_statsmodels_and_weights_act_as_duplicated_rows() -> None:
    df = simulate_responses(200, seed=8)
    design, _ = _design(df)
    x = np.column_stack([np.ones(len(design)), design.to_numpy()])
    y = df["agent_user"].to_numpy(dtype=float)
    params = sm.Logit(y, x).fit(disp=0).params
    counts = np.random.default_rng(0).integers(0, 3, size=len(y))
    beta, _ = logit_newton(x, y, np.vstack([np.ones(len(y)), counts]))
    assert beta[0] == pytest.approx(params, rel=1e-6)
    rows = np.repeat(np.arange(len(y)), counts)
    assert beta[1] == pytest.approx(sm.Logit(y[rows], x[rows]).fit(disp=0).params, rel=1e-6)


def test_mediation_bootstrap_is_reproducible_from_its_seed() -> None:
    df = simulate_responses(300, seed=9)
    design, groups = _design(df)
    run = [
        mediation_analysis(design, df["heavy_user"], groups=groups, n_boot=200, seed=s)
        for s in (4, 4, 5)
    ]
    assert run[0] == run[1]
    assert run[0].indirect == run[2].indirect  # the point estimate does not depend on the seed
    assert run[0].indirect_ci_low != run[2].indirect_ci_low
    assert run[0].indirect == pytest.approx(run[0].a * run[0].b)
    assert run[0].cluster_bootstrap and run[0].n_boot_failed == 0


@pytest.mark.slow
def test_simulator_is_calibrated_to_the_published_benchmark(truth: TrueEffects) -> None:
    assert truth.ame["heavy_user"]["peer_influence"] == pytest.approx(0.089, abs=0.005)
    assert truth.ame["agent_user"]["peer_influence"] == pytest.approx(0.104, abs=0.005)
    for outcome in OUTCOMES:
        assert truth.ame_latent[outcome]["leader_mandate"] == 0.0
        # Measurement error leaks a little of peer influence onto its correlate, mandate.
        assert 0 < truth.ame[outcome]["leader_mandate"] < 0.01
        # ... and attenuates the effect of the mis-measured construct itself.
        assert truth.ame[outcome]["peer_influence"] < truth.ame_latent[outcome]["peer_influence"]


@pytest.mark.slow
def test_ame_ci_covers_the_true_ame_in_at_least_90_of_100_replications(
    truth: TrueEffects,
) -> None:
    covered = dict.fromkeys(((o, c) for o in OUTCOMES for c in CONSTRUCTS), 0)
    for rep in range(100):
        df = simulate_responses(400, seed=1000 + rep, n_teams=40)
        design, groups = _design(df)
        for outcome in OUTCOMES:
            fit = fit_outcome(
                design, df[outcome], constructs=CONSTRUCTS, groups=groups, outcome=outcome
            )
            for e in fit.effects:
                covered[outcome, e.construct] += (
                    e.ci_low <= truth.ame[outcome][e.construct] <= e.ci_high
                )
    assert min(covered.values()) >= 90, covered


@pytest.mark.slow
def test_mediation_ci_covers_the_true_indirect_and_direct_effects(truth: TrueEffects) -> None:
    df = simulate_responses(1500, seed=77, n_teams=100)
    design, groups = _design(df)
    for outcome in OUTCOMES:
        m = mediation_analysis(
            design,
            df[outcome],
            groups=groups,
            n_boot=400,
            seed=3,
            outcome=outcome,
        )
        assert m.indirect_ci_low <= truth.indirect[outcome] <= m.indirect_ci_high
        assert m.direct_ci_low <= truth.direct[outcome] <= m.direct_ci_high
        assert m.indirect_ci_low > 0  # mandates do act through peers in the generating model
