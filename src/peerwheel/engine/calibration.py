"""Calibrate the peer coefficients to a survey study's average marginal effects.

A survey study sees one week's cross-section: each respondent's exposure E (the weighted share
of their ties visibly using AI) and whether they are a heavy user or use agents. It fits a
logistic regression of the outcome on standardised exposure and reports the average marginal
effect of +1 SD: the mean over respondents of P(y | z + 1) − P(y | z). We simulate that survey
and solve, by bisection with common random numbers, for the coefficient that reproduces the
published effect (8.9 points on heavy use, 10.4 on agent use by default).

Heavy use depends on beta_peer only (agent use does not feed back into visibility), so
beta_peer is solved first and beta_peer_agent second.

`WORKPLACE_BASE` is the product's default peer model: base rates chosen so that an organisation
with no champions and no program lands, after a year, near Gallup's published US workplace
figures once its peer coefficients are calibrated (`calibrate_workplace`); docs/simulate.md has
the source and the fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from peerwheel.engine.diffusion import peer
from peerwheel.engine.diffusion._batch import SeedsLike
from peerwheel.engine.diffusion.peer import AdoptionState, PeerParams
from peerwheel.engine.networks import Network


class CalibrationError(ValueError):
    """The target effect cannot be reached with these scenario settings."""


@dataclass(frozen=True)
class Survey:
    """When and how big the simulated survey is."""

    week: int = 26
    runs: int = 20
    rng_seed: int = 0


@dataclass(frozen=True)
class Targets:
    """The effects to reproduce: points by which +1 SD of exposure raises P(heavy use) and
    P(agent use)."""

    heavy: float = 8.9
    agent: float = 10.4


#: The published benchmark (DESIGN.md): 8.9 points on heavy use, 10.4 on agent use.
PUBLISHED = Targets()

#: The survey the product calibrates against: a year in, when Gallup's levels are measured.
WORKPLACE_SURVEY = Survey(week=52, runs=20, rng_seed=0)

#: Gallup's US workforce figures the no-program year is fitted to (Q4 2025 to Q1 2026): the
#: share using AI at work at least a few times a year, a few times a week or more, and daily.
#: In the model: adopted (explorer or beyond), regular or heavy, heavy.
GALLUP_LEVELS = {"adopted": 0.48, "regular_or_heavy": 0.27, "heavy": 0.125}

#: The product's default peer model. The base rates of the three moves were fitted on the demo
#: company (600 people, `engine.demo_org`, seed 42) so that 52 weeks with no champions, no
#: mandate and no show-and-tell end at GALLUP_LEVELS when the peer coefficients are calibrated
#: to PUBLISHED in WORKPLACE_SURVEY (the fit: docs/simulate.md). beta_peer and beta_peer_agent
#: are that calibration's values on the demo company: the fallback where a network is too small
#: or too sparse to calibrate on.
WORKPLACE_BASE = PeerParams(
    a_explore=-4.72,
    a_regular=-3.84,
    a_heavy=-3.97,
    beta_peer=0.506,
    beta_peer_agent=0.438,
)


@dataclass(frozen=True)
class Calibration:
    params: PeerParams  # the input params with beta_peer and beta_peer_agent solved
    heavy_effect: float  # achieved AME on P(heavy), in points
    agent_effect: float  # achieved AME on P(agent use), in points


def logistic_fit(x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """Intercept and slope of a one-regressor logistic regression (Newton–Raphson)."""
    design = np.column_stack([np.ones_like(x), x])
    beta = np.array([np.log((y.mean() + 1e-9) / (1 - y.mean() + 1e-9)), 0.0])
    for _ in range(50):
        prob = expit(design @ beta)
        grad = design.T @ (y - prob)
        hess = (design * (prob * (1 - prob))[:, None]).T @ design
        step = np.linalg.solve(hess + 1e-9 * np.eye(2), grad)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def average_marginal_effect(x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> float:
    """Points by which +1 SD of x raises P(y), averaged over respondents."""
    sd = x.std()
    if sd == 0 or y.all() or not y.any():
        return 0.0
    z = (x - x.mean()) / sd
    a, b = logistic_fit(z, y)
    return float(100.0 * (expit(a + b * (z + 1)) - expit(a + b * z)).mean())


def survey_effects(
    network: Network, params: PeerParams, *, seeds: SeedsLike, survey: Survey
) -> tuple[float, float]:
    """(AME on heavy use, AME on agent use) in the simulated survey week."""
    _, snap = peer.run(
        network,
        params,
        seeds=seeds,
        runs=survey.runs,
        steps=survey.week,
        rng_seed=survey.rng_seed,
        snapshot_week=survey.week,
    )
    assert snap is not None  # noqa: S101 - run() returns a snapshot when asked for one
    exposure = snap.exposure[snap.mask]
    heavy = snap.state[snap.mask] == AdoptionState.HEAVY
    agent = snap.agent[snap.mask]
    return average_marginal_effect(exposure, heavy), average_marginal_effect(exposure, agent)


def _solve(effect: Callable[[float], float], target: float, *, tol: float = 0.05) -> float:
    """Bisection for effect(beta) = target. The effect rises with beta until adoption
    saturates, so the bracket is grown from 0 by doubling until the target is passed."""
    low, high = 0.0, 0.25
    best = effect(low)
    while True:
        got = effect(high)
        if got >= target:
            break
        if got < best or high > 16:
            raise CalibrationError(
                f"a target of {target} points is out of reach (at most {max(best, got):.1f}); "
                "move the survey week earlier or lower the base rates"
            )
        best, low, high = got, high, 2 * high
    for _ in range(40):
        beta = (low + high) / 2
        got = effect(beta)
        if abs(got - target) < tol:
            return beta
        if got < target:
            low = beta
        else:
            high = beta
    return (low + high) / 2


def calibrate(
    network: Network,
    params: PeerParams | None = None,
    *,
    seeds: SeedsLike = None,
    heavy_target: float = 8.9,
    agent_target: float = 10.4,
    survey: Survey | None = None,
) -> Calibration:
    """Solve beta_peer (heavy use) then beta_peer_agent (agent use) for the target AMEs."""
    params = params or PeerParams()
    survey = survey or Survey()

    def heavy(beta: float) -> float:
        return survey_effects(network, replace(params, beta_peer=beta), seeds=seeds, survey=survey)[
            0
        ]

    beta_peer = _solve(heavy, heavy_target)
    solved = replace(params, beta_peer=beta_peer)

    def agent(beta: float) -> float:
        return survey_effects(
            network, replace(solved, beta_peer_agent=beta), seeds=seeds, survey=survey
        )[1]

    final = replace(solved, beta_peer_agent=_solve(agent, agent_target))
    heavy_got, agent_got = survey_effects(network, final, seeds=seeds, survey=survey)
    return Calibration(params=final, heavy_effect=heavy_got, agent_effect=agent_got)


def calibrate_workplace(
    network: Network,
    targets: Targets = PUBLISHED,
    *,
    params: PeerParams = WORKPLACE_BASE,
    survey: Survey = WORKPLACE_SURVEY,
) -> Calibration:
    """The product's calibration: WORKPLACE_BASE's no-program year on `network` (no champions),
    its peer coefficients solved for `targets` in the survey a year in. CalibrationError when
    the targets cannot be reached on this network."""
    return calibrate(
        network,
        params,
        heavy_target=targets.heavy,
        agent_target=targets.agent,
        survey=survey,
    )
