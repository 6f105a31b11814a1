from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from peerwheel.env import SettingError, envbool, envcache, envchoice, envint, envlist

PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    base.pop("SECRET_KEY", None)
    return subprocess.run(
        [PEERWHEEL, *args],
        env={**base, "PEERWHEEL_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Yes", True)])
def test_envbool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG") is expected


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    monkeypatch.setenv("X_INT", "five")
    monkeypatch.setenv("X_SMALL", "1")
    monkeypatch.setenv("X_CHOICE", "staging")
    with pytest.raises(SettingError, match="X_FLAG='maybe' is not a boolean"):
        envbool("X_FLAG")
    with pytest.raises(SettingError, match="not a whole number"):
        envint("X_INT", 5)
    with pytest.raises(SettingError, match="below the minimum of 2"):
        envint("X_SMALL", 5, minimum=2)
    with pytest.raises(SettingError, match="must be one of"):
        envchoice("X_CHOICE", "development", ("development", "production"))


def test_envlist_splits_and_trims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,,")
    assert envlist("X_HOSTS") == ["a.example", "b.example"]


def test_defaults_are_sqlite_under_home_with_debug_off(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.DEBUG, "
        "s.PEERWHEEL_MIN_GROUP)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "peerwheel.settings",
            "PEERWHEEL_HOME": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["peerwheel.core.sqlite", str(tmp_path / "peerwheel.sqlite3"), "False", "5"]


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"DJANGO_SETTINGS_MODULE": "peerwheel.settings"}
    first = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, **env, "PEERWHEEL_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    second = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, **env, "PEERWHEEL_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert first == second
    assert len(first.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    result = run(["check"], {"PEERWHEEL_ENV": "production"}, tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when PEERWHEEL_ENV=production" in result.stderr


STRONG_KEY = "x" * 20 + "a-long-random-production-secret-value-0123456789"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": "short-but-not-empty"}, "SECRET_KEY is 19 characters long"),
        ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY has only 2 different characters"),
        (
            {"SECRET_KEY": "django-insecure-" + STRONG_KEY},
            "SECRET_KEY starts with 'django-insecure-'",
        ),
        ({"SECRET_KEY": STRONG_KEY, "DEBUG": "true"}, "DEBUG=true is refused"),
    ],
    ids=["short", "few-characters", "django-insecure", "debug"],
)
def test_production_refuses_to_start_with_a_weak_key_or_debug(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = run(["check"], {"PEERWHEEL_ENV": "production", **env}, tmp_path)

    assert result.returncode != 0
    assert message in result.stderr
    assert issubclass(SettingError, ImproperlyConfigured)  # Django's own name for a bad setting


def test_production_settings_refuse_debug_when_imported_by_a_server(tmp_path: Path) -> None:
    """The WSGI entry point (what gunicorn imports) stops too, not only the command line."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    result = subprocess.run(
        [sys.executable, "-c", "import peerwheel.wsgi"],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "peerwheel.settings",
            "PEERWHEEL_HOME": str(tmp_path),
            "PEERWHEEL_ENV": "production",
            "SECRET_KEY": STRONG_KEY,
            "DEBUG": "1",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG=true is refused when PEERWHEEL_ENV=production" in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        "PEERWHEEL_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "peerwheel.example.com",
    }
    result = run(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_a_bad_setting_value_is_named(tmp_path: Path) -> None:
    result = run(["check"], {"PEERWHEEL_MIN_GROUP": "few"}, tmp_path)

    assert result.returncode != 0
    assert "PEERWHEEL_MIN_GROUP='few' is not a whole number" in result.stderr


@pytest.mark.slow
def test_single_sign_on_is_off_unless_configured_and_then_complete(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.OIDC_ENABLED, *s.AUTHENTICATION_BACKENDS[:2])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "OIDC"))}
    base |= {"DJANGO_SETTINGS_MODULE": "peerwheel.settings", "PEERWHEEL_HOME": str(tmp_path)}

    def settings_with(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**base, **extra},
            capture_output=True,
            text=True,
            check=False,
        )

    # The lockout comes first, whichever backend signs the person in.
    assert settings_with({}).stdout.split() == [
        "False",
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    half = settings_with({"OIDC_RP_CLIENT_ID": "peerwheel"})
    assert half.returncode != 0
    assert "OIDC_RP_CLIENT_SECRET" in half.stderr
    full = settings_with(
        {
            "OIDC_RP_CLIENT_ID": "peerwheel",
            "OIDC_RP_CLIENT_SECRET": "s3cret-value",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example/token",
            "OIDC_OP_USER_ENDPOINT": "https://idp.example/userinfo",
        }
    )
    assert full.stdout.split() == [
        "True",
        "axes.backends.AxesStandaloneBackend",
        "peerwheel.accounts.oidc.PeerwheelOIDCBackend",
    ]


@pytest.mark.parametrize(
    ("raw", "backend", "location"),
    [
        ("", "locmem.LocMemCache", None),
        ("redis://cache.internal:6379/2", "redis.RedisCache", "redis://cache.internal:6379/2"),
        ("db", "db.DatabaseCache", "peerwheel_cache"),
    ],
)
def test_the_cache_comes_from_one_url(
    monkeypatch: pytest.MonkeyPatch, raw: str, backend: str, location: str | None
) -> None:
    monkeypatch.setenv("X_CACHE", raw)
    default = envcache("X_CACHE")["default"]
    assert default["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert default.get("LOCATION") == location


def test_a_cache_url_we_cannot_use_says_what_to_give(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_CACHE", "memcached://cache:11211")
    with pytest.raises(SettingError, match="X_CACHE='memcached://cache:11211': give redis://"):
        envcache("X_CACHE")


def test_with_a_database_cache_migrate_makes_its_table(tmp_path: Path) -> None:
    env = {"PEERWHEEL_CACHE_URL": "db"}
    assert run(["migrate"], env, tmp_path).returncode == 0
    code = (
        "import django; django.setup(); from django.core.cache import cache; "
        "cache.set('k', 41); cache.incr('k'); print(cache.get('k'))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **base,
            **env,
            "DJANGO_SETTINGS_MODULE": "peerwheel.settings",
            "PEERWHEEL_HOME": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["42"]


def test_home_database_and_secret_key_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    old_umask = os.umask(0o022)  # what a server typically runs with: files 0644, folders 0755
    try:
        assert run(["migrate"], {}, home).returncode == 0
    finally:
        os.umask(old_umask)

    assert home.stat().st_mode & 0o777 == 0o700
    for name in ("peerwheel.sqlite3", "secret_key"):
        assert (home / name).stat().st_mode & 0o777 == 0o600, name
    for companion in home.glob("peerwheel.sqlite3-*"):  # -wal, -shm, -journal while they exist
        assert companion.stat().st_mode & 0o777 == 0o600, companion.name


def test_a_database_file_left_readable_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(["migrate"], {}, home).returncode == 0
    (home / "peerwheel.sqlite3").chmod(0o644)
    (home / "secret_key").chmod(0o644)

    assert run(["check"], {}, home).returncode == 0
    code = (
        "import django; django.setup(); "
        "from django.db import connection; connection.ensure_connection()"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "peerwheel.settings", "PEERWHEEL_HOME": str(home)},
        check=True,
    )

    assert (home / "peerwheel.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (home / "secret_key").stat().st_mode & 0o777 == 0o600
