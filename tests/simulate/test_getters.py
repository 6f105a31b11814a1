"""`run_for_viewer`: the one getter of a simulation run, for pages (404 / 403 through the
middleware, never a view's own lookup)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.engine.scenarios import preset
from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.selectors import run_for_viewer
from peerwheel.simulate.services import simulation_run_create

MISSING = 987654


@pytest.fixture
def run(cast: dict[str, User]) -> SimulationRun:
    return simulation_run_create(
        actor=cast["carol"],
        arms=[preset("natural").with_changes(k=2), preset("appointed").with_changes(k=2)],
        runs=5,
        weeks=4,
    )


def test_whoever_may_simulate_gets_any_run_with_its_author(
    cast: dict[str, User], run: SimulationRun
) -> None:
    for name in ("carol", "dan", "erin"):  # lead, analyst, admin
        got = run_for_viewer(run.pk, cast[name])
        assert got.pk == run.pk and got.created_by == cast["carol"]


def test_a_missing_run_is_not_found(cast: dict[str, User]) -> None:
    with pytest.raises(NotFoundError, match=f"no simulation run {MISSING}"):
        run_for_viewer(MISSING, cast["dan"])


def test_a_run_is_forbidden_to_those_who_may_not_simulate_even_one_that_exists(
    cast: dict[str, User], run: SimulationRun
) -> None:
    for name in ("alice", "bob", "charlie"):
        with pytest.raises(ForbiddenError, match="Run simulations"):
            run_for_viewer(run.pk, cast[name])
    # Forbidden before looked up: a missing run tells an outsider nothing more.
    with pytest.raises(ForbiddenError):
        run_for_viewer(MISSING, cast["alice"])


@pytest.mark.parametrize("page", ["simulate:run", "simulate:run_progress"])
def test_run_pages_answer_404_for_a_missing_run_and_403_for_a_member(
    client_for: Callable[[str], Client], run: SimulationRun, page: str
) -> None:
    assert client_for("dan").get(reverse(page, args=[run.pk])).status_code == 200
    assert client_for("dan").get(reverse(page, args=[MISSING])).status_code == 404
    assert client_for("alice").get(reverse(page, args=[run.pk])).status_code == 403
