"""Issue #11 item 12: API tokens with an optional expiry, and an audited revoke command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from peerwheel.accounts.models import ApiToken, AuditEntry
from peerwheel.accounts.services import token_issue

pytestmark = pytest.mark.django_db


def _me(raw: str) -> int:
    return Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code


def _token_command(*args: str) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue().strip()


def test_a_token_works_until_it_expires_and_not_a_second_after(cast: dict[str, User]) -> None:
    raw = token_issue(user=cast["dan"], expires_days=7)
    token = ApiToken.objects.get()
    assert timedelta(days=6, hours=23) < token.expires - timezone.now() <= timedelta(days=7)
    assert _me(raw) == 200

    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert _me(raw) == 401


def test_a_token_without_expiry_keeps_working(cast: dict[str, User]) -> None:
    raw = token_issue(user=cast["dan"])

    assert ApiToken.objects.get().expires is None
    assert _me(raw) == 200


def test_the_command_issues_a_token_that_expires(cast: dict[str, User]) -> None:
    raw = _token_command("dan", "--name", "sync", "--expires-days", "30")

    token = ApiToken.objects.get()
    assert token.digest == ApiToken.digest_of(raw) and token.name == "sync"
    assert timedelta(days=29) < token.expires - timezone.now() <= timedelta(days=30)
    entry = AuditEntry.objects.get(action="token.issue")
    assert entry.detail["expires"] == token.expires.isoformat()


def test_the_command_revokes_by_prefix_and_the_revoke_is_audited(cast: dict[str, User]) -> None:
    raw = token_issue(user=cast["dan"])
    kept = token_issue(user=cast["dan"])
    prefix = raw[:10]

    said = _token_command("--revoke", prefix)

    assert said == f"revoked {prefix}… of dan"
    assert _me(raw) == 401 and _me(kept) == 200
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.target == "dan" and entry.detail == {"prefix": prefix}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--revoke", "pw_nothing"], "no API token has the prefix 'pw_nothing'"),
        (["dan", "--expires-days", "0"], "--expires-days: a token's expiry must be at least 1"),
        (["dan", "--revoke", "pw_x"], "--revoke PREFIX takes no username"),
        ([], "give a username, or --revoke PREFIX"),
        (["nobody"], "no active user 'nobody'"),
    ],
)
def test_the_command_says_what_is_wrong(
    cast: dict[str, User], args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _token_command(*args)
    assert not ApiToken.objects.exists()


def test_revoking_twice_is_a_clear_error(cast: dict[str, User]) -> None:
    prefix = token_issue(user=cast["dan"])[:10]
    _token_command("--revoke", prefix)

    with pytest.raises(CommandError, match=f"{prefix!r} was already revoked"):
        _token_command("--revoke", prefix)
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1
