"""`peerwheel export KIND | head -3`: a reader that stops early ends the export quietly, with
no BrokenPipeError traceback (issue 17)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from peerwheel.web.management.commands.exportdata import STOPPED_BY_READER

PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))


@pytest.mark.slow
def test_export_people_into_head_prints_three_lines_and_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    env["PEERWHEEL_HOME"] = str(tmp_path)
    hr = tmp_path / "hr.csv"  # about 150 kB of export: more than a pipe holds
    hr.write_text(
        "Employee ID,Name,Work Email\n"
        + "".join(f"{i},Person Number {i},person{i}@example.com\n" for i in range(3000))
    )
    for args in (["migrate", "-v", "0"], ["import", "people", str(hr)]):
        done = subprocess.run([PEERWHEEL, *args], env=env, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr
    err = tmp_path / "err.txt"
    script = f"'{PEERWHEEL}' export people 2>'{err}' | head -3; echo \"${{PIPESTATUS[0]}}\""
    piped = subprocess.run(
        ["/bin/bash", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = piped.stdout.splitlines()
    assert lines[0].startswith("employee_id,")
    assert lines[1].startswith("0,Person Number 0,")
    assert len(lines) == 4 and lines[3] == str(STOPPED_BY_READER)  # head's 3, then the status
    assert err.read_text() == ""  # no traceback, no "Exception ignored"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "file_format"),
    [("people", "csv"), ("posts", "json"), ("segments", "csv"), ("usage", "parquet")],
)
def test_every_export_kind_stops_quietly_when_the_reader_is_gone(
    kind: str, file_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    stdout = io.TextIOWrapper(os.fdopen(write, "wb"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    with pytest.raises(SystemExit) as stopped:
        call_command("exportdata", kind, "--format", file_format)
    assert stopped.value.code == STOPPED_BY_READER
    stdout.write("x" * 100_000)
    stdout.flush()  # stdout now goes nowhere: the interpreter's flush at exit cannot fail
