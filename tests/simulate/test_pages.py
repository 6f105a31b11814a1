"""The Simulate page: who may use it, a run from the form to the curves, past runs, the demo."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.engine.scenarios import preset
from peerwheel.org.demo import demo_organisation_load
from peerwheel.org.models import Person
from peerwheel.simulate.demo import DEMO_COMPARISONS, simulate_demo
from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.services import simulation_run_create, simulation_run_execute

FORM = {
    "mode": "presets",
    "presets": ["mandate-only", "natural-show-and-tell"],
    "base": "natural",
    "strategies": ["natural", "degree"],
    "k": "2",
    "runs": "5",
    "weeks": "6",
    "seed": "42",
}


def test_the_page_is_for_leads_and_analysts(client_for: Callable[[str], Client]) -> None:
    url = reverse("simulate:home")
    assert client_for("alice").get(url).status_code == 403  # member
    assert client_for("bob").get(url).status_code == 403  # champion
    assert client_for("charlie").get(url).status_code == 403  # no role
    page = client_for("carol").get(url)  # lead
    assert page.status_code == 200
    assert "Natural champions + weekly show-and-tell" in page.content.decode()
    assert client_for("dan").get(url).status_code == 200  # analyst
    assert client_for("alice").post(url, FORM).status_code == 403
    assert not SimulationRun.objects.exists()


def test_the_navigation_links_to_the_page(client_for: Callable[[str], Client]) -> None:
    home = client_for("carol").get(reverse("home")).content.decode()
    assert f'href="{reverse("simulate:home")}"' in home


def test_two_to_four_arms_are_needed(client_for: Callable[[str], Client]) -> None:
    response = client_for("carol").post(reverse("simulate:home"), {**FORM, "presets": ["natural"]})
    assert response.status_code == 400
    assert "Choose between 2 and 4 to compare." in response.content.decode()
    five = {**FORM, "mode": "strategies", "strategies": ["none", "natural", "appointed",
                                                         "degree", "pagerank"]}  # fmt: skip
    assert client_for("carol").post(reverse("simulate:home"), five).status_code == 400
    assert not SimulationRun.objects.exists()


def _wait(pk: int) -> SimulationRun:
    deadline = time.monotonic() + 120  # the first run in a fresh checkout compiles numba kernels
    while time.monotonic() < deadline:
        run = SimulationRun.objects.get(pk=pk)
        if not run.is_active:
            return run
        time.sleep(0.05)
    raise AssertionError("the simulation did not finish")


@pytest.mark.django_db(transaction=True)
def test_a_run_goes_from_progress_to_curves_in_the_background(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("carol")
    started = client.post(reverse("simulate:home"), FORM, HTTP_HX_REQUEST="true")
    assert started.status_code == 200
    assert 'hx-trigger="every 500ms"' in started.content.decode()
    assert "<progress" in started.content.decode()
    run = _wait(SimulationRun.objects.get().pk)
    assert run.status == SimulationRun.Status.DONE, run.error
    assert run.created_by == User.objects.get(username="carol") and run.seed == 42
    assert run.parameters["runs"] == 5 and run.parameters["weeks"] == 6
    done = client.get(reverse("simulate:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in done  # finished: the polling stops
    assert f'data-plotly-figure="simulation-{run.pk}"' in done  # drawn by web/charts.js
    assert "Mandate only" in done and "Natural champions + weekly show-and-tell" in done
    arms = run.result["arms"]
    assert [len(a["mean_fraction"]) for a in arms] == [7, 7]  # weeks + 1
    assert [a["champions"] for a in arms] == [0, 2]
    assert all(a["band_low"][t] <= a["mean_fraction"][t] <= a["band_high"][t] for a in arms
               for t in range(7))  # fmt: skip
    # a lead can come back to it
    history = client.get(reverse("simulate:home")).content.decode()
    assert reverse("simulate:run", args=[run.pk]) in history
    detail = client.get(reverse("simulate:run", args=[run.pk])).content.decode()
    assert "data-plotly-figure" in detail and "5 runs of 6 weeks" in detail


@pytest.mark.django_db(transaction=True)
def test_strategies_in_one_scenario_and_a_failed_run_says_why(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("dan")
    form = {**FORM, "mode": "strategies", "failure_week": "3", "show_and_tell": "weekly"}
    client.post(reverse("simulate:home"), form)
    run = _wait(SimulationRun.objects.get().pk)
    assert run.status == SimulationRun.Status.DONE, run.error
    assert [a["name"] for a in run.result["arms"]] == ["Natural champions", "Best-connected people"]
    assert {a["scenario"]["failure_week"] for a in run.result["arms"]} == {3}
    assert {a["scenario"]["show_and_tell"] for a in run.result["arms"]} == {"weekly"}
    too_many = client.post(reverse("simulate:home"), {**FORM, "k": "50"})
    assert too_many.status_code == 400  # said on the form; no run is queued
    assert (
        "Natural champions + weekly show-and-tell: 50 champions is more than the 7 people in "
        "the organisation; choose at most 7"
    ) in too_many.content.decode()
    assert SimulationRun.objects.count() == 1
    # People can leave between the form and the run: the run fails and says why.
    queued = simulation_run_create(
        actor=None, arms=[preset("natural").with_changes(k=6)], runs=5, weeks=4
    )
    Person.objects.filter(employee_id__in=["E2", "E3"]).delete()
    failed = simulation_run_execute(run=queued)
    assert failed.status == SimulationRun.Status.FAILED
    assert failed.error == "Natural champions: 6 champions is more than the 5 people"
    page = client.get(reverse("simulate:run", args=[failed.pk])).content.decode()
    assert "The simulation failed: Natural champions: 6 champions is more than" in page


def test_past_runs_list_in_a_fixed_number_of_queries(
    client_for: Callable[[str], Client], django_assert_max_num_queries: Any, settings: Any
) -> None:
    settings.PEERWHEEL_MAX_RUNNING_SIMULATIONS = 6  # six queued runs of one lead
    client = client_for("carol")
    lead = User.objects.get(username="carol")
    for n in range(6):
        simulation_run_create(
            actor=lead,
            arms=[preset("natural").with_changes(k=3), preset("appointed").with_changes(k=3)],
            runs=5,
            weeks=4,
            seed=n,
        )
    with django_assert_max_num_queries(7):  # session, user, permissions, runs, closed waves
        response = client.get(reverse("simulate:home"))
    assert response.content.decode().count("Natural champions vs Appointed champions") == 6


@pytest.mark.slow
def test_the_demo_stores_finished_comparisons_that_tell_the_story(db: None) -> None:
    org = generate_demo_org(DemoOrgConfig(people=120, seed=42))
    demo_organisation_load(org)
    context = SimpleNamespace(seed=42, notes=[])
    simulate_demo(context)  # type: ignore[arg-type]
    runs = {run.title: run for run in SimulationRun.objects.all()}
    assert set(runs) == {title for title, _ in DEMO_COMPARISONS}
    assert all(run.status == SimulationRun.Status.DONE for run in runs.values())
    story = {a["key"]: a for a in runs["Mandate, appointed or natural champions?"].result["arms"]}
    assert story["natural-show-and-tell"]["final_mean"] > story["mandate-only"]["final_mean"]
    failure = {a["key"]: a for a in runs["What a visible failure in week 6 costs"].result["arms"]}
    assert (
        failure["natural-show-and-tell-failure"]["final_mean"]
        < failure["natural-show-and-tell"]["final_mean"]
    )
    assert context.notes == ["simulate: 2 stored comparisons of the presets"]


def test_execute_records_progress_and_a_result(org: dict[str, Any]) -> None:
    run = simulation_run_create(
        actor=None, arms=[preset("mandate-only"), preset("natural").with_changes(k=3)], runs=4,
        weeks=5,
    )  # fmt: skip
    assert run.status == SimulationRun.Status.QUEUED and run.progress == 0
    done = simulation_run_execute(run=run)
    assert done.status == SimulationRun.Status.DONE and done.progress == 100
    assert done.result["people"] == 7
    assert done.result["natural_from"] == "in-group ties (no hub activity yet)"
    assert done.finished is not None and done.started is not None
