"""Ground-truth cascades on the email-Eu-core network: the truth they carry is consistent."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from peerwheel.engine.flywheel.cascades import (
    GroundTruthCascade,
    TieNetwork,
    email_eu_core_network,
    ground_truth_cascade,
)
from peerwheel.engine.flywheel.data import (
    EVENT_KINDS,
    AdoptionData,
    FlywheelDataError,
    csr_from_edges,
    seeded_first_week,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def network() -> TieNetwork:
    if not (DATA / "email-eu-core-edges.csv").exists():
        pytest.skip("shared data not present")
    return email_eu_core_network(DATA)


def test_email_network_is_symmetric_without_self_loops(network: TieNetwork) -> None:
    n = network.n
    assert n == 1005
    rows = np.repeat(np.arange(n), np.diff(network.indptr))
    assert not (rows == network.indices).any()
    pairs = set(zip(rows.tolist(), network.indices.tolist(), strict=True))
    assert all((b, a) in pairs for a, b in pairs)
    assert len(pairs) // 2 == 16064  # SNAP's undirected edge count without self-loops
    assert set(np.unique(network.weights)) == {0.5, 1.0}


def test_csr_from_edges_merges_both_directions_and_keeps_the_largest_weight() -> None:
    indptr, indices, weights = csr_from_edges(3, [0, 1, 2, 1], [1, 0, 2, 2], [1.0, 3.0, 9, 2])
    assert indptr.tolist() == [0, 1, 3, 4]
    assert indices.tolist() == [1, 0, 2, 1]
    assert weights is not None and weights.tolist() == [3.0, 3.0, 2.0, 2.0]


def test_truth_is_consistent(network: TieNetwork) -> None:
    c = ground_truth_cascade(network, seed=3)
    day, inf = c.true_adoption_day, c.infector
    brought = np.flatnonzero(inf >= 0)
    # the infector is a tie who adopted 1-4 weeks earlier
    src = inf[brought]
    gap = day[brought] // 7 - day[src] // 7
    assert ((gap >= 1) & (gap <= 4)).all()
    ties = {
        (a, b)
        for a in range(network.n)
        for b in network.indices[network.indptr[a] : network.indptr[a + 1]]
    }
    assert all((int(a), int(b)) in ties for a, b in zip(src, brought, strict=True))
    # seeded people are adopters of week 0 with no infector
    seeded = c.data.seeded
    assert seeded.sum() == 5 and (day[seeded] < 7).all() and (inf[seeded] == -1).all()
    assert c.true_brought_in().sum() == brought.shape[0]
    closed = (day >= 0) & (day <= 150 - 35)
    assert c.true_r(150) == pytest.approx(c.true_brought_in()[closed].mean())


def test_events_record_85_percent_of_transmissions_plus_noise(network: TieNetwork) -> None:
    recorded, true_total, events = 0, 0, 0
    for seed in range(10):
        c = ground_truth_cascade(network, seed=seed)
        d = c.data
        t, s, e = d.event_target, d.event_source, d.event_day
        # an event from the true infector in the 28 days before, after the source adopted
        linked = (
            (c.infector[t] == s)
            & (e <= d.adoption_day[t])
            & (e >= d.adoption_day[t] - 27)
            & (e >= d.adoption_day[s])
        )
        recorded += np.unique(t[linked]).shape[0]
        true_total += int((c.infector >= 0).sum())
        events += e.shape[0]
        noise_kinds = {EVENT_KINDS[k] for k in d.event_kind[c.infector[t] != s]}
        assert noise_kinds == {"reacted", "commented", "mentioned"}
    assert recorded / true_total == pytest.approx(0.85, abs=0.03)
    assert events / recorded == pytest.approx(1.40, abs=0.05)


def test_cascades_have_mid_growth_with_a_tenth_starting_alone(network: TieNetwork) -> None:
    alone, adopters = 0, 0
    start = time.perf_counter()
    cascades: list[GroundTruthCascade] = [ground_truth_cascade(network, seed=s) for s in range(20)]
    assert (time.perf_counter() - start) / 20 < 0.2
    for c in cascades:
        adopted = c.true_adoption_day >= 0
        alone += int((adopted & (c.infector < 0) & ~c.data.seeded).sum())
        adopters += int(adopted.sum())
        mid = c.mid_growth_day(0.5)
        eventual = int(adopted.sum())
        assert 0.4 * eventual <= c.true_cumulative(mid) <= 0.7 * eventual
        assert c.true_cumulative(mid - 35) >= 30  # enough closed adopters to estimate R
        assert 5 <= mid // 7 <= 35
        assert 0.5 < c.true_r(mid) < 3.0
    assert alone / adopters == pytest.approx(0.10, abs=0.04)


def test_truncate_sees_the_same_data_earlier(network: TieNetwork) -> None:
    c = ground_truth_cascade(network, seed=1)
    early = c.data.truncate(70)
    assert early.as_of_day == 70
    assert (
        (early.adoption_day >= 0) == ((c.true_adoption_day >= 0) & (c.true_adoption_day < 70))
    ).all()
    assert (early.event_day < 70).all()
    assert early.seeded.sum() == c.data.seeded.sum()
    with pytest.raises(FlywheelDataError, match="after the data"):
        early.truncate(80)


def test_seeded_first_week_and_bad_arrays() -> None:
    assert seeded_first_week([-1, 15, 20, 22, 40]).tolist() == [False, True, True, False, False]
    assert not seeded_first_week([-1, -1]).any()
    indptr, indices, _ = csr_from_edges(2, [0], [1])
    empty = np.zeros(0, dtype=np.int32)
    with pytest.raises(FlywheelDataError, match="department"):
        AdoptionData(
            n_people=2,
            indptr=indptr,
            indices=indices,
            weights=None,
            department=np.zeros(3, dtype=np.int32),
            adoption_day=np.array([0, -1], dtype=np.int32),
            seeded=np.array([True, False]),
            event_source=empty,
            event_target=empty,
            event_kind=np.zeros(0, dtype=np.int8),
            event_day=empty,
            as_of_day=10,
        )
