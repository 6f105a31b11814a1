"""Rough edges of the Simulate page (issue 17): a refused form says why where the result would
show, and a comparison where every arm saturates says to compare weeks to 50% instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from peerwheel.simulate.models import SimulationRun
from tests.simulate.test_pages import FORM

FIVE = ["none", "natural", "appointed", "degree", "pagerank"]


def test_too_many_strategies_with_htmx_answer_the_message_for_the_result_area(
    client_for: Callable[[str], Client],
) -> None:
    form = {**FORM, "mode": "strategies", "strategies": FIVE}
    response = client_for("carol").post(reverse("simulate:home"), form, HTTP_HX_REQUEST="true")
    assert response.status_code == 422  # swapped in by htmx (base.html's responseHandling)
    body = response.content.decode()
    assert "Strategies: Choose between 2 and 4 to compare." in body
    assert 'role="alert"' in body and "<html" not in body  # the partial, not a whole page
    assert not SimulationRun.objects.exists()


def test_presets_mode_needs_no_scenario_and_strategies_mode_does(
    client_for: Callable[[str], Client],
) -> None:
    """The panel of the mode not chosen is disabled in the browser, so its fields are not sent."""
    client = client_for("carol")
    no_base = {k: v for k, v in FORM.items() if k not in ("base", "strategies")}
    form = {**no_base, "mode": "strategies", "strategies": ["natural", "degree"]}
    strategies = client.post(reverse("simulate:home"), form)
    assert strategies.status_code == 400
    assert "Choose the scenario the strategies are compared in." in strategies.content.decode()
    page = client.get(reverse("simulate:home")).content.decode()
    assert 'data-mode-switch="mode"' in page
    assert page.count("data-mode-panel=") == 2


def _done_run(finals: list[float], weeks_to_half: list[float | None]) -> SimulationRun:
    arms = [
        {
            "key": f"arm-{i}",
            "name": f"Arm {i}",
            "champions": 2,
            "mean_fraction": [0.0, final],
            "band_low": [0.0, final],
            "band_high": [0.0, final],
            "heavy": [0.0, final / 2],
            "final_mean": final,
            "weeks_to_half": half,
            "heavy_share": 0.5,
        }
        for i, (final, half) in enumerate(zip(finals, weeks_to_half, strict=True))
    ]
    return SimulationRun.objects.create(
        title="t",
        status=SimulationRun.Status.DONE,
        parameters={"arms": [], "runs": 5, "weeks": 52},
        result={"people": 7, "ties": 9, "natural_from": "hub reach", "arms": arms},
    )


def test_a_comparison_where_every_arm_saturates_says_to_compare_weeks_to_half(
    client_for: Callable[[str], Client], cast: Any
) -> None:
    client = client_for("carol")
    saturated = _done_run([0.99, 0.995, 0.97], [14.0, 9.0, 21.0])
    page = client.get(reverse("simulate:run", args=[saturated.pk])).content.decode()
    assert "Every scenario ends with 95% or more of people adopting by week 52" in page
    assert "compare the <strong>weeks to 50%</strong> instead (Arm 1 is fastest, 9 weeks)" in page
    assert page.count('class="sim-compare-this"') == 4  # the header and each arm's cell
    one_apart = _done_run([0.99, 0.80], [14.0, 30.0])
    page = client.get(reverse("simulate:run", args=[one_apart.pk])).content.decode()
    assert "Every scenario ends with 95%" not in page and "sim-compare-this" not in page
