"""The peer-influence model of DESIGN.md ("The model").

People move none → explorer → regular → heavy (one step a week at most) and may pick up agent
use once regular. Each week, for each move, the chance is

    σ(a_move + β_peer·z(E) + β_safety·safety + β_leader·c(t) − β_friction·friction
      − β_fear·fear_i + shock(t) + mandate(t)),

where E is the weighted share of a person's in-ties who are *visibly* using AI (adopters who
share; an adopter who never shares is invisible), z(E) = (E − centre)/scale, c(t) the leader's
encouragement that week (steady: every week; bursty: one week in four), shock(t) the drop after
a visible failure, and mandate(t) = `mandate_effect` (0 by default: a mandate trains people and
makes them comply but does not by itself make them use AI). Show-and-tell makes presenters
visible to every attendee that week. Access can be gated: a pilot list, then waves of sites.
All R runs advance together: one sparse product per week for all of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.special import expit

from peerwheel.engine.diffusion._batch import SeedsLike, check_counts, seed_matrix
from peerwheel.engine.diffusion.result import (
    Backend,
    GroupBreakdown,
    ModelKind,
    ProgressFn,
    SimulationResult,
)
from peerwheel.engine.networks import Network


class AdoptionState(IntEnum):
    NONE = 0
    EXPLORER = 1
    REGULAR = 2
    HEAVY = 3


class LeaderStyle(StrEnum):
    STEADY = "steady"
    BURSTY = "bursty"


class Cadence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # every fourth week


@dataclass(frozen=True)
class Rollout:
    """Who has access when. Empty: everyone from week 0. Otherwise the pilot (node positions)
    from week 0 and each wave's sites from its week: ((week, (site, ...)), ...)."""

    pilot: tuple[int, ...] = ()
    waves: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def access_week(self, network: Network) -> npt.NDArray[np.int64]:
        n = network.n
        if not self.pilot and not self.waves:
            return np.zeros(n, dtype=np.int64)
        week = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        week[list(self.pilot)] = 0
        if self.waves:
            if "site" not in network.groups:
                raise ValueError("site waves need a network with site labels")
            sites = network.groups["site"]
            for start, names in self.waves:
                hit = np.isin(sites, list(names))
                week[hit] = np.minimum(week[hit], start)
        return week


@dataclass(frozen=True)
class PeerParams:
    """Scenario and coefficients. Levels (safety, friction, fear) are on a 0–1 scale."""

    # base log-odds of each move per week
    a_explore: float = -4.0
    a_regular: float = -2.0
    a_heavy: float = -2.5
    a_agent: float = -3.0
    # peer influence (calibrate with engine.calibration)
    beta_peer: float = 1.0
    beta_peer_agent: float = 1.0
    exposure_centre: float = 0.0  # base rates are for someone who sees nobody using AI
    exposure_scale: float = 0.15
    share_probability: float = 0.4  # chance an adopter is visible to their ties
    # organisation
    safety: float = 0.5
    beta_safety: float = 1.0
    leader: LeaderStyle = LeaderStyle.STEADY
    beta_leader: float = 0.5
    friction: float = 0.5
    beta_friction: float = 1.0
    fear: float = 0.5
    fear_sd: float = 0.25
    beta_fear: float = 1.0
    # mandate: trains (and makes comply) `trained_share` of people from mandate_week
    mandate_week: int | None = None
    mandate_effect: float = 0.0
    trained_share: float = 0.9
    # visible failures: a drop in everyone's log-odds for a few weeks
    failure_weeks: tuple[int, ...] = ()
    failure_rate: float = 0.0  # chance of a random visible failure per week
    guardrails: bool = False  # halve the random failure rate
    failure_drop: float = 1.5
    failure_weeks_lasting: int = 4
    # show-and-tell
    show_and_tell: Cadence = Cadence.NONE
    attendance: float = 0.3
    presenters: int = 3
    presenter_weight: float = 1.0  # each presenter counts as a tie of this weight
    rollout: Rollout = field(default_factory=Rollout)
    model: ClassVar[ModelKind] = ModelKind.PEER

    def describe(self) -> dict[str, Any]:
        return {
            key: (str(value) if isinstance(value, Rollout) else value)
            for key, value in vars(self).items()
        }


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The cross-section a survey would see in a given week (runs x people, seeds left out)."""

    exposure: npt.NDArray[np.float64]
    state: npt.NDArray[np.int8]
    agent: npt.NDArray[np.bool_]
    mask: npt.NDArray[np.bool_]


def _exposure_parts(network: Network) -> tuple[sp.csr_array, npt.NDArray[np.float64]]:
    return sp.csr_array(network.adjacency.T), network.in_weight


def _show_week(cadence: Cadence, week: int) -> bool:
    return cadence is Cadence.WEEKLY or (cadence is Cadence.MONTHLY and week % 4 == 0)


def run(
    network: Network,
    params: PeerParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 52,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    snapshot_week: int | None = None,
) -> tuple[SimulationResult, Snapshot | None]:
    """The model, with the survey cross-section of `snapshot_week` when asked for."""
    check_counts(runs, steps)
    start = time.perf_counter()
    rng = np.random.default_rng(rng_seed)
    # Training draws come from their own stream, so a mandate with no effect leaves every
    # other draw, and so adoption, exactly as without it (common random numbers).
    training_rng = np.random.default_rng([rng_seed, 1])
    n = network.n
    seed_rows = seed_matrix(seeds, n, runs)
    transposed, in_w = _exposure_parts(network)
    access = params.rollout.access_week(network)
    p = params

    state = np.zeros((runs, n), dtype=np.int8)
    agent = np.zeros((runs, n), dtype=bool)
    trained = np.zeros((runs, n), dtype=bool)
    sharer = rng.random((runs, n)) < p.share_probability
    fear = p.fear + p.fear_sd * rng.standard_normal((runs, n))
    rows = np.arange(runs)[:, None]
    is_seed = np.zeros((runs, n), dtype=bool)
    is_seed[rows if seed_rows.shape[0] > 1 else slice(None), seed_rows] = True
    state[is_seed] = AdoptionState.HEAVY
    sharer |= is_seed
    fixed = p.beta_safety * p.safety - p.beta_friction * p.friction - p.beta_fear * fear

    names = ("adopters", "explorer", "regular", "heavy", "agent", "trained")
    counts = {name: np.zeros((runs, steps + 1), dtype=np.int64) for name in names}
    group_codes = {
        name: np.unique(labels, return_inverse=True) for name, labels in network.groups.items()
    }
    group_sums = {name: np.zeros((uniq.size, steps + 1)) for name, (uniq, _) in group_codes.items()}

    def record(t: int) -> None:
        adopted = state >= AdoptionState.EXPLORER
        counts["adopters"][:, t] = adopted.sum(axis=1)
        for s in (AdoptionState.EXPLORER, AdoptionState.REGULAR, AdoptionState.HEAVY):
            counts[s.name.lower()][:, t] = (state == s).sum(axis=1)
        counts["agent"][:, t] = agent.sum(axis=1)
        counts["trained"][:, t] = trained.sum(axis=1)
        per_node = adopted.sum(axis=0)
        for name, (uniq, codes) in group_codes.items():
            group_sums[name][:, t] = np.bincount(codes, weights=per_node, minlength=uniq.size)

    record(0)
    shock_until = np.zeros(runs, dtype=np.int64)
    snapshot = None
    for t in range(1, steps + 1):
        visible = ((state >= AdoptionState.EXPLORER) & sharer).astype(np.float64)
        num = (transposed @ visible.T).T  # runs x n, weighted visible in-ties
        den = np.broadcast_to(in_w, (runs, n))
        if _show_week(p.show_and_tell, t) and p.presenters > 0:
            eligible = state >= AdoptionState.REGULAR
            shown = np.minimum(eligible.sum(axis=1), p.presenters) * p.presenter_weight
            attend = rng.random((runs, n)) < p.attendance
            num = num + attend * shown[:, None]
            den = den + attend * shown[:, None]
        exposure = np.divide(num, den, out=np.zeros((runs, n)), where=den > 0)
        if snapshot_week == t:
            snapshot = Snapshot(exposure.copy(), state.copy(), agent.copy(), ~is_seed)
        z = (exposure - p.exposure_centre) / p.exposure_scale

        leader = np.ones(runs)
        if p.leader is LeaderStyle.BURSTY:
            leader = (rng.random(runs) < 0.25).astype(np.float64)
        rate = p.failure_rate * (0.5 if p.guardrails else 1.0)
        failed = rng.random(runs) < rate
        if t in p.failure_weeks:
            failed[:] = True
        shock_until[failed] = t + p.failure_weeks_lasting
        shock = np.where(shock_until > t, -p.failure_drop, 0.0)
        mandated = p.mandate_week is not None and t >= p.mandate_week
        if p.mandate_week == t:
            trained |= training_rng.random((runs, n)) < p.trained_share
        common = fixed + (p.beta_leader * leader + shock)[:, None]
        if mandated:
            common = common + p.mandate_effect

        peer = p.beta_peer * z + common
        base = np.choose(state, [p.a_explore, p.a_regular, p.a_heavy, -np.inf])
        move = rng.random((runs, n)) < expit(base + peer)
        move &= (access <= t)[None, :]
        got_agent = rng.random((runs, n)) < expit(p.a_agent + p.beta_peer_agent * z + common)
        agent |= got_agent & (state >= AdoptionState.REGULAR)
        state = state + move.astype(np.int8)
        record(t)
        if on_step is not None:
            on_step(t, steps)

    breakdowns = {
        name: GroupBreakdown(
            labels=uniq,
            sizes=np.bincount(codes, minlength=uniq.size).astype(np.int64),
            mean_fraction=group_sums[name]
            / (runs * np.maximum(np.bincount(codes, minlength=uniq.size), 1))[:, None],
        )
        for name, (uniq, codes) in group_codes.items()
    }
    result = SimulationResult(
        model=ModelKind.PEER,
        people=n,
        counts=counts["adopters"],
        seed=rng_seed,
        seconds=time.perf_counter() - start,
        state_counts={name: counts[name] for name in names[1:]},
        breakdowns=breakdowns,
        parameters=p.describe(),
    )
    return result, snapshot


def simulate(
    network: Network,
    params: PeerParams,
    *,
    seeds: SeedsLike = None,
    runs: int = 100,
    steps: int = 52,
    rng_seed: int = 0,
    on_step: ProgressFn | None = None,
    backend: Backend = Backend.AUTO,
) -> SimulationResult:
    """R runs of the peer-influence model (weekly steps). `backend` has no effect here: the
    model is a batched sparse product plus vectorised draws."""
    del backend
    result, _ = run(
        network, params, seeds=seeds, runs=runs, steps=steps, rng_seed=rng_seed, on_step=on_step
    )
    return result
