"""`peerwheel simulate`: the JSON shape, the models, the table, and every bad input of the issue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management.base import CommandError

from peerwheel.engine.diffusion import Cadence
from peerwheel.engine.diffusion.bass import discrete_recursion
from peerwheel.simulate import cli
from peerwheel.simulate.forms import ScenarioForm
from peerwheel.simulate.management.commands.simulate import Command as SimulateCommand
from peerwheel.simulate.options import SimulateOptions
from peerwheel.simulate.scenarios import scenario_task
from tests.simulate.helpers import EMAIL_DEPARTMENTS, simulate, simulate_json

Write = Callable[[str, str], Path]


def test_json_on_the_email_network_has_t_plus_one_cumulative_values(email_edges: Path) -> None:
    out = simulate_json(
        "--graph", str(email_edges), "--model", "threshold", "--thresholds", "uniform:0.1:0.3",
        "--seed-strategy", "degree", "--k", "10", "--runs", "8", "--steps", "12",
    )  # fmt: skip
    assert out["people"] == 1005 and out["runs"] == 8 and out["steps"] == 12
    for key in ("mean_fraction", "band_low", "band_high", "first_run_counts"):
        assert len(out[key]) == 13, key  # T + 1: index 0 is the state before the first step
    counts = np.array(out["first_run_counts"])
    assert counts[0] == 10  # the seeds
    assert np.all(np.diff(counts) >= 0)  # cumulative adopters
    assert len(out["final_sizes"]) == 8 and counts[-1] == out["final_sizes"][0]
    low, mean, high = (np.array(out[k]) for k in ("band_low", "mean_fraction", "band_high"))
    assert np.all(low <= mean + 1e-9) and np.all(mean <= high + 1e-9)
    assert out["mean_fraction"][0] == pytest.approx(10 / 1005, abs=1e-6)
    assert out["seconds"] > 0 and out["seed"] == 42
    assert len(out["seeds"]) == 10 and out["strategy"] == "degree"
    # the warnings count what the file really has
    edges = pd.read_csv(email_edges)
    loops = int((edges["source"] == edges["target"]).sum())
    rest = edges[edges["source"] != edges["target"]]
    pairs = set(zip(rest.min(axis=1), rest.max(axis=1), strict=True))
    assert out["graph"]["warnings"] == [
        f"{email_edges}: dropped {loops} self-loop(s)",
        f"{email_edges}: dropped {len(rest) - len(pairs)} repeated tie(s)",
    ]
    assert out["graph"]["ties"] == len(pairs)


def test_the_same_rng_seed_gives_the_same_result(ring: Path) -> None:
    args = ("--graph", str(ring), "--model", "cascade", "--edge-p", "0.3", "--seed-strategy",
            "pagerank", "--k", "2", "--runs", "20", "--steps", "8")  # fmt: skip
    first, again = simulate_json(*args), simulate_json(*args)
    assert first["final_sizes"] == again["final_sizes"]
    other = simulate_json(*args[:-4], "--runs", "20", "--steps", "8", "--rng-seed", "7")
    assert other["final_sizes"] != first["final_sizes"]


def test_peer_preset_reports_states_and_the_scenario(ring: Path, ring_groups: Path) -> None:
    out = simulate_json(
        "--graph", str(ring), "--groups", str(ring_groups), "--preset",
        "natural-show-and-tell-failure", "--k", "4", "--runs", "5", "--steps", "10",
    )  # fmt: skip
    assert out["model"] == "peer" and len(out["mean_fraction"]) == 11
    assert out["scenario"]["failure_week"] == 6 and out["scenario"]["show_and_tell"] == "weekly"
    assert out["first_run_counts"][0] == 4 and out["strategy"] == "natural"
    assert set(out["state_mean_fraction"]) >= {"explorer", "regular", "heavy", "agent"}
    assert set(out["breakdowns"]["department"]) == {"north", "south"}
    # natural champions without hub data: the best-tied in each group, groups in turn
    assert {int(s[1:]) < 20 for s in out["seeds"]} == {True, False}


def test_complex_contagion_and_weighted_cascade(ring: Path, write_file: Write) -> None:
    pair = write_file("pair.txt", "p0\np1\n")
    # on a ring tied to the next two, k = 2 spreads from two neighbours all the way round
    out = simulate_json(
        "--graph", str(ring), "--model", "complex", "--complex-k", "2", "--seeds", str(pair),
        "--runs", "1", "--steps", "40",
    )  # fmt: skip
    assert out["final_sizes"] == [40]
    stuck = simulate_json(
        "--graph", str(ring), "--model", "complex", "--complex-k", "3", "--seeds", str(pair),
        "--runs", "1", "--steps", "40",
    )  # fmt: skip
    assert stuck["final_sizes"] == [2]
    weighted = simulate_json(
        "--graph", str(ring), "--model", "cascade", "--edge-p", "weighted",
        "--seed-strategy", "degree", "--k", "3", "--runs", "10", "--steps", "10",
    )  # fmt: skip
    assert weighted["parameters"] == {"edge_p": "weighted"}


def test_bass_needs_no_graph_and_follows_the_recursion() -> None:
    out = simulate_json(
        "--model", "bass", "--p", "0.03", "--q", "0.38", "--people", "20000",
        "--runs", "20", "--steps", "15",
    )  # fmt: skip
    assert out["graph"]["nodes"] is None
    np.testing.assert_allclose(out["mean_fraction"], discrete_recursion(0.03, 0.38, 15), atol=0.01)


def test_compare_prints_the_table_and_writes_a_chart(ring: Path, tmp_path: Path) -> None:
    chart = tmp_path / "chart.html"
    text = simulate(
        "compare", "--graph", str(ring), "--strategies", "none,natural,degree", "--k", "4",
        "--runs", "10", "--steps", "20", "--workers", "1", "--out", str(chart),
    )  # fmt: skip
    lines = text.splitlines()
    assert lines[0].split() == [
        "scenario", "strategy", "runs", "mean", "final", "adoption", "weeks", "to", "50%",
        "heavy-user", "share",
    ]  # fmt: skip
    rows = {line.split()[1]: line.split() for line in lines[2:5]}
    assert set(rows) == {"none", "natural", "degree"}
    finals = {name: float(row[3].rstrip("%")) for name, row in rows.items()}
    assert finals["degree"] > finals["none"]
    assert all(row[-1].endswith("%") for row in rows.values())  # heavy-user share
    assert lines[-1] == f"chart written to {chart}"
    html = chart.read_text()
    assert "Plotly.newPlot" in html and "natural" in html and "95% of runs" in html


def test_compare_presets_pools_runs_over_rng_seeds(ring: Path) -> None:
    out = simulate_json(
        "compare", "--graph", str(ring), "--presets", "mandate-only,natural",
        "--rng-seeds", "1,2,3", "--k", "3", "--runs", "4", "--steps", "10", "--workers", "1",
    )  # fmt: skip
    assert [(r["scenario"], r["strategy"]) for r in out["rows"]] == [
        ("mandate-only", "none"),
        ("natural", "natural"),
    ]
    assert [r["runs"] for r in out["rows"]] == [12, 12]
    assert all(len(r["mean_fraction"]) == 11 for r in out["rows"])


# ---- bad input -----------------------------------------------------------------------------


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        simulate(*args)
    assert caught.value.returncode == 2
    return str(caught.value)


def test_self_loops_and_repeats_are_dropped_with_counts(write_file: Write) -> None:
    path = write_file("ties.csv", "a,a\na,b\nb,a\nb,c\na,b\nc,c\n")
    out = simulate_json("--graph", str(path), "--model", "cascade", "--runs", "1", "--steps", "1")
    assert out["graph"]["warnings"] == [
        f"{path}: dropped 2 self-loop(s)",
        f"{path}: dropped 2 repeated tie(s)",  # b,a after a,b is a repeat when undirected
    ]
    assert out["graph"]["ties"] == 2
    directed = simulate_json(
        "--graph", str(path), "--directed", "--model", "cascade", "--runs", "1", "--steps", "1"
    )
    assert directed["graph"]["warnings"][1] == f"{path}: dropped 1 repeated tie(s)"


def test_bad_edge_lists_name_the_file_and_line(write_file: Write) -> None:
    one = write_file("one.csv", "source,target\na,b\nc\n")
    assert fails("--graph", str(one)) == f"{one}, line 3: expected 2-3 columns, found 1: 'c'"
    weight = write_file("w.csv", "a,b,1\nb,c,heavy\n")
    assert (
        fails("--graph", str(weight))
        == f"{weight}, line 2: weight 'heavy' must be a positive number"
    )
    missing = Path(write_file("x.csv", "").parent / "nope.csv")
    assert f"{missing}: cannot open" in fails("--graph", str(missing))


def test_bad_seed_threshold_and_group_files_name_the_line(ring: Path, write_file: Write) -> None:
    seeds = write_file("seeds.txt", "p1\np99\n")
    assert fails("--graph", str(ring), "--seeds", str(seeds)) == (
        f"{seeds}, line 2: unknown node id 'p99'"
    )
    lines = "\n".join(f"p{i},0.2" for i in range(39))
    unknown = write_file("th.csv", f"node,threshold\n{lines}\nzz,0.3\n")
    model = ("--graph", str(ring), "--model", "threshold", "--thresholds")
    assert fails(*model, str(unknown)) == f"{unknown}, line 41: unknown node id 'zz'"
    high = write_file("th2.csv", f"{lines}\np39,1.5\n")
    assert fails(*model, str(high)) == f"{high}, line 40: threshold 1.5 is outside [0, 1]"
    assert "need 0 <= A <= B <= 1" in fails(*model, "uniform:0.5:2")
    groups = write_file("g.csv", "node,department\np1,north\nq7,south\n")
    assert fails("--graph", str(ring), "--groups", str(groups)) == (
        f"{groups}, line 3: unknown node id 'q7'"
    )
    natural = write_file("natural.txt", "p3\n\nnobody\n")
    assert fails("--graph", str(ring), "--natural-list", str(natural)) == (
        f"{natural}, line 3: unknown node id 'nobody'"
    )


def test_k_larger_than_the_graph_and_bad_strategies(ring: Path) -> None:
    assert fails("--graph", str(ring), "--seed-strategy", "degree", "--k", "41") == (
        "--k 41 is larger than the graph (40 nodes)"
    )
    assert "unknown strategy 'loudest'" in fails(
        "compare", "--graph", str(ring), "--strategies", "degree,loudest"
    )
    assert "no 'team' labels" in fails(
        "--graph", str(ring), "--seed-strategy", "appointed", "--appointed-from", "team=x"
    )
    assert "write a .html or a .png" in fails(
        "compare", "--graph", str(ring), "--strategies", "degree", "--k", "2", "--runs", "2",
        "--steps", "2", "--workers", "1", "--out", "chart.gif",
    )  # fmt: skip


def test_a_file_graph_needs_no_database(ring: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/db.sqlite3",
        "PEERWHEEL_HOME": str(tmp_path / "home"),
    }
    command = [sys.executable, "-m", "peerwheel.cli", "simulate", "--graph", str(ring)]
    good = subprocess.run(
        [*command, "--runs", "3", "--steps", "4", "--json"],
        env=env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert len(json.loads(good.stdout)["mean_fraction"]) == 5
    assert not (tmp_path / "no").exists()  # nothing tried to open the database
    # and in this process, where pytest-django refuses any database access without a marker:
    assert simulate_json("compare", "--graph", str(ring), "--strategies", "degree", "--k", "2",
                         "--runs", "2", "--steps", "2", "--workers", "1")["rows"]  # fmt: skip


def run_from_command_line(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """What `peerwheel simulate ARGS` does on a terminal: exit code and stderr."""
    with pytest.raises(SystemExit) as caught:
        SimulateCommand().run_from_argv(["peerwheel", "simulate", *args])
    return int(caught.value.code or 0), capsys.readouterr().err


def test_bad_input_on_the_command_line_exits_2_without_a_traceback(
    ring: Path, write_file: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_from_command_line(capsys, "--graph", str(ring), "--runs", "-3")
    assert code == 2
    assert "argument --runs: must be at least 1, got -3" in err
    seeds = write_file("s.txt", "p2\nghost\n")
    code, err = run_from_command_line(capsys, "--graph", str(ring), "--seeds", str(seeds))
    assert code == 2
    assert err.strip() == f"CommandError: {seeds}, line 2: unknown node id 'ghost'"
    code, err = run_from_command_line(capsys, "--graph", str(ring), "--steps", "many")
    assert code == 2 and "expected a whole number, got 'many'" in err
    assert "Traceback" not in err


def test_email_network_with_departments_compares_champions(email_edges: Path) -> None:
    text = simulate(
        "compare", "--graph", str(email_edges), "--groups", str(EMAIL_DEPARTMENTS),
        "--strategies", "appointed,natural,pagerank", "--k", "15", "--runs", "10",
        "--steps", "26", "--workers", "1",
    )  # fmt: skip
    rows = text.split("\n\n")[0].splitlines()[2:]  # the calibration line follows a blank line
    finals = {line.split()[1]: float(line.split()[3].rstrip("%")) for line in rows}
    assert finals["natural"] > finals["appointed"]
    assert finals["pagerank"] > finals["appointed"]


@pytest.mark.slow
def test_compare_in_several_processes_matches_one(ring: Path) -> None:
    args = ("compare", "--graph", str(ring), "--presets", "natural,mandate-only",
            "--strategies", "natural,degree", "--rng-seeds", "3,4", "--k", "3", "--runs", "5",
            "--steps", "8")  # fmt: skip
    inline = simulate_json(*args, "--workers", "1")
    pooled = simulate_json(*args, "--workers", "2")
    assert len(inline["rows"]) == 4
    assert [r["mean_fraction"] for r in pooled["rows"]] == [
        r["mean_fraction"] for r in inline["rows"]
    ]
    assert [r["band_high"] for r in pooled["rows"]] == [r["band_high"] for r in inline["rows"]]


def test_the_command_and_the_page_build_the_same_scenario_and_task_from_the_same_levers() -> None:
    levers = {"friction": 0.2, "mandate_week": 5, "show_and_tell": "weekly", "k": 7}
    form = ScenarioForm(
        data={"mode": "strategies", "base": "natural", "strategies": ["natural", "degree"],
              "runs": 50, "weeks": 26, "seed": 42, **levers}
    )  # fmt: skip
    assert form.is_valid(), form.errors
    page = form.arms()[0]
    parsed = SimulateCommand().create_parser("peerwheel", "simulate").parse_args(
        ["--preset", "natural", "--friction", "0.2", "--mandate-week", "5",
         "--show-and-tell", "weekly", "--k", "7", "--steps", "26", "--runs", "50"]
    )  # fmt: skip
    options = SimulateOptions.from_parsed(vars(parsed))
    command = cli.scenario_from(options)

    assert command == page.with_changes(key="natural", name=command.name)
    assert (command.friction, command.mandate_week, command.show_and_tell, command.k) == (
        0.2, 5, Cadence.WEEKLY, 7
    )  # fmt: skip
    graph = cli.Graph(network=None, source="-")
    task = cli.sweep_tasks(replace(options, strategies="natural"), graph)[0]
    assert task == replace(scenario_task(page, rng_seed=42, runs=50, steps=26), label="natural")
