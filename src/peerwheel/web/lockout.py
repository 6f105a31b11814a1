"""Sign-in lockout (django-axes): the client's address, the audit row, the page a locked-out
person sees. The settings (limits, cool-off) are in settings.py, "Sign-in lockout"."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from peerwheel.accounts.models import AuditEntry
from peerwheel.accounts.services import audit_record

LOCKOUT_STATUS = 429  # Too Many Requests


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address the nearest trusted proxy saw.

    With PEERWHEEL_TRUSTED_PROXIES = n, the n-th address from the right of X-Forwarded-For is the
    one our own outermost proxy received the request from (what is left of it, the client wrote).
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.PEERWHEEL_TRUSTED_PROXIES
    if proxies == 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def _minutes_left(username: str, ip_address: str) -> int:
    cool_off = get_cool_off()
    if cool_off is None:
        return 0
    latest = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=ip_address)
    ).aggregate(latest=Max("attempt_time"))["latest"]
    left = (latest or timezone.now()) + cool_off - timezone.now()
    return max(1, math.ceil(left.total_seconds() / 60))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page for a refused sign-in: what happened and when to try again, nothing else."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    minutes = _minutes_left(username, client_ip(request))
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=LOCKOUT_STATUS,
    )


def record_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **_: Any
) -> None:
    """One audit row per lockout (axes signals again on each refused try while it lasts)."""
    cool_off = get_cool_off(request)
    since = timezone.now() - cool_off if cool_off else timezone.now()
    already = AuditEntry.objects.filter(
        action="login.lockout",
        target=username or "",
        created__gte=since,
        detail__ip_address=ip_address,
    ).exists()
    if already:
        return
    audit_record(
        actor=None,
        action="login.lockout",
        target=username or "",
        ip_address=ip_address,
        path=request.path,
        failures=settings.AXES_FAILURE_LIMIT,
    )
