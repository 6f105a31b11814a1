"""Writes for accounts: users with roles, API tokens, the audit log, the role groups."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from peerwheel.accounts.models import ApiToken, AuditEntry
from peerwheel.accounts.roles import ROLE_CAPABILITIES, Role

TOKEN_PREFIX = "pw_"  # noqa: S105 - a public prefix that marks Peerwheel tokens, not a secret


def roles_sync() -> None:
    """Create the five role groups and give each exactly its capabilities (idempotent)."""
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=[c.value for caps in ROLE_CAPABILITIES.values() for c in caps],
        )
    }
    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set(
            [permissions[c.value] for c in capabilities if c.value in permissions]
        )


def audit_record(
    *, actor: User | AnonymousUser | None, action: str, target: str = "", **detail: Any
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        target=target,
        detail=detail,
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    role: Role,
    email: str = "",
    password: str | None = None,
    person_employee_id: str | None = None,
    check_password: bool = True,
    actor: User | AnonymousUser | None = None,
) -> User:
    """Create a login with one role, optionally linked to a Person by employee id.

    Raises ValueError with a readable message on a taken username, an unknown person or a weak
    password; nothing is written then.
    """
    from peerwheel.org.models import Person  # org depends on accounts, not the other way

    username = username.strip()
    if not username:
        raise ValueError("the username is empty")
    if User.objects.filter(username__iexact=username).exists():
        raise ValueError(f"the username {username!r} is taken")
    person = None
    if person_employee_id:
        person = Person.objects.filter(employee_id=person_employee_id).first()
        if person is None:
            raise ValueError(f"no person has employee id {person_employee_id!r}")
        if person.user_id is not None:
            raise ValueError(f"person {person_employee_id!r} already has a login")
    user = User(username=username, email=email.strip().lower())
    if password:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.is_staff = role is Role.ADMIN
    user.is_superuser = role is Role.ADMIN
    user.save()
    role_assign(user=user, role=role, actor=actor)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def role_assign(*, user: User, role: Role, actor: User | AnonymousUser | None = None) -> None:
    """Give a user exactly one role (replacing any other) and audit the change."""
    groups = Group.objects.filter(name__in=[r.group_name for r in Role])
    user.groups.remove(*groups)
    group, _ = Group.objects.get_or_create(name=role.group_name)
    user.groups.add(group)
    audit_record(actor=actor, action="role.assign", target=user.get_username(), role=role.value)


def token_issue(*, user: User, name: str = "") -> str:
    """Create an API token and return it; only its hash is kept, so it is shown once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=ApiToken.digest_of(raw))
    audit_record(actor=user, action="token.issue", target=user.get_username(), prefix=raw[:10])
    return raw


def token_revoke(*, token: ApiToken) -> None:
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
