"""Natural champions: the people who actually bring others in, ranked by evidence.

Five measures, each turned into a percentile among the people who have any of it (nobody scores
on a measure they have nothing of, and the top of a measure is spread, not squeezed into the
last percent of the organisation), combined as a weighted mean: people brought
in (credit from attribution), help (answers to distinct askers, accepted counted double), reach
(distinct people who tried their posts), bridging (the share of that reach outside their
department) and consistency (active weeks). Bringing people in weighs most: it is the outcome;
the others are how it happens. The evidence is in words and counts only: never who was brought
in, never anyone's usage volumes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peerwheel.engine.flywheel.data import F64, I64

MEASURES: tuple[str, ...] = ("brought_in", "help", "reach", "bridging", "consistency")
DEFAULT_WEIGHTS: dict[str, float] = {
    "brought_in": 3.0,
    "help": 1.0,
    "reach": 1.0,
    "bridging": 0.5,
    "consistency": 0.5,
}


@dataclass(frozen=True)
class ChampionRanking:
    """Scores (0..1) per person, the order best first (people with any evidence only), and the
    raw measures the evidence sentences read."""

    score: F64
    order: I64
    measures: dict[str, F64]

    def evidence(self, person: int) -> str:
        """One person's evidence in words, counts only."""
        m = {k: float(v[person]) for k, v in self.measures.items()}
        parts = []
        brought = round(m["brought_in"])
        if brought >= 1:
            parts.append(f"brought in about {brought} colleague{'s' * (brought != 1)}")
        help_ = round(m["help"])
        if help_ >= 1:
            parts.append(f"helped {help_} {'person' if help_ == 1 else 'people'} (answers)")
        reach = round(m["reach"])
        if reach >= 1:
            line = f"{reach} {'person' if reach == 1 else 'people'} tried their posts"
            if m["bridging"] > 0:
                line += f", {round(100 * m['bridging'])}% outside their department"
            parts.append(line)
        weeks = round(m["consistency"])
        if weeks >= 1:
            parts.append(f"active {weeks} week{'s' * (weeks != 1)}")
        return "; ".join(parts) if parts else "no evidence yet"

    def top(self, k: int) -> I64:
        return self.order[:k]


def _percentile(values: F64) -> F64:
    """Percentile among the people with any of it: 0 for none, else (the number of them with
    a lower value + 1) / their number, so the top is 1."""
    out = np.zeros(values.shape[0])
    some = values > 0
    held = values[some]
    out[some] = (np.searchsorted(np.sort(held), held, side="left") + 1) / max(held.shape[0], 1)
    return out


def champion_scores(
    brought_in: npt.ArrayLike,
    help: npt.ArrayLike,
    reach: npt.ArrayLike,
    bridging: npt.ArrayLike,
    consistency: npt.ArrayLike,
    *,
    weights: dict[str, float] | None = None,
) -> ChampionRanking:
    """Rank people by the weighted mean of their measures' percentiles (ties broken by people
    brought in, then help, then reach)."""
    raw = dict(zip(MEASURES, (brought_in, help, reach, bridging, consistency), strict=True))
    measures = {k: np.asarray(v, dtype=np.float64) for k, v in raw.items()}
    n = measures["brought_in"].shape[0]
    for name, values in measures.items():
        if values.shape != (n,):
            raise ValueError(f"{name}: expected one value per person ({n}), got {values.shape}")
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(f"{name}: values must be finite and non-negative")
    if (measures["bridging"] > 1).any():
        raise ValueError("bridging: a share between 0 and 1 expected")
    w = DEFAULT_WEIGHTS | (weights or {})
    total = sum(w[k] for k in MEASURES)
    score = sum(w[k] * _percentile(measures[k]) for k in MEASURES) / total
    score = np.asarray(score, dtype=np.float64)
    has = np.zeros(n, dtype=bool)
    for k in ("brought_in", "help", "reach"):
        has |= measures[k] > 0
    people = np.flatnonzero(has)
    order = people[
        np.lexsort(
            (
                -measures["reach"][people],
                -measures["help"][people],
                -measures["brought_in"][people],
                -score[people],
            )
        )
    ]
    return ChampionRanking(score=score, order=order.astype(np.int64), measures=measures)
