"""Typed readers for settings from the environment, failing loudly on a bad value."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


class SettingError(ImproperlyConfigured, RuntimeError):
    """An environment variable holds a value Peerwheel cannot use (start-up stops)."""


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={raw!r} is not a boolean; use true or false")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise SettingError(f"{name}={value} is below the minimum of {minimum}")
    return value


def envfloat(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a number") from None
    if minimum is not None and value < minimum:
        raise SettingError(f"{name}={value} is below the minimum of {minimum}")
    return value


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default) or default
    if value not in choices:
        raise SettingError(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


CACHE_TABLE = "peerwheel_cache"


def envcache(name: str) -> dict[str, dict[str, str]]:
    """Django's CACHES from a URL: empty for a memory cache in each process (one server
    process: the embedded default), `redis://HOST:PORT/DB` (or rediss://, unix://) for Redis,
    `db` for a table in the database. Several server processes need Redis or `db`, or each
    keeps its own rate-limit counts and report cache."""
    raw = os.environ.get(name, "").strip()
    backends = "django.core.cache.backends"
    if raw in ("", "locmem"):
        backend = {"BACKEND": f"{backends}.locmem.LocMemCache"}
    elif raw.startswith(("redis://", "rediss://", "unix://")):
        backend = {"BACKEND": f"{backends}.redis.RedisCache", "LOCATION": raw}
    elif raw in ("db", "database"):
        backend = {"BACKEND": f"{backends}.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    else:
        raise SettingError(
            f"{name}={raw!r}: give redis://HOST:PORT/DB, or db for a table in the database, "
            "or leave it empty for a memory cache in each process"
        )
    return {"default": {**backend, "KEY_PREFIX": "peerwheel"}}
