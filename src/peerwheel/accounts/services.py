"""Writes for accounts: users with roles, the link between a login and a person, API tokens,
the audit log, the role groups.

`person_link_user` is the one place a login is linked to a person (or unlinked): it is audited
(`person.link_user`), refuses an actor's own login and tells the person by email.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from smtplib import SMTPException
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerwheel.accounts.models import ApiToken, AuditEntry
from peerwheel.accounts.roles import ROLE_CAPABILITIES, Role

if TYPE_CHECKING:
    from peerwheel.org.models import Person

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "pw_"  # noqa: S105 - a public prefix that marks Peerwheel tokens, not a secret
TOKEN_PREFIX_LENGTH = 10
Actor = User | AnonymousUser | None


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
    from peerwheel.org.models import Person

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
    user.save()
    role_assign(user=user, role=role, actor=actor)
    if person is not None:
        person_link_user(person=person, user=user, actor=actor)
    return user


def _admins_besides(user: User) -> int:
    admin_group = Role.ADMIN.group_name
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=admin_group))
        .exclude(pk=user.pk)
        .distinct()
        .count()
    )


def role_assign_refusal(*, user: User, role: Role) -> str | None:
    """Why `user` cannot be given `role`, or None: the last active admin keeps the role."""
    from peerwheel.accounts.permissions import role_of

    demoted = user.pk and role_of(user) is Role.ADMIN and role is not Role.ADMIN
    if demoted and _admins_besides(user) == 0:
        return f"{user.get_username()} is the last active admin; make another login an admin first"
    return None


@transaction.atomic
def role_assign(*, user: User, role: Role, actor: Actor = None) -> None:
    """Give a user exactly one role (replacing any other) and audit the change.

    The admin role is also Django's staff and superuser flags (the admin pages); every other
    role clears them. Raises ValueError when the last active admin would lose the role.
    """
    refusal = role_assign_refusal(user=user, role=role)
    if refusal:
        raise ValueError(refusal)
    groups = Group.objects.filter(name__in=[r.group_name for r in Role])
    user.groups.remove(*groups)
    group, _ = Group.objects.get_or_create(name=role.group_name)
    user.groups.add(group)
    is_admin = role is Role.ADMIN
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    audit_record(actor=actor, action="role.assign", target=user.get_username(), role=role.value)


def user_set_active(*, user: User, active: bool, actor: Actor) -> None:
    """Let a login sign in again, or stop it from signing in; audited."""
    if user.is_active == active:
        return
    if not active:
        if isinstance(actor, User) and actor.pk == user.pk:
            raise ValueError("you cannot deactivate your own login")
        refusal = role_assign_refusal(user=user, role=Role.MEMBER)
        if refusal:
            raise ValueError(refusal.replace("make another", "activate or make another"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target=user.get_username(),
    )


def person_link_refusal(*, person: Person, user: User | None, actor: Actor) -> str | None:
    """Why `user` cannot be linked to `person` (None: unlink) by `actor`, or None if it can."""
    if isinstance(actor, User) and actor.pk is not None:
        if user is not None and user.pk == actor.pk:
            return (
                "you cannot link your own login to a person: another admin must do it, so "
                "nobody can read someone else's usage or survey through their own login"
            )
        if person.user_id == actor.pk and (user is None or user.pk != actor.pk):
            return "you cannot unlink your own login from your person: another admin must do it"
    if user is not None:
        from peerwheel.org.models import Person

        other = Person.objects.filter(user=user).exclude(pk=person.pk).first()
        if other is not None:
            return (
                f"the login {user.get_username()!r} is already linked to {other.employee_id!r}; "
                "unlink it there first"
            )
    return None


@transaction.atomic
def person_link_user(*, person: Person, user: User | None, actor: Actor) -> bool:
    """Link `user` to `person` (None unlinks); the one place `Person.user` changes.

    Refuses (ValueError) an actor's own login and a login linked to someone else. Writes a
    `person.link_user` audit row and emails the person (and the login that lost the link) that
    the link changed. Returns False when nothing changed.
    """
    from peerwheel.org.models import Person

    person = Person.objects.select_for_update().get(pk=person.pk)
    previous = person.user
    if (previous.pk if previous else None) == (user.pk if user else None):
        return False
    refusal = person_link_refusal(person=person, user=user, actor=actor)
    if refusal:
        raise ValueError(refusal)
    person.user = user
    person.save(update_fields=["user", "updated"])
    audit_record(
        actor=actor,
        action="person.link_user",
        target=f"person:{person.employee_id}",
        previous=previous.get_username() if previous else None,
        login=user.get_username() if user else None,
    )
    recipients = sorted({e for e in (person.email, previous.email if previous else "") if e})
    if recipients:
        message = _link_message(person=person, previous=previous, user=user, actor=actor)
        transaction.on_commit(lambda: _notify(recipients, message))
    return True


def _link_message(*, person: Person, previous: User | None, user: User | None, actor: Actor) -> str:
    who = actor.get_username() if isinstance(actor, User) else "the server's administrator"
    when = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    if user is None:
        change = f"the login {previous.get_username()!r} was unlinked from" if previous else ""
    elif previous is None:
        change = f"the login {user.get_username()!r} was linked to"
    else:
        change = (
            f"the login linked to it changed from {previous.get_username()!r} to "
            f"{user.get_username()!r} for"
        )
    return (
        f"Hello {person.display_name},\n\n"
        f"On {when}, {change} your Peerwheel profile ({person.employee_id}), by {who}.\n"
        "The login linked to your profile sees your own usage and your survey.\n"
        "If you did not expect this, tell your Peerwheel administrators or your security "
        "team; the change is in the audit log.\n"
    )


def _notify(recipients: list[str], message: str) -> None:
    try:
        send_mail(
            "Peerwheel: the login linked to your profile changed",
            message,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except (OSError, SMTPException):
        logger.warning(
            "could not email %d recipient(s) about a login link change (the audit log has it)",
            len(recipients),
        )


def token_issue(*, user: User, name: str = "", expires_days: int | None = None) -> str:
    """Create an API token and return it; only its hash is kept, so it is shown once.

    `expires_days` (at least 1) makes the token stop working that many days from now; None
    means it works until revoked.
    """
    if expires_days is not None and expires_days < 1:
        raise ValueError(f"a token's expiry must be at least 1 day, got {expires_days}")
    expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = raw[:TOKEN_PREFIX_LENGTH]
    ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=ApiToken.digest_of(raw), expires=expires
    )
    audit_record(
        actor=user,
        action="token.issue",
        target=user.get_username(),
        prefix=prefix,
        expires=expires.isoformat() if expires else None,
    )
    return raw


def token_revoke(*, token: ApiToken, actor: Actor = None) -> None:
    """Stop a token from working, now; audited. Revoking a revoked token changes nothing."""
    if token.revoked is not None:
        return
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    audit_record(
        actor=actor,
        action="token.revoke",
        target=token.user.get_username(),
        prefix=token.prefix,
    )


def token_revoke_by_prefix(*, prefix: str, actor: Actor = None) -> ApiToken:
    """Revoke the one live token whose prefix (its first 10 characters) is `prefix`.

    Raises ValueError naming the prefix when no live token has it, or when it is revoked.
    """
    prefix = prefix.strip()
    tokens = list(ApiToken.objects.select_related("user").filter(prefix=prefix)[:2])
    if not tokens:
        raise ValueError(
            f"no API token has the prefix {prefix!r}; a prefix is the token's first "
            f"{TOKEN_PREFIX_LENGTH} characters, as the admin's API tokens page lists them"
        )
    live = [t for t in tokens if t.revoked is None]
    if not live:
        raise ValueError(f"the API token {prefix!r} was already revoked")
    if len(live) > 1:
        raise ValueError(
            f"several live API tokens have the prefix {prefix!r}; revoke them in the admin"
        )
    token_revoke(token=live[0], actor=actor)
    return live[0]
