"""Critical mass: shares against the 10–25% band and the week the lower edge was crossed."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.flywheel.critical_mass import critical_mass
from peerwheel.engine.flywheel.data import AdoptionData, csr_from_edges, no_events


def _data(adoption_day: list[int], department: list[int], as_of_day: int) -> AdoptionData:
    n = len(adoption_day)
    indptr, indices, weights = csr_from_edges(n, np.arange(n - 1), np.arange(1, n))
    days = np.array(adoption_day, dtype=np.int32)
    src, tgt, kind, day = no_events()
    return AdoptionData(
        n_people=n,
        indptr=indptr,
        indices=indices,
        weights=weights,
        department=np.array(department, dtype=np.int32),
        adoption_day=days,
        seeded=np.zeros(n, dtype=bool),
        event_source=src,
        event_target=tgt,
        event_kind=kind,
        event_day=day,
        as_of_day=as_of_day,
    )


def _org() -> AdoptionData:
    # 20 people: department 0 (10 people) adopts early, department 1 (8) late, 2 unknown
    days = [0, 3, 9, 15, 30, -1, -1, -1, -1, -1]  # dept 0: weeks 0, 0, 1, 2, 4
    days += [40, 50, -1, -1, -1, -1, -1, -1]  # dept 1: weeks 5, 7
    days += [8, -1]  # unknown department: week 1
    depts = [0] * 10 + [1] * 8 + [-1] * 2
    return _data(days, depts, as_of_day=56)


def test_organisation_share_and_the_weeks_the_band_edges_were_crossed() -> None:
    cm = critical_mass(_org())
    assert cm.adopters == 8
    assert cm.headcount == 20
    assert cm.share == pytest.approx(0.40)
    # 10% of 20 = 2 adopters: reached by the end of week 0; 25% = 5: by the end of week 2
    assert cm.crossed_week == 0
    assert cm.upper_week == 2
    assert cm.position == "above"


def test_each_department_against_the_band_with_unknown_left_out() -> None:
    cm = critical_mass(_org())
    assert [g.group for g in cm.groups] == [0, 1]
    dept0, dept1 = cm.groups
    assert (dept0.people, dept0.adopters, dept0.share) == (10, 5, pytest.approx(0.5))
    assert dept0.crossed_week == 0  # 10% of 10 = 1 adopter, in week 0
    # 10% of 8 = 0.8: one adopter is enough, in week 5
    assert (dept1.people, dept1.adopters, dept1.crossed_week) == (8, 2, 5)


def test_headcount_from_hr_is_the_denominator_and_can_leave_the_band_uncrossed() -> None:
    cm = critical_mass(_org(), headcount=200)
    assert cm.share == pytest.approx(0.04)
    assert cm.crossed_week is None  # 20 adopters needed, 8 so far
    assert cm.upper_week is None
    assert cm.position == "below"


def test_a_share_exactly_on_the_lower_edge_counts_as_crossed() -> None:
    # 10% of 30 people is exactly 3 adopters: 0.1 * 30 is 3.0000000000000004 in floating point
    data = _data([0, 7, 14] + [-1] * 27, [0] * 30, as_of_day=21)
    cm = critical_mass(data)
    assert cm.crossed_week == 2
    assert cm.position == "inside"
    assert cm.groups[0].crossed_week == 2


def test_the_truncated_data_sees_only_adoptions_before_the_as_of_day() -> None:
    cm = critical_mass(_org().truncate(14))  # adoptions on days 0, 3, 8, 9 only
    assert cm.adopters == 4
    assert cm.groups[1].adopters == 0
    assert cm.groups[1].crossed_week is None


def test_other_groups_and_a_custom_band() -> None:
    site = np.array([5] * 4 + [6] * 16)
    cm = critical_mass(_org(), band=(0.5, 0.75), department=site)
    assert [(g.group, g.people, g.adopters) for g in cm.groups] == [(5, 4, 4), (6, 16, 4)]
    assert cm.groups[0].crossed_week == 0
    assert cm.groups[1].crossed_week is None
    assert cm.crossed_week is None  # 8 of 20 is under 50%
    assert cm.position == "below"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"band": (0.3, 0.2)}, "band must satisfy"),
        ({"band": (0.0, 0.2)}, "band must satisfy"),
        ({"headcount": 5}, "headcount 5 is less than the 8 adopters"),
        ({"department": np.zeros(3)}, "one label per person"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        critical_mass(_org(), **kwargs)  # type: ignore[arg-type]
