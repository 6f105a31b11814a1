"""Ground-truth cascades: a weekly network branching process in which who brought whom is known.

Each week every person who has not adopted yet adopts with probability 1 - exp(-h), where
h = background_rate + sum over adopted ties A of transmission * w(A, B) * f(A) * g(k): w the tie
weight, f(A) = spreader_factor for the few strong spreaders and 1 otherwise, g the generation
interval (g[k] for a gap of k weeks, 1..4) and k the weeks since A adopted. The person who
brought B in is drawn from those terms (the background term: B started alone). Adoption days
fall uniformly inside the adoption week. 85% of true transmissions leave an influence event
(mostly tried / answered / attended, within the 28 days before the adoption and after the
source adopted); noise events (reactions, comments, mentions that caused nothing) are added at
40% of the recorded ones, from adopters to their ties (a fifth to anyone).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerwheel.engine.flywheel.data import (
    EVENT_KINDS,
    F64,
    I32,
    I64,
    AdoptionData,
    B,
    csr_from_edges,
    seeded_first_week,
)

DEFAULT_GENERATION_PMF = np.array([0.0, 0.4, 0.3, 0.2, 0.1])
# kinds of the recorded true transmissions and of the noise events (probabilities per kind)
_TRUE_KINDS = {"tried": 0.45, "answered": 0.25, "attended": 0.15, "adapted": 0.05}
_TRUE_KINDS |= {"commented": 0.05, "mentioned": 0.05}
_NOISE_KINDS = {"reacted": 0.5, "commented": 0.35, "mentioned": 0.15}


@dataclass(frozen=True)
class TieNetwork:
    """An undirected network as symmetric CSR, with a department per person."""

    indptr: I64
    indices: I32
    weights: F64 | None
    department: I32

    @property
    def n(self) -> int:
        return int(self.indptr.shape[0] - 1)


def email_eu_core_network(data_dir: str | Path) -> TieNetwork:
    """The email-Eu-core network (SNAP): self-loops dropped, one tie per pair.

    A tie emailed both ways weighs 1, a one-way tie 0.5.
    """
    data_dir = Path(data_dir)
    edges = np.loadtxt(data_dir / "email-eu-core-edges.csv", delimiter=",", skiprows=1, dtype=int)
    depts = np.loadtxt(
        data_dir / "email-eu-core-departments.csv", delimiter=",", skiprows=1, dtype=int
    )
    n = int(max(edges.max(), depts[:, 0].max())) + 1
    department = np.full(n, -1, dtype=np.int32)
    department[depts[:, 0]] = depts[:, 1]
    a, b = edges[:, 0], edges[:, 1]
    keep = a != b
    a, b = a[keep], b[keep]
    directed = np.unique(a.astype(np.int64) * n + b)
    reverse = b.astype(np.int64) * n + a
    both = np.isin(reverse, directed)
    weight = np.where(both, 1.0, 0.5)
    indptr, indices, weights = csr_from_edges(n, a, b, weight)
    return TieNetwork(indptr, indices, weights, department)


@dataclass(frozen=True)
class GroundTruthCascade:
    """A cascade with its truth. `data` is everything observed up to the horizon."""

    data: AdoptionData
    true_adoption_day: I32
    infector: I32  # who truly brought each person in; -1 = seeded or started alone
    spreader: B
    transmission: float  # P(A brings in a tie at gap k) = transmission * w * f(A) * pmf[k]
    generation_pmf: F64  # index k = weeks of gap, k = 0..4 (0 unused)
    background_rate: float  # weekly hazard of starting alone

    def true_r(self, as_of_day: int, *, closed_after_days: int = 35) -> float:
        """Mean true offspring over adopters with adoption_day <= as_of_day - closed_after_days."""
        closed = (self.true_adoption_day >= 0) & (
            self.true_adoption_day <= as_of_day - closed_after_days
        )
        if not closed.any():
            return float("nan")
        return float(self.true_brought_in()[closed].mean())

    def true_cumulative(self, day: int) -> int:
        """Adopters with an adoption day before `day`."""
        return int(((self.true_adoption_day >= 0) & (self.true_adoption_day < day)).sum())

    def true_brought_in(self, before_day: int | None = None) -> I64:
        """Per person: how many they truly brought in (adoptions before `before_day`)."""
        ok = self.infector >= 0
        if before_day is not None:
            ok &= self.true_adoption_day < before_day
        return np.bincount(self.infector[ok], minlength=self.infector.shape[0]).astype(np.int64)

    def mid_growth_day(self, share: float = 0.4) -> int:
        """The Monday after the week in which `share` of the eventual adopters had adopted."""
        days = np.sort(self.true_adoption_day[self.true_adoption_day >= 0])
        day = int(days[min(len(days) - 1, int(np.ceil(share * len(days))) - 1)])
        return (day // 7 + 1) * 7


def _draw(rng: np.random.Generator, table: dict[str, float], size: int) -> npt.NDArray[np.int8]:
    codes = np.array([EVENT_KINDS.index(k) for k in table], dtype=np.int8)
    p = np.array(list(table.values()))
    return codes[rng.choice(len(codes), size=size, p=p / p.sum())]


def ground_truth_cascade(
    network: TieNetwork | str | Path,
    *,
    seed: int,
    weeks: int = 40,
    transmission: float = 0.025,
    generation_pmf: npt.ArrayLike = DEFAULT_GENERATION_PMF,
    background_rate: float = 0.001,
    n_seeds: int = 5,
    spreader_share: float = 0.03,
    spreader_factor: float = 5.0,
    recorded_share: float = 0.85,
    noise_share: float = 0.4,
) -> GroundTruthCascade:
    """Simulate one cascade (a path is a folder holding the email-Eu-core files)."""
    if not isinstance(network, TieNetwork):
        network = email_eu_core_network(network)
    rng = np.random.default_rng(seed)
    n = network.n
    pmf = np.asarray(generation_pmf, dtype=np.float64)
    k_max = pmf.shape[0] - 1
    indptr, indices = network.indptr, network.indices
    w = np.ones(indices.shape[0]) if network.weights is None else network.weights
    adj = sp.csr_array((w, indices, indptr), shape=(n, n))
    spreader = rng.random(n) < spreader_share
    factor = np.where(spreader, spreader_factor, 1.0)
    week = np.full(n, -1, dtype=np.int64)
    infector = np.full(n, -1, dtype=np.int32)
    connected = np.flatnonzero(np.diff(indptr) > 0)
    week[rng.choice(connected, size=n_seeds, replace=False)] = 0
    for t in range(1, weeks):
        # pressure on everyone from adopters of the last k_max weeks
        gap = t - week
        active = (week >= 0) & (gap <= k_max)
        force = np.zeros(n)
        force[active] = transmission * factor[active] * pmf[gap[active]]
        hazard = background_rate + adj @ force
        susceptible = week < 0
        new = np.flatnonzero(susceptible & (rng.random(n) < -np.expm1(-hazard)))
        for b in new:
            lo, hi = indptr[b], indptr[b + 1]
            nbrs = indices[lo:hi]
            terms = w[lo:hi] * force[nbrs]
            total = background_rate + terms.sum()
            u = rng.random() * total
            if u >= background_rate:
                pick = np.searchsorted(np.cumsum(terms), u - background_rate, side="right")
                infector[b] = nbrs[min(pick, nbrs.shape[0] - 1)]
        week[new] = t
    adopted = week >= 0
    day = np.where(adopted, 7 * week + rng.integers(0, 7, n), -1).astype(np.int32)

    # recorded true transmissions
    tgt = np.flatnonzero(infector >= 0)
    tgt = tgt[rng.random(tgt.shape[0]) < recorded_share]
    src = infector[tgt]
    lo = np.maximum(day[src], day[tgt] - 27)
    ev_day = lo + (rng.random(tgt.shape[0]) * (day[tgt] - lo + 1)).astype(np.int64)
    ev_kind = _draw(rng, _TRUE_KINDS, tgt.shape[0])
    # noise events: from adopters to a tie (or anyone), after the source adopted
    horizon = 7 * weeks
    n_noise = round(noise_share * tgt.shape[0])
    adopters = np.flatnonzero(adopted)
    n_src = rng.choice(adopters, size=n_noise)
    deg = np.diff(indptr)[n_src]
    n_tgt = np.where(
        (rng.random(n_noise) < 0.8) & (deg > 0),
        indices[indptr[n_src] + (rng.random(n_noise) * deg).astype(np.int64)],
        rng.integers(0, n, n_noise),
    )
    ok = n_tgt != n_src
    n_src, n_tgt = n_src[ok], n_tgt[ok]
    n_day = day[n_src] + (rng.random(n_src.shape[0]) * (horizon - day[n_src])).astype(np.int64)
    n_kind = _draw(rng, _NOISE_KINDS, n_src.shape[0])

    data = AdoptionData(
        n_people=n,
        indptr=indptr,
        indices=indices,
        weights=network.weights,
        department=network.department,
        adoption_day=day,
        seeded=seeded_first_week(day),
        event_source=np.concatenate([src, n_src]).astype(np.int32),
        event_target=np.concatenate([tgt, n_tgt]).astype(np.int32),
        event_kind=np.concatenate([ev_kind, n_kind]).astype(np.int8),
        event_day=np.concatenate([ev_day, n_day]).astype(np.int32),
        as_of_day=horizon,
    )
    return GroundTruthCascade(
        data=data,
        true_adoption_day=day,
        infector=infector,
        spreader=spreader,
        transmission=float(transmission),
        generation_pmf=pmf,
        background_rate=float(background_rate),
    )
