"""`peerwheel simulate --help` shows simulation options only, each default said once, and a
misspelt option is named as the error (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerwheel.simulate.management.commands.simulate import Command as SimulateCommand
from tests.simulate.helpers import simulate_json


def from_command_line(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """What `peerwheel simulate ARGS` does on a terminal: exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as caught:
        SimulateCommand().run_from_argv(["peerwheel", "simulate", *args])
    captured = capsys.readouterr()
    return int(caught.value.code or 0), captured.out, captured.err


def test_help_shows_only_the_simulators_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # argparse wraps at the terminal's width
    code, out, _ = from_command_line(capsys, "--help")
    assert code == 0
    for django_option in ("--settings", "--pythonpath", "--traceback", "--verbosity", "--no-color",
                          "--force-color", "--version"):  # fmt: skip
        assert django_option not in out
    assert "--steps T  " in out
    assert "steps to run (default: 52 weeks for the peer model, 50 steps for the others)" in out
    assert "; 50)" not in out
    assert "--friction 0-1" in out and "FRICTION" not in out  # short metavars
    assert "--preset KEY" in out and "{mandate-only," not in out.split("\n\n")[0]  # usage line


def test_a_misspelt_option_is_named_not_its_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = from_command_line(capsys, "--modle", "peer")
    assert code == 2
    assert "unrecognized arguments: --modle (--modle: did you mean --model?)" in err
    assert "'peer'" not in err
    code, _, err = from_command_line(capsys, "--runz", "3")
    assert code == 2 and "(--runz: did you mean --runs?)" in err
    code, _, err = from_command_line(capsys, "peer")
    assert code == 2
    assert "unknown action 'peer': choose run or compare" in err


def test_djangos_options_still_work_where_scripts_pass_them(ring: Path) -> None:
    out = simulate_json("--graph", str(ring), "--runs", "2", "--steps", "2", "--verbosity", "0")
    assert len(out["mean_fraction"]) == 3
