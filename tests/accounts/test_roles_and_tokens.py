from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from peerwheel.accounts.models import ApiToken, AuditEntry
from peerwheel.accounts.permissions import capabilities_of, has_capability, role_of
from peerwheel.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from peerwheel.accounts.services import token_issue, user_create

pytestmark = pytest.mark.django_db


def test_migrate_creates_one_group_per_role_with_exactly_its_capabilities() -> None:
    for role, capabilities in ROLE_CAPABILITIES.items():
        group = Group.objects.get(name=role.group_name)
        assert set(group.permissions.values_list("codename", flat=True)) == {
            c.value for c in capabilities
        }


def test_each_cast_member_has_their_role_and_nothing_more(cast: dict[str, User]) -> None:
    assert role_of(cast["alice"]) is Role.MEMBER
    assert capabilities_of(cast["alice"]) == {Capability.USE_HUB}
    assert has_capability(cast["carol"], Capability.VIEW_AGGREGATES)
    assert not has_capability(cast["bob"], Capability.VIEW_AGGREGATES)
    assert has_capability(cast["dan"], Capability.RUN_STUDY)
    assert not has_capability(cast["dan"], Capability.MANAGE_PEOPLE)
    assert capabilities_of(cast["erin"]) == frozenset(Capability)
    assert role_of(cast["charlie"]) is None
    assert capabilities_of(cast["charlie"]) == frozenset()


def test_inactive_users_lose_every_capability(cast: dict[str, User]) -> None:
    erin = cast["erin"]
    erin.is_active = False
    erin.save()

    assert not has_capability(erin, Capability.USE_HUB)


def test_user_create_links_the_person_and_audits_the_role(org: dict) -> None:
    user = user_create(
        username="zed", role=Role.LEAD, password="a long passphrase 42", person_employee_id="E4"
    )

    assert user.person.employee_id == "E4"
    assert AuditEntry.objects.filter(action="role.assign", target="zed").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "alice"}, "taken"),
        ({"username": "new", "person_employee_id": "nobody"}, "no person"),
        ({"username": "new", "person_employee_id": "E2"}, "already has a login"),
        ({"username": "  "}, "empty"),
    ],
)
def test_user_create_refuses_bad_requests(
    cast: dict[str, User], kwargs: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        user_create(role=Role.MEMBER, **kwargs)


def test_token_is_stored_only_as_its_hash(cast: dict[str, User]) -> None:
    raw = token_issue(user=cast["alice"])

    token = ApiToken.objects.get(user=cast["alice"])
    assert raw.startswith("pw_")
    assert token.digest == ApiToken.digest_of(raw)
    assert raw not in {token.digest, token.prefix, token.name}
    assert raw not in str(AuditEntry.objects.filter(action="token.issue").values())


def test_api_accepts_a_bearer_token_and_rejects_others(cast: dict[str, User]) -> None:
    raw = token_issue(user=cast["dan"])
    client = Client()

    ok = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert ok.status_code == 200
    assert ok.json()["role"] == "analyst"
    assert ok.json()["employee_id"] == "E5"
    assert "run_study" in ok.json()["capabilities"]

    bad = client.get("/api/me", headers={"Authorization": "Bearer pw_nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthenticated"


def test_revoked_token_no_longer_works(cast: dict[str, User]) -> None:
    from peerwheel.accounts.services import token_revoke

    raw = token_issue(user=cast["alice"])
    token_revoke(token=ApiToken.objects.get())

    response = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_api_session_auth_for_the_browser(client_for: Callable[[str], Client]) -> None:
    response = client_for("bob").get("/api/me")

    assert response.json()["username"] == "bob"


def test_openapi_schema_is_published(db: None) -> None:
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Peerwheel API"
