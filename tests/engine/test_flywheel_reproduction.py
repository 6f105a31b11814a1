"""Flywheel R, Wallinga-Teunis, Cori and the shuffled baseline: by hand and against EpiEstim."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.flywheel.attribution import Attribution, attribute
from peerwheel.engine.flywheel.cascades import email_eu_core_network
from peerwheel.engine.flywheel.data import AdoptionData, csr_from_edges, no_events
from peerwheel.engine.flywheel.reproduction import (
    cori_rt,
    flywheel_r,
    flywheel_r_by_group,
    imported_adopters,
    shuffled_baseline_r,
    wallinga_teunis_case_r,
    wallinga_teunis_r,
    weekly_new_adopters,
)

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "epiestim"
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def golden(name: str) -> tuple[np.ndarray, np.ndarray]:
    incidence = pd.read_csv(GOLDEN / f"{name}_incidence.csv")["I"].to_numpy()
    si = pd.read_csv(GOLDEN / f"{name}_si.csv")["w"].to_numpy()
    return incidence, si


@pytest.mark.parametrize(("name", "window"), [("flu2009", 7), ("flu1918", 14)])
def test_cori_matches_epiestim(name: str, window: int) -> None:
    incidence, si = golden(name)
    want = pd.read_csv(GOLDEN / f"{name}_cori.csv")
    got = cori_rt(incidence, si, window=window)
    assert (got.t_start + 1).tolist() == want["t_start"].tolist()  # EpiEstim counts from 1
    assert (got.t_end + 1).tolist() == want["t_end"].tolist()
    for ours, theirs in (
        (got.mean, "mean"),
        (got.std, "std"),
        (got.low, "q05"),
        (got.median, "median"),
        (got.high, "q95"),
    ):
        np.testing.assert_allclose(ours, want[theirs], rtol=1e-9)


@pytest.mark.parametrize("name", ["flu2009", "flu1918"])
def test_wallinga_teunis_matches_epiestim(name: str) -> None:
    incidence, si = golden(name)
    want = pd.read_csv(GOLDEN / f"{name}_wt.csv")
    case_r = wallinga_teunis_case_r(incidence, si)
    got = [
        (case_r[a - 1 : b] * incidence[a - 1 : b]).sum() / incidence[a - 1 : b].sum()
        for a, b in zip(want["t_start"], want["t_end"], strict=True)
    ]
    np.testing.assert_allclose(got, want["mean"], rtol=1e-9)


def test_wallinga_teunis_on_a_doubling_curve() -> None:
    # everyone is brought in by the previous week's adopters: each brings in two
    est = wallinga_teunis_r([1, 2, 4, 8, 16, 32], [0.0, 1.0], open_weeks=1)
    assert est.value == pytest.approx(2.0)
    assert est.low == est.high == pytest.approx(2.0)  # one possible ancestry
    assert est.adopters == 31
    # the first and third weeks' adopters started alone: the second week's bring in nobody
    case_r = wallinga_teunis_case_r([1, 2, 4, 8], [0.0, 1.0], imported=[1, 0, 4, 0])
    assert case_r.tolist() == pytest.approx([2.0, 0.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="imported"):
        wallinga_teunis_case_r([1, 2], [0.0, 1.0], imported=[0, 3])
    with pytest.raises(ValueError, match="gap of 0"):
        wallinga_teunis_case_r([1, 2], [0.5, 0.5])


def test_cori_on_a_doubling_curve_tends_to_two() -> None:
    incidence = 2 ** np.arange(12)
    rt = cori_rt(incidence, [0.0, 1.0], window=4)
    # (1 + sum I) / (1/5 + sum I / 2) for each window: close to 2 once the counts are large
    assert rt.mean[-1] == pytest.approx(2.0, rel=0.01)
    assert (rt.low < rt.mean).all() and (rt.mean < rt.high).all()
    assert rt.t_start[0] == 1 and rt.t_end[-1] == 11


def tiny(days: list[int], as_of: int) -> AdoptionData:
    n = len(days)
    indptr, indices, _ = csr_from_edges(n, [], [])
    day = np.array(days, dtype=np.int32)
    return AdoptionData(
        n, indptr, indices, None, np.array([0, 0, 1, 1, 1][:n], dtype=np.int32),
        day, (day >= 0) & (day < 7), *no_events(), as_of_day=as_of,
    )  # fmt: skip


def credits(pairs: list[tuple[int, int, float]]) -> Attribution:
    t, s, c = zip(*pairs, strict=True)
    return Attribution(
        target=np.array(t, dtype=np.int32),
        source=np.array(s, dtype=np.int32),
        credit=np.array(c),
        generation_pmf=np.array([0, 1.0]),
        transmission_per_tie=0.1,
        background_rate=0.0,
        realised_pmf=np.array([0, 1.0]),
    )


def test_flywheel_r_is_mean_credit_over_closed_adopters() -> None:
    # 0 seeded (day 0); 1 (day 10) and 2 (day 20) closed at as-of 60; 3 (day 40) still open
    data = tiny([0, 10, 20, 40, -1], as_of=60)
    attr = credits([(1, 0, 1.0), (2, 0, 0.5), (2, 1, 0.5), (3, 1, 0.75), (3, -1, 0.25)])
    est = flywheel_r(data, attr)
    assert est.adopters == 3  # adoption at least 35 days before day 60
    assert est.value == pytest.approx((1.5 + 1.25 + 0.0) / 3)
    assert est.low <= est.value <= est.high
    assert np.isnan(flywheel_r(data, attr, closed_after_days=100).value)
    groups = flywheel_r_by_group(data, attr, [0, 0, 1, 1, 1], min_group=2)
    assert [(g.group, g.adopters, g.suppressed) for g in groups] == [(0, 2, False), (1, 1, True)]
    assert groups[0].value == pytest.approx((1.5 + 1.25) / 2) and np.isnan(groups[1].value)


def test_weekly_counts_and_imported_adopters() -> None:
    data = tiny([0, 3, 10, 15, 22], as_of=25)
    assert weekly_new_adopters(data).tolist() == [2, 1, 1]  # week 3 is not complete
    assert weekly_new_adopters(data, complete_only=False).tolist() == [2, 1, 1, 1]
    attr = credits([(2, -1, 0.5), (2, 0, 0.5), (3, -1, 1.0), (4, -1, 1.0)])
    assert imported_adopters(data).tolist() == [2, 0, 0]
    assert imported_adopters(data, attr).tolist() == [2, 0.5, 1.0]


@pytest.fixture(scope="module")
def email_departments() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not (DATA / "email-eu-core-edges.csv").exists():
        pytest.skip("shared data not present")
    net = email_eu_core_network(DATA)
    return net.indptr, net.indices, net.department


def test_without_peer_influence_r_is_no_more_than_the_shuffled_baseline(
    email_departments: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Six departments adopt fast on their own, nobody influences anyone: adopters cluster on
    the network, so ties 'explain' adoptions; the shuffled baseline shows the same R."""
    indptr, indices, department = email_departments
    n = department.shape[0]
    for seed in range(3):
        rng = np.random.default_rng(seed)
        hot = rng.choice(42, 6, replace=False)
        rate = np.where(np.isin(department, hot), 0.06, 0.002)
        week = rng.geometric(rate)
        day = np.where(week < 20, 7 * week + rng.integers(0, 7, n), -1).astype(np.int32)
        day[rng.choice(n, 5, replace=False)] = rng.integers(0, 7, 5)
        data = AdoptionData(
            n, indptr, indices, None, department, day, (day >= 0) & (day < 7), *no_events(),
            as_of_day=140,
        )  # fmt: skip
        value = flywheel_r(data, attribute(data)).value
        baseline = shuffled_baseline_r(data, runs=10, seed=seed)
        assert 0 < value < 0.5  # spurious: the true R is 0
        assert value == pytest.approx(baseline, rel=0.25)


def test_nothing_to_estimate_gives_nan_not_an_error() -> None:
    assert np.isnan(wallinga_teunis_r([], [0.0, 1.0]).value)
    assert cori_rt([], [0.0, 1.0]).mean.size == 0
    nobody = tiny([-1, -1, -1], as_of=30)
    assert weekly_new_adopters(nobody).tolist() == [0, 0, 0, 0]
    assert flywheel_r(nobody, attribute(nobody)).adopters == 0
    assert np.isnan(shuffled_baseline_r(nobody, runs=2))
    # adopters, but none whose window has closed
    recent = tiny([0, 10, -1], as_of=30)
    assert np.isnan(flywheel_r(recent, attribute(recent)).value)
    assert np.isnan(shuffled_baseline_r(recent, runs=2))
