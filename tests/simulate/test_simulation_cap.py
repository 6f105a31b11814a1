"""Issue #11 item 12: a cap on the simulations one login has queued or running at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerwheel.engine.scenarios import preset
from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.services import SimulationLimitError, simulation_run_create
from tests.simulate.test_pages import FORM

pytestmark = pytest.mark.django_db


def _queue(user: User | None) -> SimulationRun:
    return simulation_run_create(
        actor=user, arms=[preset("natural").with_changes(k=2)], runs=2, weeks=3
    )


def test_a_third_run_from_the_page_is_refused_while_two_are_queued_or_running(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    _queue(cast["carol"])
    SimulationRun.objects.filter(pk=_queue(cast["carol"]).pk).update(status="running")

    response = client_for("carol").post(reverse("simulate:home"), FORM)

    assert response.status_code == 400
    assert (
        "you already have 2 simulations queued or running (at most 2 at once); wait for one "
        "to finish, then start this one"
    ) in response.content.decode()
    assert SimulationRun.objects.count() == 2


def test_a_finished_run_frees_its_place_and_others_are_not_held_back(
    cast: dict[str, User],
) -> None:
    first, _ = _queue(cast["carol"]), _queue(cast["carol"])
    with pytest.raises(SimulationLimitError):
        _queue(cast["carol"])

    _queue(cast["dan"])  # another login has its own places
    SimulationRun.objects.filter(pk=first.pk).update(status="failed")
    _queue(cast["carol"])

    assert SimulationRun.objects.filter(created_by=cast["carol"]).count() == 3


def test_the_cap_comes_from_the_setting(cast: dict[str, User], settings: Any) -> None:
    settings.PEERWHEEL_MAX_RUNNING_SIMULATIONS = 1
    _queue(cast["carol"])

    with pytest.raises(SimulationLimitError, match="at most 1 at once"):
        _queue(cast["carol"])


def test_a_run_left_behind_by_a_restart_stops_counting_after_six_hours(
    cast: dict[str, User],
) -> None:
    stale = [_queue(cast["carol"]), _queue(cast["carol"])]
    SimulationRun.objects.filter(pk__in=[r.pk for r in stale]).update(
        status="running", created=timezone.now() - timedelta(hours=7)
    )

    _queue(cast["carol"])

    assert SimulationRun.objects.filter(created_by=cast["carol"]).count() == 3
