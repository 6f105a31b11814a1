"""Password guessing on the sign-in pages: after repeated failures the username, and the
address, are refused (the right password too) until the cool-off passes; each lockout is
audited and the person is told when to try again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


def _try(client: Client, page: str, username: str, password: str, address: str) -> object:
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_sixty_wrong_passwords_then_the_right_one_does_not_sign_in(
    cast: dict[str, User], page: str
) -> None:
    attacker = Client()
    for n in range(60):
        _try(attacker, page, "erin", f"guess-{n}", "203.0.113.7")

    response = _try(attacker, page, "erin", PASSWORD, "203.0.113.7")

    assert response.status_code == 429
    assert not _signed_in(attacker)
    body = response.content.decode()
    assert "Too many failed sign-ins for this account" in body
    assert "try again in 15 minutes" in body
    [entry] = AuditEntry.objects.filter(action="login.lockout")  # one row, not sixty
    assert entry.target == "erin"
    assert entry.detail["ip_address"] == "203.0.113.7"


def test_the_username_stays_locked_from_any_address(cast: dict[str, User]) -> None:
    for n in range(10):
        _try(Client(), "/accounts/login/", "alice", f"guess-{n}", f"198.51.100.{n + 1}")

    response = _try(Client(), "/accounts/login/", "alice", PASSWORD, "192.0.2.200")

    assert response.status_code == 429


def test_one_address_guessing_many_usernames_is_locked_out(cast: dict[str, User]) -> None:
    for n in range(10):
        _try(Client(), "/accounts/login/", f"someone-{n}", "guess", "203.0.113.9")

    locked = Client()
    response = _try(locked, "/accounts/login/", "bob", PASSWORD, "203.0.113.9")

    assert response.status_code == 429
    assert not _signed_in(locked)


def test_others_still_sign_in_while_one_account_is_locked(cast: dict[str, User]) -> None:
    for n in range(12):
        _try(Client(), "/accounts/login/", "erin", f"guess-{n}", "203.0.113.7")

    carol = Client()
    response = _try(carol, "/accounts/login/", "carol", PASSWORD, "192.0.2.10")

    assert response.status_code == 302
    assert _signed_in(carol)


def test_a_few_typos_do_not_lock_anyone_out(cast: dict[str, User]) -> None:
    client = Client()
    for n in range(9):
        _try(client, "/accounts/login/", "alice", f"typo-{n}", "192.0.2.10")

    assert _try(client, "/accounts/login/", "alice", PASSWORD, "192.0.2.10").status_code == 302
    assert _signed_in(client)
    assert not AuditEntry.objects.filter(action="login.lockout").exists()


def test_the_right_password_works_again_after_the_cool_off(cast: dict[str, User]) -> None:
    for n in range(10):
        _try(Client(), "/accounts/login/", "alice", f"guess-{n}", "203.0.113.7")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    client = Client()
    assert _try(client, "/accounts/login/", "alice", PASSWORD, "203.0.113.7").status_code == 302
    assert _signed_in(client)


def test_the_limit_and_cool_off_come_from_settings(cast: dict[str, User], settings: object) -> None:
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)  # type: ignore[attr-defined]
    for n in range(3):
        _try(Client(), "/accounts/login/", "alice", f"guess-{n}", "203.0.113.7")

    response = _try(Client(), "/accounts/login/", "alice", PASSWORD, "203.0.113.7")

    assert response.status_code == 429
    assert "try again in 30 minutes" in response.content.decode()


def test_single_sign_on_signs_in_through_the_lockout_and_is_refused_from_a_locked_address(
    cast: dict[str, User], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.auth import authenticate
    from django.test import RequestFactory
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "peerwheel.accounts.oidc.PeerwheelOIDCBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]
    for name in ("TOKEN", "USER", "AUTHORIZATION"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://idp.example/{name.lower()}")
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "peerwheel", "s3cret"
    settings.OIDC_AUTHENTICATION_CALLBACK_URL = "home"  # the oidc/ URLs exist only when enabled
    # The identity provider is the outside world: its answers are stubbed, nothing else.
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "get_token", lambda self, payload: {"id_token": "i"}
    )
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "verify_token", lambda self, token, **kw: {"sub": "a"}
    )
    monkeypatch.setattr(
        OIDCAuthenticationBackend,
        "get_userinfo",
        lambda self, *args: {"email": "alice@example.com"},
    )

    def callback(address: str) -> User | None:
        request = RequestFactory().get("/oidc/callback/?code=c&state=s", REMOTE_ADDR=address)
        request.session = {}  # type: ignore[attr-defined]
        return authenticate(request=request, nonce="n", code_verifier=None)  # type: ignore[return-value]

    assert callback("192.0.2.10") == cast["alice"]
    for n in range(10):
        _try(Client(), "/accounts/login/", f"someone-{n}", "guess", "203.0.113.7")
    assert callback("203.0.113.7") is None
    assert callback("192.0.2.10") == cast["alice"]
