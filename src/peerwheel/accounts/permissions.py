"""The one module that decides who may do what.

Views, API endpoints and commands ask here; nothing else checks groups or permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from peerwheel.accounts.roles import Capability, Role

View = TypeVar("View", bound=Callable[..., HttpResponse])

_ROLE_ORDER = (Role.ADMIN, Role.LEAD, Role.ANALYST, Role.CHAMPION, Role.MEMBER)


def role_of(user: User | AnonymousUser) -> Role | None:
    """The user's role (the highest, if an admin gave several groups by hand)."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    names = {g.name for g in user.groups.all()}
    for role in _ROLE_ORDER:
        if role.group_name in names:
            return role
    return None


def has_capability(user: User | AnonymousUser, capability: Capability) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(f"accounts.{capability.value}")


def capabilities_of(user: User | AnonymousUser) -> frozenset[Capability]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(c for c in Capability if user.has_perm(f"accounts.{c.value}"))


def may_read_study_report(user: User | AnonymousUser, *, wave_closed: bool) -> bool:
    """Whoever runs the study reads every wave's report (an open one shows only its count);
    leads read a wave's report once it has closed, and never run the study."""
    if has_capability(user, Capability.RUN_STUDY):
        return True
    return wave_closed and has_capability(user, Capability.READ_STUDY_REPORTS)


def require_capability(user: User | AnonymousUser, capability: Capability) -> None:
    """Raise PermissionDenied (HTTP 403) unless the user has the capability."""
    if not has_capability(user, capability):
        raise PermissionDenied(f"This needs the '{capability.label}' permission.")


def capability_required(capability: Capability) -> Callable[[View], View]:
    """Decorator for views: sign-in first, then the capability, else 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_capability(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
