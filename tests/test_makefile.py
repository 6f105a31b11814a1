"""`make test` on a machine without chromium (issue 17): it installs Debian's chromium when it
can (root, apt-get: as .ci/run does), else says exactly what to install and tests nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def fake_bin(tmp_path: Path, **scripts: str) -> Path:
    """A PATH of its own: only the commands given (each a shell script), no chromium."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in scripts.items():
        path = folder / name.replace("_", "-")
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return folder


def make_chromium(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MAKE), "-s", "-C", str(ROOT), "chromium"],
        env={"PATH": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_root_it_says_exactly_what_to_install(tmp_path: Path) -> None:
    path = fake_bin(tmp_path, id="echo 1000", apt_get="echo called >> $0.log")
    done = make_chromium(path)
    assert done.returncode != 0
    assert "    sudo apt-get install chromium        (Debian, Ubuntu: what CI uses)" in done.stdout
    assert "-m 'not browser'" in done.stdout
    assert not (path / "apt-get.log").exists()


def test_as_root_with_apt_get_it_installs_debians_chromium(tmp_path: Path) -> None:
    path = fake_bin(tmp_path, id="echo 0", apt_get='echo "$@" >> $0.log')
    done = make_chromium(path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "installing Debian's chromium" in done.stdout
    assert (path / "apt-get.log").read_text().splitlines() == [
        "update -qq",
        "install -y -qq chromium",
    ]


def test_with_chromium_on_path_it_does_nothing(tmp_path: Path) -> None:
    path = fake_bin(tmp_path, chromium="exit 0", id="echo 0", apt_get='echo "$@" >> $0.log')
    done = make_chromium(path)
    assert done.returncode == 0 and done.stdout == ""
    assert not (path / "apt-get.log").exists()
