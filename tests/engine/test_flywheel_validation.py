"""The flywheel estimators against cascades whose truth is known (issue 14's validation).

50 ground-truth cascades on the email-Eu-core network (cascades.py: 10% start alone, 85% of
true transmissions recorded, noise events at 40% of the recorded ones), each seen at the
Monday after half of its eventual adopters had adopted (mid-growth).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from peerwheel.engine.flywheel.attribution import attribute, attribute_events_only
from peerwheel.engine.flywheel.cascades import (
    TieNetwork,
    email_eu_core_network,
    ground_truth_cascade,
)
from peerwheel.engine.flywheel.champions import champion_scores
from peerwheel.engine.flywheel.data import EVENT_KINDS, AdoptionData
from peerwheel.engine.flywheel.reproduction import (
    flywheel_r,
    imported_adopters,
    shuffled_baseline_r,
    wallinga_teunis_r,
    weekly_new_adopters,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SEEDS = range(50)


@dataclass(frozen=True)
class Outcome:
    true_r: float
    value: float
    low: float
    high: float
    events_only: float
    curve_only: float
    curve_plain: float
    baseline: float
    champion_hits: int


def measures(data: AdoptionData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Help, reach, bridging and consistency as the product derives them from events."""
    n = data.n_people

    def distinct(kind: str) -> tuple[np.ndarray, np.ndarray]:
        mask = data.event_kind == EVENT_KINDS.index(kind)
        key = np.unique(data.event_source[mask].astype(np.int64) * n + data.event_target[mask])
        return key // n, key % n

    helper, _ = distinct("answered")
    source, target = distinct("tried")
    reach = np.bincount(source, minlength=n).astype(float)
    outside = (data.department[source] != data.department[target]).astype(float)
    out = np.bincount(source, weights=outside, minlength=n)
    bridging = np.divide(out, reach, out=np.zeros(n), where=reach > 0)
    weeks = (data.as_of_day - data.adoption_day) // 7
    consistency = np.where(data.adopted, np.minimum(12, weeks), 0)
    return np.bincount(helper, minlength=n), reach, bridging, consistency


def run(network: TieNetwork, seed: int) -> Outcome:
    cascade = ground_truth_cascade(network, seed=seed)
    as_of = cascade.mid_growth_day(0.5)
    data = cascade.data.truncate(as_of)
    attribution = attribute(data)
    estimate = flywheel_r(data, attribution)
    incidence = weekly_new_adopters(data)
    curve = wallinga_teunis_r(
        incidence, attribution.realised_pmf, imported=imported_adopters(data, attribution)
    )
    plain = wallinga_teunis_r(incidence, attribution.realised_pmf, imported=None)
    ranking = champion_scores(attribution.brought_in(data.n_people), *measures(data))
    truly = cascade.true_brought_in(as_of)
    twentieth = np.sort(truly)[-20]  # anyone tied with the 20th counts among the 20
    return Outcome(
        true_r=cascade.true_r(as_of),
        value=estimate.value,
        low=estimate.low,
        high=estimate.high,
        events_only=flywheel_r(data, attribute_events_only(data)).value,
        curve_only=curve.value,
        curve_plain=plain.value,
        baseline=shuffled_baseline_r(data, runs=5, seed=seed),
        champion_hits=int((truly[ranking.top(10)] >= twentieth).sum()),
    )


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    if not (DATA / "email-eu-core-edges.csv").exists():
        pytest.skip("shared data not present")
    network = email_eu_core_network(DATA)
    return [run(network, seed) for seed in SEEDS]


@pytest.mark.slow
def test_flywheel_r_is_within_10_percent_in_every_seed(outcomes: list[Outcome]) -> None:
    errors = [abs(o.value / o.true_r - 1) for o in outcomes]
    assert max(errors) <= 0.10, f"worst seed {int(np.argmax(errors))}: {max(errors):.3f}"


@pytest.mark.slow
def test_its_90_percent_interval_covers_in_90_percent_of_seeds(outcomes: list[Outcome]) -> None:
    covered = [o.low <= o.true_r <= o.high for o in outcomes]
    assert np.mean(covered) >= 0.9


@pytest.mark.slow
def test_events_only_is_biased_low_by_the_unrecorded_share(outcomes: list[Outcome]) -> None:
    ratio = np.array([o.events_only / o.true_r for o in outcomes])
    # 15% of transmissions were never recorded; noise events give some of it back
    assert 0.75 <= ratio.mean() <= 0.92
    assert (ratio < 1.0).mean() >= 0.9


@pytest.mark.slow
def test_curve_only_r_is_within_35_percent(outcomes: list[Outcome]) -> None:
    errors = [abs(o.curve_only / o.true_r - 1) for o in outcomes]
    assert max(errors) <= 0.35, f"worst seed {int(np.argmax(errors))}: {max(errors):.3f}"
    # without the background as imported cases the curve counts those who started alone as
    # brought in: biased high
    plain = np.array([o.curve_plain / o.true_r for o in outcomes])
    assert plain.mean() > 1.05


@pytest.mark.slow
def test_the_shuffled_baseline_sits_below_a_real_flywheel(outcomes: list[Outcome]) -> None:
    above = [o.value > o.baseline for o in outcomes]
    assert np.mean(above) >= 0.8
    assert np.mean([o.baseline / o.value for o in outcomes]) < 0.9


@pytest.mark.slow
def test_seven_of_the_top_ten_champions_truly_brought_most_in(outcomes: list[Outcome]) -> None:
    hits = [o.champion_hits for o in outcomes]
    assert min(hits) >= 7, f"seed {int(np.argmin(hits))}: {min(hits)} of 10"
