"""The email and digest settings fail loudly on a value Peerwheel cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_settings import run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"EMAIL_USE_SSL": "true", "EMAIL_USE_TLS": "true"},
            "EMAIL_USE_SSL and EMAIL_USE_TLS are both true; choose one",
        ),
        ({"PEERWHEEL_EMAIL_BACKEND": "smtp"}, "PEERWHEEL_EMAIL_BACKEND=smtp needs EMAIL_HOST"),
        ({"PEERWHEEL_EMAIL_BACKEND": "carrier-pigeon"}, "must be one of: smtp, console"),
        ({"PEERWHEEL_BASE_URL": "peerwheel.example.com"}, "must start with https://"),
    ],
)
def test_a_bad_email_setting_stops_start_up(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_ssl_alone_turns_starttls_off(tmp_path: Path) -> None:
    result = run(
        [
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.EMAIL_USE_TLS, s.EMAIL_BACKEND)",
        ],
        {"EMAIL_USE_SSL": "true", "EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "465"},
        tmp_path,
    )
    assert result.stdout.strip().endswith("False django.core.mail.backends.smtp.EmailBackend")


def test_the_command_refuses_a_bad_week_with_status_2(tmp_path: Path) -> None:
    result = run(["digest", "send", "--week", "next week"], {}, tmp_path)
    assert result.returncode == 2
    assert "--week 'next week' is not an ISO week; write it as YYYY-Www" in result.stderr
    usage = run(["digest", "--help"], {}, tmp_path)
    assert usage.stdout.startswith("usage: peerwheel digest")
