"""Who brought whom: each non-seeded adoption shares one unit of credit among its candidates.

The model (weekly, as the cascades of cascades.py): a person B who has not adopted yet adopts in
week t with probability 1 - exp(-h), h = b + sum over ties A who adopted k weeks earlier
(1 <= k <= max_gap) of tau[k] * w(A, B). Influence events A -> B in the 28 days before B's
adoption are evidence of who it was: each candidate pair falls in one category, its strongest
event kind (or none), and the category multiplies the pair's weight by a likelihood ratio
P(category | A brought B in) / P(category | A did not). Credit of A for B is then
tau[k] * w * ratio / (b + sum of the same over B's candidates); the background b keeps the share
of B starting alone.

tau (the generation interval times the per-tie probability), b and the ratios are estimated by
expectation-maximisation of that likelihood, started from the gaps of event-linked pairs (the
generation interval) and from adoptions with no earlier-adopting contact (the background).
Event senders who are not ties are candidates too, with the network's median tie weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from peerwheel.engine.flywheel.data import EVENT_KINDS, F64, I32, I64, AdoptionData

EVENT_WINDOW_DAYS = 28
# strongest first: a pair's category is the strongest kind among its events in the window
KIND_PRIORITY: tuple[str, ...] = (
    "tried",
    "adapted",
    "answered",
    "attended",
    "mentioned",
    "commented",
    "reacted",
)
_NONE = len(EVENT_KINDS)  # the category of a pair without an event
_START_RATIO = {"tried": 10.0, "adapted": 10.0, "answered": 10.0, "attended": 10.0}


@dataclass(frozen=True)
class Attribution:
    """Credit pairs (source -1: started alone) and the fitted model.

    transmission_per_tie * generation_pmf[k] is the weekly probability that an adopter brings
    in a tie (weight 1) k weeks after adopting; realised_pmf is the distribution of the gaps of
    the credited pairs (the serial interval for the curve-only estimates).
    """

    target: I32
    source: I32
    credit: F64
    generation_pmf: F64
    transmission_per_tie: float
    background_rate: float
    realised_pmf: F64
    event_factor: dict[str, float] = field(default_factory=dict)
    spreader_factor: F64 | None = None  # per person: rate over the average adopter's
    iterations: int = 0

    def brought_in(self, n_people: int, *, targets: np.ndarray | None = None) -> F64:
        """Credit summed per source (only for the given targets' adoptions, if any)."""
        keep = self.source >= 0
        if targets is not None:
            keep &= np.isin(self.target, targets)
        out = np.bincount(self.source[keep], weights=self.credit[keep], minlength=n_people)
        return out.astype(np.float64)


@dataclass(frozen=True)
class _Pairs:
    target: I64  # person
    slot: I64  # index of the target among the non-seeded adopters
    source: I64
    gap: I64  # weeks, 1..max_gap
    weight: F64
    category: I64
    is_tie: np.ndarray


def _event_pairs(data: AdoptionData, window_days: int) -> tuple[I64, I64, I64, F64]:
    """Events to non-seeded adopters from earlier adopters in the window before the adoption:
    (target, source, priority rank, days before the adoption)."""
    day = data.adoption_day.astype(np.int64)
    t = data.event_target.astype(np.int64)
    s = data.event_source.astype(np.int64)
    ok = (day[t] >= 0) & ~data.seeded[t] & (day[s] >= 0) & (day[s] < day[t])
    before = day[t] - data.event_day
    ok &= (before >= 0) & (before <= window_days)
    rank_of_kind = np.array([KIND_PRIORITY.index(k) for k in EVENT_KINDS], dtype=np.int64)
    return t[ok], s[ok], rank_of_kind[data.event_kind[ok]], before[ok].astype(np.float64)


def _candidate_pairs(data: AdoptionData, max_gap: int, window_days: int) -> tuple[_Pairs, I64]:
    n = data.n_people
    week = data.adoption_week.astype(np.int64)
    is_target = (week >= 0) & ~data.seeded
    targets = np.flatnonzero(is_target)
    slot_of = np.full(n, -1, dtype=np.int64)
    slot_of[targets] = np.arange(targets.shape[0])

    rows = np.repeat(np.arange(n, dtype=np.int64), data.degree)
    cols = data.indices.astype(np.int64)
    gap = week[rows] - week[cols]
    ok = is_target[rows] & (week[cols] >= 0) & (gap >= 1) & (gap <= max_gap)
    tie_key = rows[ok] * n + cols[ok]
    tie_w = data.tie_weights[ok]

    et, es, erank, _ = _event_pairs(data, window_days)
    ekey = et * n + es
    keys = np.unique(np.concatenate([tie_key, ekey]))
    target, source = keys // n, keys % n
    weight = np.full(keys.shape[0], np.median(data.tie_weights) if cols.size else 1.0)
    pos = np.searchsorted(keys, tie_key)
    weight[pos] = tie_w
    is_tie = np.zeros(keys.shape[0], dtype=bool)
    is_tie[pos] = True
    rank = np.full(keys.shape[0], len(KIND_PRIORITY), dtype=np.int64)
    np.minimum.at(rank, np.searchsorted(keys, ekey), erank)
    kind_of_rank = np.array([EVENT_KINDS.index(k) for k in KIND_PRIORITY] + [_NONE], dtype=np.int64)
    pairs = _Pairs(
        target=target,
        slot=slot_of[target],
        source=source,
        gap=np.clip(week[target] - week[source], 1, max_gap),
        weight=weight,
        category=kind_of_rank[rank],
        is_tie=is_tie,
    )
    return pairs, targets


def _exposure(data: AdoptionData, max_gap: int) -> tuple[F64, float, float, int]:
    """Person-weeks at risk. Per source A and gap k, the summed weight of A's ties still at risk
    k weeks after A adopted (S[A, k]); the background's person-weeks; those with no adopted tie
    within max_gap weeks, and the adoptions among them."""
    n = data.n_people
    week = data.adoption_week.astype(np.int64)
    adopted = week >= 0
    last = (data.as_of_day - 1) // 7
    frac = np.clip((data.as_of_day - 7 * np.arange(last + 1)) / 7.0, 0.0, 1.0)
    first = int(week[adopted].min())
    rows = np.repeat(np.arange(n, dtype=np.int64), data.degree)  # the person at risk
    cols = data.indices.astype(np.int64)  # the adopted tie
    w = data.tie_weights
    live = adopted[cols] & ~data.seeded[rows]
    rows, cols, w = rows[live], cols[live], w[live]
    per_source = np.zeros((n, max_gap + 1))
    exposed = np.zeros((n, last + 2), dtype=bool)
    for k in range(1, max_gap + 1):
        t = week[cols] + k
        at_risk = (t <= last) & ((week[rows] < 0) | (week[rows] >= t))
        per_source[:, k] = np.bincount(
            cols[at_risk], weights=w[at_risk] * frac[t[at_risk]], minlength=n
        )
        exposed[rows[at_risk], t[at_risk]] = True
    end = np.where(adopted, week, last)
    risk = (~data.seeded) & (end > first)
    cum = np.concatenate([[0.0], np.cumsum(frac)])
    background = float((cum[end[risk] + 1] - cum[first + 1]).sum())
    # person-weeks and adoptions with no adopted tie in the window
    weeks = np.arange(last + 1)
    in_risk = (weeks[None, :] > first) & (weeks[None, :] <= end[:, None]) & risk[:, None]
    alone_weeks = float(((in_risk & ~exposed[:, : last + 1]).astype(float) @ frac).sum())
    targets = adopted & ~data.seeded
    alone_adoptions = int((targets & ~exposed[np.arange(n), np.maximum(week, 0)]).sum())
    return per_source, background, alone_weeks, alone_adoptions


def _starting_point(
    pairs: _Pairs, n_targets: int, exposure: F64, background: float, alone: tuple[float, int]
) -> tuple[F64, float]:
    """tau from the gaps of event-linked pairs, b from adoptions with no adopted tie."""
    alone_weeks, alone_adoptions = alone
    if alone_weeks > 0:
        b = (alone_adoptions + 0.5) / (alone_weeks + 1.0)
    else:
        b = 0.1 * n_targets / max(background, 1.0)
    max_gap = exposure.shape[0] - 1
    linked = pairs.category != _NONE
    single = np.bincount(pairs.slot[linked], minlength=n_targets) == 1
    chosen = linked & single[pairs.slot]
    counts = np.bincount(pairs.gap[chosen], minlength=max_gap + 1).astype(float)[: max_gap + 1]
    counts[1:] += 0.5
    counts[0] = 0.0
    hazard = np.where(exposure > 0, counts / np.maximum(exposure, 1e-12), 0.0)
    peer_adoptions = max(n_targets - b * background, 0.1 * n_targets)
    implied = float((hazard * exposure).sum())
    tau = hazard * (peer_adoptions / implied) if implied > 0 else hazard
    return tau, b


def attribute(
    data: AdoptionData,
    *,
    max_gap_weeks: int = 4,
    window_days: int = EVENT_WINDOW_DAYS,
    spreader_prior: float = 3.0,
    max_iter: int = 500,
    tol: float = 1e-6,
) -> Attribution:
    """Who brought whom, with the model fitted by expectation-maximisation.

    Each source A also gets a spreader factor rho[A] (its rate over the average adopter's),
    estimated with a gamma prior of mean 1 worth `spreader_prior` adoptions, so that a strong
    spreader's unrecorded adoptions are credited to them more than to the others around.
    """
    pairs, targets = _candidate_pairs(data, max_gap_weeks, window_days)
    n_targets = targets.shape[0]
    if n_targets == 0 or not data.adopted.any():
        return _empty(max_gap_weeks)
    n = data.n_people
    per_person, background, alone_weeks, alone_adoptions = _exposure(data, max_gap_weeks)
    exposure = per_person.sum(axis=0)
    # spreader factors are fitted over the adopters only (nobody else is a source)
    adopters = np.flatnonzero(data.adopted)
    per_source = per_person[adopters]
    source_slot = np.full(n, -1, dtype=np.int64)
    source_slot[adopters] = np.arange(adopters.shape[0])
    tau, b = _starting_point(pairs, n_targets, exposure, background, (alone_weeks, alone_adoptions))
    n_cat = _NONE + 1
    ratio = np.array([_START_RATIO.get(k, 2.0) for k in EVENT_KINDS] + [0.5])
    rho: F64 = np.ones(adopters.shape[0])
    slot, gap, cat, src = pairs.slot, pairs.gap, pairs.category, pairs.source
    src_slot = source_slot[src]
    tie = pairs.is_tie
    credit: F64 = np.zeros(pairs.target.shape[0])
    alone_credit: F64 = np.ones(n_targets)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        rate = tau[gap] * pairs.weight * rho[src_slot]
        lam = rate * ratio[cat]
        total = b + np.bincount(slot, weights=lam, minlength=n_targets)
        credit = lam / total[slot]
        alone_credit = (b / total).astype(np.float64)
        # expected Poisson counts given an adoption (complementary log-log likelihood)
        h = b + np.bincount(slot, weights=rate, minlength=n_targets)
        expected = credit * (h / -np.expm1(-h))[slot]
        expected_alone = alone_credit * h / -np.expm1(-h)
        # event-only pairs (no tie) carry no exposure: they do not inform tau or rho
        counts = np.bincount(gap[tie], weights=expected[tie], minlength=max_gap_weeks + 1)
        counts[0] = 0.0
        weighted = rho @ per_source
        new_tau = np.where(weighted > 0, counts / np.maximum(weighted, 1e-12), 0.0)
        by_source = np.bincount(src_slot[tie], weights=expected[tie], minlength=rho.shape[0])
        new_rho = (by_source + spreader_prior) / (per_source @ new_tau + spreader_prior)
        reach = per_source @ new_tau
        if reach.sum() > 0:  # keep the average adopter's factor at 1
            mean_rho = float((new_rho * reach).sum() / reach.sum())
            new_rho /= mean_rho
            new_tau *= mean_rho
        new_b = float(expected_alone.sum()) / max(background, 1e-12)
        inf = np.bincount(cat, weights=credit, minlength=n_cat) + 0.5
        non = np.bincount(cat, weights=1.0 - credit, minlength=n_cat) + 0.5
        new_ratio = (inf / inf.sum()) / (non / non.sum())
        change = max(
            float(np.abs(new_tau - tau).max() / max(float(tau.max()), 1e-12)),
            abs(new_b - b) / max(b, 1e-12),
            float(np.abs(np.log(new_ratio / ratio)).max()),
            float(np.abs(np.log(new_rho / rho)).max()),
        )
        tau, b, ratio, rho = new_tau, new_b, new_ratio, new_rho
        if change < tol:
            break
    realised = np.bincount(gap, weights=credit, minlength=max_gap_weeks + 1)
    realised[0] = 0.0
    spreader = np.ones(n)
    spreader[adopters] = rho
    total_tau = float(tau.sum())
    order = np.lexsort((-credit, slot))
    out_src = np.concatenate([src[order], np.full(n_targets, -1)])
    out_tgt = np.concatenate([pairs.target[order], targets])
    out_credit = np.concatenate([credit[order], alone_credit])
    by_target = np.argsort(out_tgt, kind="stable")
    return Attribution(
        target=out_tgt[by_target].astype(np.int32),
        source=out_src[by_target].astype(np.int32),
        credit=out_credit[by_target],
        generation_pmf=tau / total_tau if total_tau > 0 else _uniform(max_gap_weeks),
        transmission_per_tie=total_tau,
        background_rate=b,
        realised_pmf=realised / realised.sum() if realised.sum() > 0 else _uniform(max_gap_weeks),
        event_factor={k: float(ratio[i]) for i, k in enumerate(EVENT_KINDS)}
        | {"none": float(ratio[_NONE])},
        spreader_factor=spreader,
        iterations=iterations,
    )


def attribute_events_only(
    data: AdoptionData, *, window_days: int = EVENT_WINDOW_DAYS, half_life_days: float = 14.0
) -> Attribution:
    """The events-only rule: B's unit of credit shared among the senders of events to B in the
    28 days before B adopted (senders who adopted before B), each event weighing 1/2 per 14 days
    of age. An adoption without such an event credits nobody (counted as started alone)."""
    n = data.n_people
    t, s, _, before = _event_pairs(data, window_days)
    w = 0.5 ** (before / half_life_days)
    keys, inverse = np.unique(t * n + s, return_inverse=True)
    pair_w = np.bincount(inverse, weights=w, minlength=keys.shape[0])
    target, source = keys // n, keys % n
    per_target = np.bincount(target, weights=pair_w, minlength=n)
    credit = pair_w / per_target[target]
    targets = np.flatnonzero(data.adopted & ~data.seeded)
    silent = targets[per_target[targets] == 0]
    week = data.adoption_week.astype(np.int64)
    realised = np.bincount(np.clip(week[target] - week[source], 0, None), weights=credit)
    tgt = np.concatenate([target, silent])
    order = np.argsort(tgt, kind="stable")
    return Attribution(
        target=tgt[order].astype(np.int32),
        source=np.concatenate([source, np.full(silent.shape[0], -1)])[order].astype(np.int32),
        credit=np.concatenate([credit, np.ones(silent.shape[0])])[order],
        generation_pmf=realised / realised.sum() if realised.sum() > 0 else _uniform(4),
        transmission_per_tie=float("nan"),
        background_rate=float("nan"),
        realised_pmf=realised / realised.sum() if realised.sum() > 0 else _uniform(4),
    )


def _uniform(max_gap: int) -> F64:
    pmf = np.ones(max_gap + 1) / max_gap
    pmf[0] = 0.0
    return pmf


def _empty(max_gap: int) -> Attribution:
    none = np.zeros(0, dtype=np.int32)
    return Attribution(
        target=none,
        source=none.copy(),
        credit=np.zeros(0),
        generation_pmf=_uniform(max_gap),
        transmission_per_tie=0.0,
        background_rate=0.0,
        realised_pmf=_uniform(max_gap),
    )
