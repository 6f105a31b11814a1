"""The home page's department × site headcount, which everyone signed in sees, never shows a
group under the minimum, nor one that subtracting shown cells from a known total gives back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from peerwheel.org.models import Department, Person, Site
from peerwheel.web.headcount import suppressed_headcount

FIGURE = re.compile(
    r'<script type="application/json" data-plotly-figure="headcount-chart">(.*?)</script>', re.S
)
SIZES = {
    ("Engineering", "London"): 9,
    ("Engineering", "Berlin"): 7,
    ("Sales", "London"): 6,
    ("Sales", "Berlin"): 8,
    ("Finance", "London"): 7,
    ("Finance", "Berlin"): 6,
    ("Operations", "London"): 10,
    ("Operations", "Berlin"): 5,
    ("Legal", "Berlin"): 1,  # one person: anyone who knows Legal's one Berlin hire learns nothing
}


def _shown_cells(html: str) -> dict[tuple[str, str], int]:
    match = FIGURE.search(html)
    if match is None:
        return {}
    shown = {}
    for trace in json.loads(match.group(1))["data"]:
        for department, people in zip(trace["y"], trace["x"], strict=True):
            if people is not None:
                shown[(department, trace["name"])] = people
    return shown


def _learnable(shown: dict[tuple[str, str], int], part: Callable[[tuple[str, str]], bool]) -> bool:
    """Whether subtracting the shown cells of one total from it gives a group under 5 back
    (a total whose cells are all hidden shows nothing to subtract from)."""
    true_total = sum(n for cell, n in SIZES.items() if part(cell))
    shown_in_part = [n for cell, n in shown.items() if part(cell)]
    hidden = true_total - sum(shown_in_part)
    return bool(shown_in_part) and 0 < hidden < 5


@pytest.mark.django_db
def test_a_one_person_cell_cannot_be_read_or_worked_out_from_the_home_page(
    client_for: Callable[[str], Client],
) -> None:
    n = 0
    for (department_name, site_name), size in SIZES.items():
        department, _ = Department.objects.get_or_create(name=department_name)
        site, _ = Site.objects.get_or_create(name=site_name)
        for _ in range(size):
            n += 1
            Person.objects.create(
                employee_id=f"H{n}", name=f"P {n}", department=department, site=site
            )
    client = client_for("alice")
    Person.objects.filter(email__endswith="@example.com").delete()  # only SIZES remain
    html = client.get("/").content.decode()

    shown = _shown_cells(html)
    assert shown  # the large cells are shown
    assert ("Legal", "Berlin") not in shown
    assert min(shown.values()) >= 5
    assert all(n == SIZES[cell] for cell, n in shown.items())
    # Subtracting shown cells from any total (the people tile, a department, a site) leaves
    # nothing, or a group of at least 5: never the one person.
    assert not _learnable(shown, lambda cell: True)  # the people tile
    for name in {d for d, _ in SIZES}:
        assert not _learnable(shown, lambda cell, name=name: cell[0] == name)
    for name in {s for _, s in SIZES}:
        assert not _learnable(shown, lambda cell, name=name: cell[1] == name)
    assert "not shown" in html


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("ABCDE"), st.sampled_from("xyz")),
        st.integers(min_value=1, max_value=12),
        max_size=15,
    ),
    st.integers(min_value=2, max_value=6),
)
def test_every_row_column_and_the_total_hide_nothing_or_at_least_the_minimum_group(
    sizes: dict[tuple[str, str], int], min_group: int
) -> None:
    rows = [(d, s, n) for (d, s), n in sizes.items()]
    result = suppressed_headcount(rows, min_group=min_group)
    shown = {(d, s): n for d, s, n in result.cells}

    assert all(n >= min_group for n in shown.values())
    partitions = [lambda c: True]
    partitions += [lambda c, d=d: c[0] == d for d in "ABCDE"]
    partitions += [lambda c, s=s: c[1] == s for s in "xyz"]
    for part in partitions:
        hidden = [n for cell, n in sizes.items() if part(cell) and cell not in shown]
        assert not hidden or (len(hidden) >= 2 or len([c for c in sizes if part(c)]) == 1)
        assert (
            not hidden
            or sum(hidden) >= min_group
            or sum(hidden) == sum(n for cell, n in sizes.items() if part(cell))
        )
    assert result.hidden == len(sizes) - len(shown)
