"""`peerwheel simulate` runs the peer model the Simulate page runs (issue 17): calibrated by
`simulate.calibration.calibrated_base` to the latest closed study wave or the published effects,
says which, and runs the engine's raw defaults with --no-calibrate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from peerwheel.engine.calibration import WORKPLACE_BASE
from peerwheel.engine.networks import Network, watts_strogatz
from peerwheel.engine.scenarios import preset
from peerwheel.engine.study import simulate_responses
from peerwheel.org.models import Person
from peerwheel.simulate import selectors
from peerwheel.simulate.calibration import calibrated_base, published_targets
from peerwheel.simulate.graphs import load_file_graph
from peerwheel.simulate.services import simulation_run_create, simulation_run_execute
from peerwheel.study.services import survey_import
from tests.simulate.helpers import simulate, simulate_json


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _page(arm_key: str, *, k: int | None, runs: int, weeks: int, seed: int) -> dict[str, Any]:
    """The Simulate page's run of one preset arm: its stored result."""
    arm = preset(arm_key) if k is None else preset(arm_key).with_changes(k=k)
    run = simulation_run_create(actor=None, arms=[arm], runs=runs, weeks=weeks, seed=seed)
    done = simulation_run_execute(run=run)
    assert done.status == "done", done.error
    return dict(done.result)


def _same_curves(page: dict[str, Any], command: dict[str, Any]) -> None:
    arm = page["arms"][0]
    assert arm["mean_fraction"] == pytest.approx(command["mean_fraction"], abs=5e-5)
    assert arm["heavy"] == pytest.approx(command["state_mean_fraction"]["heavy"], abs=5e-5)


def test_on_the_small_organisation_the_command_gives_the_pages_numbers(
    org: dict[str, Person],
) -> None:
    page = _page("natural", k=3, runs=6, weeks=10, seed=7)
    args = ("--preset", "natural", "--k", "3", "--runs", "6", "--steps", "10", "--rng-seed", "7")
    command = simulate_json(*args)
    _same_curves(page, command)
    assert command["calibration"] == {"calibrated": True, **page["calibration"]}
    assert command["calibration"]["beta_peer"] == WORKPLACE_BASE.beta_peer  # seven people
    text = simulate(*args)
    assert (
        "peer influence: calibrated to the published research (+1 SD of exposure: heavy use "
        "+8.9 points, agent use +10.4); fallback: 7 people are too few to calibrate on (at "
        "least 50): the coefficients calibrated on the demo company are used (beta_peer 0.506, "
        "beta_peer_agent 0.438)"
    ) in text.splitlines()
    raw = simulate_json(*args, "--no-calibrate")
    assert raw["calibration"] == {
        "calibrated": False,
        "source": "the engine's uncalibrated defaults",
    }
    assert raw["mean_fraction"] != command["mean_fraction"]
    assert raw["mean_fraction"][-1] > command["mean_fraction"][-1]  # the defaults spread faster
    assert "peer influence: the engine's uncalibrated defaults (--no-calibrate)" in simulate(
        *args, "--no-calibrate"
    )


def test_calibrated_to_a_closed_wave_the_command_and_the_page_agree(
    org: dict[str, Person], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A network big enough to calibrate on (the selectors' network, for both), and the
    organisation's own closed wave as the targets."""
    office = watts_strogatz(120, 8, 0.1, rng_seed=5)
    monkeypatch.setattr(selectors, "organisation_network", lambda: office)
    survey = tmp_path / "survey.csv"
    simulate_responses(300, seed=11, n_teams=30).to_csv(survey, index=False)
    survey_import(survey, wave_name="Autumn survey")
    page = _page("mandate-only", k=None, runs=5, weeks=12, seed=3)
    args = ("--preset", "mandate-only", "--runs", "5", "--steps", "12", "--rng-seed", "3")
    command = simulate_json(*args)
    _same_curves(page, command)
    about = command["calibration"]
    assert about == {"calibrated": True, **page["calibration"]}
    assert about["source"] == "your study's wave “Autumn survey” (300 respondents)"
    assert (about["heavy_target"], about["agent_target"]) != (8.9, 10.4)
    text = simulate(*args)
    assert "peer influence: calibrated to your study's wave “Autumn survey”" in text
    compared = json.loads(
        simulate("compare", *args, "--strategies", "none", "--workers", "1", "--json")
    )
    assert compared["calibration"] == about
    assert compared["rows"][0]["mean_fraction"] == pytest.approx(command["mean_fraction"])


def _edge_file(network: Network, path: Path) -> Path:
    rows = ["source,target"]
    adjacency = network.adjacency.tocoo()
    for i, j in zip(adjacency.row, adjacency.col, strict=True):
        if i < j:
            rows.append(f"n{i},n{j}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_file_graph_is_calibrated_the_same_way_without_a_database(tmp_path: Path) -> None:
    office = watts_strogatz(80, 6, 0.1, rng_seed=9)
    edges = _edge_file(office, tmp_path / "office.csv")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3",
        "PEERWHEEL_CACHE_URL": "db",  # even a database cache is left alone for a file
        "PEERWHEEL_HOME": str(tmp_path / "home"),
    }
    command = [sys.executable, "-m", "peerwheel.cli", "simulate", "--graph", str(edges)]
    done = subprocess.run(
        [*command, "--runs", "4", "--steps", "6", "--json"],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "no").exists()
    about = json.loads(done.stdout)["calibration"]
    network, _ = load_file_graph(edges)
    params, expected = calibrated_base(network, published_targets(), use_cache=False)
    assert about == {"calibrated": True, **expected}
    assert about["note"] == "" and about["heavy_effect"] == pytest.approx(8.9, abs=0.1)
    assert about["beta_peer"] == round(params.beta_peer, 4) != WORKPLACE_BASE.beta_peer
    table = simulate("compare", "--graph", str(edges), "--strategies", "degree", "--k", "3",
                     "--runs", "2", "--steps", "4", "--workers", "1")  # fmt: skip
    assert table.splitlines()[-1].startswith(
        "peer influence: calibrated to the published research (+1 SD of exposure: heavy use "
        "+8.9 points, agent use +10.4); reproduced "
    )
    assert table.splitlines()[-2] == ""


def test_other_models_have_no_calibration(tmp_path: Path) -> None:
    edges = _edge_file(watts_strogatz(60, 4, 0.1, rng_seed=1), tmp_path / "e.csv")
    out = simulate_json("--graph", str(edges), "--model", "cascade", "--seed-strategy", "degree",
                        "--k", "3", "--runs", "2", "--steps", "3")  # fmt: skip
    assert "calibration" not in out
