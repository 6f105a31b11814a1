"""The Simulate page's peer model is calibrated (issue 17): to the published effects by default,
to the organisation's own closed study wave when there is one, shown on the page and stored with
every run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from peerwheel.engine.calibration import WORKPLACE_BASE
from peerwheel.engine.networks import Network, watts_strogatz
from peerwheel.engine.scenarios import preset
from peerwheel.engine.study import simulate_responses
from peerwheel.simulate import calibration
from peerwheel.simulate.calibration import PeerTargets, calibrated_base, peer_targets
from peerwheel.simulate.services import simulation_run_create, simulation_run_execute
from peerwheel.study.analysis import OUTCOMES
from peerwheel.study.models import SurveyWave
from peerwheel.study.services import survey_import
from peerwheel.study.snapshots import published_snapshot, snapshot_report

PUBLISHED = PeerTargets(8.9, 10.4, "the published research")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def office() -> Network:
    return watts_strogatz(300, 10, 0.1, rng_seed=3)


@pytest.fixture
def imported_wave(tmp_path: Path, db: None) -> SurveyWave:
    path = tmp_path / "survey.csv"
    simulate_responses(300, seed=11, n_teams=30).to_csv(path, index=False)
    report = survey_import(path, wave_name="Autumn survey")
    return SurveyWave.objects.get(pk=report.data["wave"])


def test_without_a_closed_wave_the_published_effects_are_the_targets(
    client_for: Callable[[str], Client],
) -> None:
    assert peer_targets() == PUBLISHED
    page = client_for("carol").get(reverse("simulate:home")).content.decode()
    assert "Peer influence is calibrated to the published research" in page
    assert "<strong>8.9 points</strong>" in page and "<strong>10.4 points</strong>" in page
    assert "a closed study wave of your own replaces these" in page


def test_a_closed_wave_replaces_them_with_the_organisations_own_effects(
    client_for: Callable[[str], Client], imported_wave: SurveyWave
) -> None:
    snapshot = published_snapshot(imported_wave)
    assert snapshot is not None
    report, _ = snapshot_report(snapshot, outcomes=OUTCOMES)
    heavy = round(100 * report.effect("heavy_user", "peer_influence").ame, 1)
    agent = round(100 * report.effect("agent_user", "peer_influence").ame, 1)
    targets = peer_targets()
    assert (targets.heavy, targets.agent, targets.wave_id) == (heavy, agent, imported_wave.pk)
    assert targets.source == "your study's wave “Autumn survey” (300 respondents)"
    assert (heavy, agent) != (8.9, 10.4)
    page = client_for("dan").get(reverse("simulate:home")).content.decode()
    assert "calibrated to your study&#x27;s wave “Autumn survey” (300 respondents)" in page
    assert f"<strong>{heavy} points</strong>" in page


def test_the_coefficients_reproduce_the_targets_on_the_network_and_are_cached(
    office: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    params, about = calibrated_base(office, PUBLISHED)
    assert about["heavy_effect"] == pytest.approx(8.9, abs=0.1)
    assert about["agent_effect"] == pytest.approx(10.4, abs=0.1)
    assert about["note"] == "" and about["source"] == "the published research"
    assert (params.a_explore, params.a_heavy) == (WORKPLACE_BASE.a_explore, WORKPLACE_BASE.a_heavy)
    assert params.beta_peer != WORKPLACE_BASE.beta_peer  # solved for this network
    stronger, _ = calibrated_base(office, PeerTargets(12.0, 14.0, "a study"))
    assert stronger.beta_peer > params.beta_peer

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("calibrated again")

    monkeypatch.setattr(calibration, "calibrate_workplace", never)
    again, _ = calibrated_base(office, PUBLISHED)  # same network, same targets: the cache
    assert again == params


def test_a_network_it_cannot_calibrate_on_keeps_the_defaults_and_says_why(office: Network) -> None:
    params, about = calibrated_base(office, PeerTargets(90.0, 10.4, "a study"))
    assert params == WORKPLACE_BASE
    assert about["heavy_effect"] is None
    assert about["note"].startswith("these effects cannot be reproduced on this network (")
    assert "out of reach" in about["note"]
    small, about = calibrated_base(watts_strogatz(20, 4, 0.1), PUBLISHED)
    assert small == WORKPLACE_BASE
    assert about["note"] == (
        "20 people are too few to calibrate on (at least 50): the coefficients calibrated on "
        "the demo company are used"
    )


def test_a_run_stores_and_shows_its_calibration(client_for: Callable[[str], Client]) -> None:
    run = simulation_run_create(
        actor=None, arms=[preset("mandate-only"), preset("natural").with_changes(k=3)], runs=4,
        weeks=5,
    )  # fmt: skip
    done = simulation_run_execute(run=run)
    stored = done.result["calibration"]
    assert stored["source"] == "the published research" and stored["heavy_target"] == 8.9
    assert stored["beta_peer"] == WORKPLACE_BASE.beta_peer  # seven people: the defaults
    page = client_for("carol").get(reverse("simulate:run", args=[run.pk])).content.decode()
    assert (
        "Peer influence calibrated to the published research: +1 SD of exposure raises heavy "
        "use by 8.9 points and agent use by 10.4; 7 people are too few to calibrate on"
    ) in page
