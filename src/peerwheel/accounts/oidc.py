"""Single sign-on through OpenID Connect (mozilla-django-oidc), used only when configured."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import role_assign


class PeerwheelOIDCBackend(OIDCAuthenticationBackend):
    """New SSO users become members, linked to the Person with the same email."""

    def create_user(self, claims: dict[str, Any]) -> User:
        from peerwheel.org.models import Person

        user: User = super().create_user(claims)
        role_assign(user=user, role=Role.MEMBER)
        email = (claims.get("email") or "").strip().lower()
        if email:
            Person.objects.filter(email=email, user__isnull=True).update(user=user)
        return user
