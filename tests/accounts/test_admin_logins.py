"""Issue #12 (in #11's item 12): the admin's login pages go through the services.

A role changes only through `role_assign` (audited); the admin cannot set groups, permissions,
the staff or superuser flags, a login's email or its password from the admin pages; groups are
not editable at all; API tokens are revoked through `token_revoke` (audited).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from peerwheel.accounts.models import ApiToken, AuditEntry
from peerwheel.accounts.permissions import role_of
from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import token_issue
from peerwheel.org.models import Person
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login_form(user: User, **changes: Any) -> dict[str, Any]:
    role = role_of(user)
    data: dict[str, Any] = {"role": role.value if role else "", "_save": "Save"}
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return data


def test_a_role_change_in_the_admin_goes_through_role_assign_and_is_audited(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    alice = cast["alice"]

    response = client_for("erin").post(
        f"/admin/auth/user/{alice.pk}/change/", _login_form(alice, role="lead")
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert role_of(alice) is Role.LEAD
    entry = AuditEntry.objects.get(action="role.assign", target="alice", actor=cast["erin"])
    assert entry.detail == {"role": "lead"}


def test_groups_permissions_staff_superuser_email_and_password_cannot_be_set_in_the_admin(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    alice = cast["alice"]
    erin = client_for("erin")
    admin_group = Group.objects.get(name=Role.ADMIN.group_name)

    erin.post(
        f"/admin/auth/user/{alice.pk}/change/",
        _login_form(
            alice,
            is_superuser="on",
            is_staff="on",
            groups=[admin_group.pk],
            user_permissions=[1],
            email="erin@example.com",
            username="alice2",
        ),
    )
    erin.post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"password1": "a new secret 123 x", "password2": "a new secret 123 x"},
    )

    alice.refresh_from_db()
    assert role_of(alice) is Role.MEMBER
    assert not alice.is_superuser and not alice.is_staff
    assert not alice.user_permissions.exists()
    assert alice.email == "alice@example.com" and alice.username == "alice"
    assert alice.check_password(PASSWORD)
    assert erin.get("/admin/auth/group/").status_code == 404


def test_an_admin_made_a_member_loses_the_admin_pages(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    other = User.objects.create_user("frank", "frank@example.com", PASSWORD)
    erin = client_for("erin")
    erin.post(f"/admin/auth/user/{other.pk}/change/", _login_form(other, role="admin"))
    other.refresh_from_db()
    assert other.is_superuser and role_of(other) is Role.ADMIN

    erin.post(f"/admin/auth/user/{other.pk}/change/", _login_form(other, role="member"))

    other.refresh_from_db()
    assert role_of(other) is Role.MEMBER and not other.is_superuser and not other.is_staff


def test_the_last_admin_keeps_the_role_and_cannot_deactivate_herself(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    erin_user = cast["erin"]
    erin = client_for("erin")

    demoted = erin.post(
        f"/admin/auth/user/{erin_user.pk}/change/", _login_form(erin_user, role="member")
    )
    form = _login_form(erin_user)
    del form["is_active"]
    deactivated = erin.post(f"/admin/auth/user/{erin_user.pk}/change/", form)

    erin_user.refresh_from_db()
    assert role_of(erin_user) is Role.ADMIN and erin_user.is_active
    assert "last active admin" in demoted.content.decode()
    assert "cannot deactivate your own login" in deactivated.content.decode()


def test_deactivating_a_login_in_the_admin_is_audited(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    form = _login_form(cast["bob"])
    del form["is_active"]

    client_for("erin").post(f"/admin/auth/user/{cast['bob'].pk}/change/", form)

    cast["bob"].refresh_from_db()
    assert not cast["bob"].is_active
    assert AuditEntry.objects.filter(
        action="user.deactivate", target="bob", actor=cast["erin"]
    ).exists()


def test_a_login_added_in_the_admin_is_made_by_user_create(
    client_for: Callable[[str], Client], cast: dict[str, User], org: dict[str, Person]
) -> None:
    erin = client_for("erin")

    refused = erin.post(
        "/admin/auth/user/add/",
        {"username": "zed", "email": "", "role": "member", "person": "E404", "password": ""},
    )
    added = erin.post(
        "/admin/auth/user/add/",
        {"username": "zed", "email": "", "role": "analyst", "person": "E7", "password": ""},
    )

    assert "No person has employee id" in refused.content.decode()
    assert added.status_code == 302
    zed = User.objects.get(username="zed")
    assert role_of(zed) is Role.ANALYST and not zed.has_usable_password()
    assert Person.objects.get(employee_id="E7").user == zed
    actions = set(AuditEntry.objects.filter(actor=cast["erin"]).values_list("action", flat=True))
    assert actions == {"role.assign", "person.link_user"}


def test_tokens_are_revoked_from_the_admin_through_the_service(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    token_issue(user=cast["dan"], name="sync")
    token = ApiToken.objects.get()
    erin = client_for("erin")

    erin.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked is not None
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor == cast["erin"] and entry.detail == {"prefix": token.prefix}
    assert erin.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    assert erin.get("/admin/accounts/apitoken/add/").status_code == 403
