"""Single sign-on through OpenID Connect (mozilla-django-oidc), used only when configured."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import person_link_user, role_assign


class PeerwheelOIDCBackend(OIDCAuthenticationBackend):
    """New SSO users become members, linked to the Person with the same email."""

    def create_user(self, claims: dict[str, Any]) -> User:
        from peerwheel.org.models import Person

        user: User = super().create_user(claims)
        role_assign(user=user, role=Role.MEMBER)
        email = (claims.get("email") or "").strip().lower()
        person = Person.objects.filter(email=email, user__isnull=True).first() if email else None
        if person is not None:
            person_link_user(person=person, user=user, actor=None)
        return user
