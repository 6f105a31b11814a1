"""The `peerwheel` command as a person runs it: a subprocess, real files, a real server."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.org.models import Person

PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))


def run(args: list[str], tmp_path: Path, *, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    env["PEERWHEEL_HOME"] = str(tmp_path)
    return subprocess.run(
        [PEERWHEEL, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_help_lists_the_commands_one_line_each(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)

    assert result.returncode == 0
    for command in ("demo", "serve", "migrate", "adduser", "token", "import", "export"):
        assert re.search(rf"^  {command}\s+\S", result.stdout, re.MULTILINE), command


def test_wrong_arguments_give_usage_and_exit_code_2(tmp_path: Path) -> None:
    result = run(["import", "planets", "x.csv"], tmp_path)

    assert result.returncode == 2
    assert "usage: peerwheel import" in result.stderr
    assert "invalid choice: 'planets'" in result.stderr


@pytest.mark.django_db
def test_import_reports_bad_lines_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text("PersonId,Email\na,a@example.com\nb,broken\n")
    with pytest.raises(CommandError) as caught:
        call_command("importdata", "people", str(path))

    assert caught.value.returncode == 2
    assert "line 3" in str(caught.value)
    assert "'broken' is not an email address" in str(caught.value)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_import_dry_run_then_import_then_export_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hr.csv"
    path.write_text("Employee ID,Name,Manager ID\n1,Ada,\n2,Bo,1\n")
    call_command("importdata", "people", str(path), "--dry-run")
    assert "would create 2" in capsys.readouterr().out
    assert not Person.objects.exists()

    call_command("importdata", "people", str(path))
    call_command("exportdata", "people")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.split("\n", 1)[1])))
    assert [(r["employee_id"], r["name"], r["manager_id"]) for r in rows] == [
        ("1", "Ada", ""),
        ("2", "Bo", "1"),
    ]

    out = tmp_path / "people.json"
    call_command("exportdata", "people", "--format", "json", "--out", str(out))
    assert [p["employee_id"] for p in json.loads(out.read_text())] == ["1", "2"]
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.django_db
def test_adduser_with_password_on_stdin_then_token(
    org: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a sturdy passphrase 99\n"))
    call_command("adduser", "lee", "--role", "champion", "--person", "E3", "--password-stdin")
    call_command("token", "lee")

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "created lee as champion, with a password"
    assert out[1].startswith("pw_")
    assert Person.objects.get(employee_id="E3").user.check_password("a sturdy passphrase 99")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_demo_builds_into_a_folder_and_serves_home_to_a_signed_in_user(tmp_path: Path) -> None:
    db_path = tmp_path / "demo" / "demo.sqlite3"
    built = run(["demo", "--no-serve", "--people", "120", "--db", str(db_path)], tmp_path)
    assert built.returncode == 0, built.stderr
    for role in ("member", "champion", "lead", "analyst", "admin"):
        assert re.search(rf"^  {role}\s+\S", built.stdout, re.MULTILINE), built.stdout
    password = re.search(r"password for all: (\S+)\)", built.stdout).group(1)  # type: ignore[union-attr]

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    env |= {"PEERWHEEL_HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{db_path}"}
    server = subprocess.Popen(
        [PEERWHEEL, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        deadline = time.monotonic() + 30
        while True:
            try:
                login_page = opener.open(f"{base}/accounts/login/").read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode(
            {"username": "lead", "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
        )
        home = opener.open(request).read().decode()
    finally:
        server.terminate()  # gunicorn's processes and the worker stop in turn: seconds on a
        server.wait(timeout=60)  # busy machine (tests/web/test_serve.py waits as long)

    assert "The organisation at a glance" in home
    assert '<span class="figure">120</span><span class="label">people</span>' in home
