"""What-if: the forecast with k extra champions adopting now, chosen by a strategy.

natural: the first k non-adopters of an order the caller gives (the champion ranking);
degree: the k non-adopters with the most ties; optimised: the k non-adopters whose expected
independent-cascade spread among today's non-adopters is largest, by the influence_max IMM
machinery (reverse-reachable sets and the lazy greedy cover) with the calibrated per-tie
probability: the chance a tie fires at all within the generation window. Each may be limited
to a group (e.g. the people of Legal and Finance).

The what-if is computed in the same pass as its baseline, from the same coins
(forecast_variants), so every run with the champions has at least as many adopters each week as
the same run without them, and several strategies cost little more than one forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerwheel.engine.diffusion import CascadeParams
from peerwheel.engine.flywheel.data import AdoptionData
from peerwheel.engine.flywheel.forecast import Forecast, forecast_variants
from peerwheel.engine.influence_max import (
    RRSets,
    extend,
    greedy_cover,
    in_graph,
    sample_rr_sets,
)
from peerwheel.engine.networks import Network

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

_PILOT = 1_000  # RR sets drawn first, to measure their size
_MEMBERS = 4_000_000  # RR-set members at most (about 16 MB): the optimised choice's budget


class Strategy(StrEnum):
    NATURAL = "natural"
    DEGREE = "degree"
    OPTIMISED = "optimised"


@dataclass(frozen=True, eq=False)
class WhatIf:
    """The forecast with the champions beside the one without.

    Attributes:
        strategy: how the champions were chosen.
        champions: person indices, in the order chosen (fewer than asked when the group had
            fewer non-adopters).
        baseline, forecast: without and with them (the same seed and runs).
        target: adopters that make target_share of the headcount.
        baseline_week, week: the first week by whose end the median reaches the target, without
            and with the champions (None: not within the forecast).
    """

    strategy: Strategy
    champions: I64
    baseline: Forecast
    forecast: Forecast
    target_share: float
    target: float
    baseline_week: int | None
    week: int | None

    @property
    def weeks_earlier(self) -> int | None:
        """Weeks the target comes forward; a lower bound when the baseline does not reach it
        within the forecast (see `at_least`); None when the champions do not reach it either."""
        if self.week is None:
            return None
        later = self.baseline_week
        if later is None:
            later = int(self.baseline.weeks[-1]) + 1
        return later - self.week

    @property
    def at_least(self) -> bool:
        return self.week is not None and self.baseline_week is None

    @property
    def added(self) -> float:
        """Extra adopters by the end of the forecast (median with minus median without)."""
        return float(self.forecast.median[-1] - self.baseline.median[-1])

    def sentence(self, where: str | None = None) -> str:
        """What a lead reads: '5 more champions in Legal and Finance bring 50% forward by 3
        weeks'. `where` names the group, if any."""
        k = self.champions.size
        one = k == 1
        who = f"{k} more champion{'' if one else 's'}" + (f" in {where}" if where else "")
        goal = f"{self.target_share:.0%}"
        earlier = self.weeks_earlier
        horizon = self.baseline.weeks.size
        if earlier is None:
            return (
                f"{who} {'adds' if one else 'add'} {self.added:.0f} adopters in {horizon} weeks; "
                f"{goal} is not reached within the {horizon} weeks forecast either way"
            )
        if earlier == 0:
            verb = "does" if one else "do"
            return f"{who} {verb} not bring {goal} forward (add {self.added:.0f} adopters)"
        weeks = f"{earlier} week{'s' if earlier != 1 else ''}"
        at_least = "at least " if self.at_least else ""
        return f"{who} {'brings' if one else 'bring'} {goal} forward by {at_least}{weeks}"


def window_probability(transmission_per_tie: float, generation_pmf: npt.ArrayLike) -> float:
    """The chance one tie of unit weight fires within the whole generation window."""
    pmf = np.asarray(generation_pmf, dtype=np.float64)
    return float(-np.expm1(-transmission_per_tie * pmf[1:].sum()))


def _eligible(data: AdoptionData, group: npt.ArrayLike | None) -> B:
    n = data.n_people
    eligible = data.adoption_day < 0
    if group is not None:
        mask = np.asarray(group)
        if mask.shape != (n,) or mask.dtype != np.bool_:
            raise ValueError(f"group: a boolean mask over the {n} people expected")
        eligible &= mask
    return eligible


def _by_degree(data: AdoptionData, eligible: B) -> I64:
    candidates = np.flatnonzero(eligible)
    degree = data.degree[candidates]
    return candidates[np.argsort(-degree, kind="stable")]


def _optimised(
    data: AdoptionData, k: int, eligible: B, probability: float, seed: int, rr_sets: int
) -> I64:
    """Greedy cover of RR sets drawn on the network of today's non-adopters, counting only
    eligible people; topped up by degree if the cover runs out of people who reach anyone.
    `rr_sets` sets at most, fewer when they are large (a budget of set members)."""
    n = data.n_people
    free = data.adoption_day < 0
    rows = np.repeat(np.arange(n), data.degree)
    cols = data.indices
    keep = free[rows] & free[cols]
    adj = sp.csr_array(
        (np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n), dtype=np.float64
    )
    network = Network(adjacency=adj, node_ids=np.arange(n).astype(str))
    graph = in_graph(network, CascadeParams(p=probability))
    # a pilot measures the sets' size: above the epidemic threshold each holds much of the
    # network, and the budget of set members, not the count, bounds the time
    sets = sample_rr_sets(graph, _PILOT, rng_seed=seed, phase=0)
    count = min(rr_sets, max(_PILOT, int(_MEMBERS * _PILOT / max(sets.nodes.size, 1))))
    if count > _PILOT:
        sets = extend(sets, sample_rr_sets(graph, count - _PILOT, rng_seed=seed, phase=1))
    inside = eligible[sets.nodes]
    per_set = np.add.reduceat(inside.astype(np.int64), sets.ptr[:-1])
    kept = RRSets(np.r_[0, np.cumsum(per_set)].astype(np.int64), sets.nodes[inside])
    chosen, _ = greedy_cover(kept, n, k)
    reach = np.bincount(kept.nodes, minlength=n)
    picks = [int(v) for v in chosen if eligible[v] and reach[v] > 0]
    for v in _by_degree(data, eligible):
        if len(picks) >= k:
            break
        if int(v) not in picks:
            picks.append(int(v))
    return np.array(picks[:k], dtype=np.int64)


def choose_champions(
    data: AdoptionData,
    k: int,
    strategy: Strategy | str,
    *,
    champion_order: npt.ArrayLike | None = None,
    group: npt.ArrayLike | None = None,
    tie_probability: float | None = None,
    seed: int = 0,
    rr_sets: int = 50_000,
) -> I64:
    """k non-adopters (fewer if there are not so many), by the strategy, within `group` (a
    boolean mask) if given. natural needs `champion_order`; optimised `tie_probability`."""
    strategy = Strategy(strategy)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    eligible = _eligible(data, group)
    if strategy is Strategy.NATURAL:
        if champion_order is None:
            raise ValueError("the natural strategy needs champion_order (the champion ranking)")
        order = np.asarray(champion_order, dtype=np.int64)
        if order.size and (order.min() < 0 or order.max() >= data.n_people):
            raise ValueError(f"champion_order: a person outside 0..{data.n_people - 1}")
        _, first = np.unique(order, return_index=True)
        order = order[np.sort(first)]
        return order[eligible[order]][:k]
    if strategy is Strategy.DEGREE:
        return _by_degree(data, eligible)[:k]
    if tie_probability is None or not 0.0 <= tie_probability <= 1.0:
        raise ValueError(
            f"the optimised strategy needs a tie_probability in [0, 1], got {tie_probability}"
        )
    if not eligible.any():
        return np.zeros(0, dtype=np.int64)
    return _optimised(data, k, eligible, tie_probability, seed, rr_sets)


def what_if(
    data: AdoptionData,
    *,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    k: int,
    strategy: Strategy | str,
    champion_order: npt.ArrayLike | None = None,
    group: npt.ArrayLike | None = None,
    weeks: int = 12,
    runs: int = 1000,
    seed: int = 0,
    target_share: float = 0.5,
    headcount: int | None = None,
    source_factor: npt.ArrayLike | None = None,
    transmission_cv: float = 0.0,
    background_cv: float = 0.0,
    baseline: Forecast | None = None,
) -> WhatIf:
    """The forecast with k champions chosen by `strategy` adopting now, beside the forecast
    without them (its .baseline: the forecast itself, made in the same pass). The model's
    arguments are forecast()'s; the target is target_share of the headcount (default: the
    people in the data). A `baseline` already made with the same model, weeks, runs and seed
    is returned as .baseline (it equals the one made here run for run); for several
    strategies, what_ifs shares one pass."""
    if baseline is not None and (baseline.weeks.size, baseline.runs, baseline.seed) != (
        weeks,
        runs,
        seed,
    ):
        raise ValueError("baseline: made with other weeks, runs or seed than this what-if")
    result = what_ifs(
        data,
        transmission_per_tie=transmission_per_tie,
        generation_pmf=generation_pmf,
        background_rate=background_rate,
        k=k,
        strategies=(strategy,),
        champion_order=champion_order,
        group=group,
        weeks=weeks,
        runs=runs,
        seed=seed,
        target_share=target_share,
        headcount=headcount,
        source_factor=source_factor,
        transmission_cv=transmission_cv,
        background_cv=background_cv,
    )[0]
    if baseline is None:
        return result
    return replace(result, baseline=baseline, baseline_week=baseline.week_reaching(result.target))


def what_ifs(
    data: AdoptionData,
    *,
    transmission_per_tie: float,
    generation_pmf: npt.ArrayLike,
    background_rate: float,
    k: int,
    strategies: Sequence[Strategy | str] = tuple(Strategy),
    champion_order: npt.ArrayLike | None = None,
    group: npt.ArrayLike | None = None,
    weeks: int = 12,
    runs: int = 1000,
    seed: int = 0,
    target_share: float = 0.5,
    headcount: int | None = None,
    source_factor: npt.ArrayLike | None = None,
    transmission_cv: float = 0.0,
    background_cv: float = 0.0,
) -> list[WhatIf]:
    """what_if for several strategies, sharing one baseline: one forecast pass in all, each
    strategy's champions costing only what they change (forecast_variants)."""
    if not 0.0 < target_share <= 1.0:
        raise ValueError(f"target_share must be in (0, 1], got {target_share}")
    chosen = []
    for strategy in strategies:
        champions = choose_champions(
            data,
            k,
            strategy,
            champion_order=champion_order,
            group=group,
            tie_probability=window_probability(transmission_per_tie, generation_pmf),
            seed=seed,
        )
        if champions.size == 0:
            raise ValueError(
                f"{Strategy(strategy).value}: no non-adopter to choose from (in the group, "
                "or in the order given)"
            )
        chosen.append(champions)
    baseline, *with_them = forecast_variants(
        data,
        list(chosen),
        transmission_per_tie=transmission_per_tie,
        generation_pmf=generation_pmf,
        background_rate=background_rate,
        weeks=weeks,
        runs=runs,
        seed=seed,
        source_factor=source_factor,
        transmission_cv=transmission_cv,
        background_cv=background_cv,
    )
    target = target_share * (data.n_people if headcount is None else headcount)
    return [
        WhatIf(
            strategy=Strategy(strategy),
            champions=champions,
            baseline=baseline,
            forecast=fc,
            target_share=target_share,
            target=target,
            baseline_week=baseline.week_reaching(target),
            week=fc.week_reaching(target),
        )
        for strategy, champions, fc in zip(strategies, chosen, with_them, strict=True)
    ]
