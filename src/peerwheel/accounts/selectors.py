"""Reads for accounts."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from peerwheel.accounts.models import ApiToken


def user_for_token(raw_token: str) -> User | None:
    """The active user a live (not revoked, not expired) bearer token belongs to, or None.

    Touches `last_used`."""
    if not raw_token:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw_token), revoked__isnull=True)
        .filter(Q(expires__isnull=True) | Q(expires__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
