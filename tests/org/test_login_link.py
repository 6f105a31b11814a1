"""Issue #11 item 2: nobody reads someone's usage by linking a login to them.

The attack: in the admin, erin unlinks her own login from her person and links it to alice,
then opens alice's usage. Linking is now `person_link_user`: audited, never the actor's own
login, the person emailed; the admin's person and login pages go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from peerwheel.accounts.models import AuditEntry
from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import person_link_user, user_create
from peerwheel.org.models import Person
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _person_form(person: Person, **changes: Any) -> dict[str, Any]:
    """The admin change form of a person as the browser would post it."""
    data = {
        "employee_id": person.employee_id,
        "name": person.name,
        "email": person.email,
        "department": person.department_id or "",
        "team": person.team_id or "",
        "site": person.site_id or "",
        "role_family": person.role_family,
        "job_title": person.job_title,
        "manager": person.manager_id or "",
        "login": person.user_id or "",
        "_save": "Save",
    }
    if person.is_leader:
        data["is_leader"] = "on"
    data.update(changes)
    return data


def _refresh(*people: Person) -> None:
    for person in people:
        person.refresh_from_db()


def test_an_admin_cannot_relink_her_own_login_to_someone_else_through_the_admin(
    client_for: Callable[[str], Client], org: dict[str, Person], cast: dict[str, User]
) -> None:
    erin = client_for("erin")
    alice, erin_person = org["alice"], org["erin"]
    _refresh(alice, erin_person)
    assert erin.get(f"/usage/people/{alice.pk}/").status_code == 404

    # Step 1 of the attack: unlink her own login from her person (the old raw-id `user` field).
    unlink_old = erin.post(
        f"/admin/org/person/{erin_person.pk}/change/", _person_form(erin_person, user="")
    )
    unlink_new = erin.post(
        f"/admin/org/person/{erin_person.pk}/change/", _person_form(erin_person, login="")
    )
    # Step 2: link her login to alice, through either field.
    link_old = erin.post(
        f"/admin/org/person/{alice.pk}/change/", _person_form(alice, user=cast["erin"].pk)
    )
    link_new = erin.post(
        f"/admin/org/person/{alice.pk}/change/", _person_form(alice, login=cast["erin"].pk)
    )

    _refresh(alice, erin_person)
    assert erin_person.user == cast["erin"] and alice.user == cast["alice"]
    assert "cannot unlink your own login" in unlink_new.content.decode()
    assert "cannot link your own login" in link_new.content.decode()
    assert unlink_old.status_code == 302 and link_old.status_code == 302  # `user` is ignored
    assert erin.get(f"/usage/people/{alice.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="person.link_user", actor=cast["erin"]).exists()


def test_a_relink_by_another_admin_is_audited_and_emailed_to_the_person(
    client_for: Callable[[str], Client],
    org: dict[str, Person],
    cast: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice = org["alice"]
    _refresh(alice)
    new_login = User.objects.create_user("alice.new", "alice.new@example.com", PASSWORD)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("erin").post(
            f"/admin/org/person/{alice.pk}/change/", _person_form(alice, login=new_login.pk)
        )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.user == new_login
    entry = AuditEntry.objects.get(action="person.link_user", actor=cast["erin"])
    assert entry.target == "person:E2"
    assert entry.detail == {"previous": "alice", "login": "alice.new"}
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert "'alice'" in message.body and "'alice.new'" in message.body and "erin" in message.body
    assert PASSWORD not in message.body and "pbkdf2" not in message.body


def test_unlinking_tells_the_person_and_the_login_that_lost_the_link(
    org: dict[str, Person], cast: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    bob = org["bob"]
    _refresh(bob)
    bob.email = ""
    bob.save()
    cast["bob"].email = "bob.login@example.com"
    cast["bob"].save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changed = person_link_user(person=bob, user=None, actor=cast["erin"])

    assert changed
    bob.refresh_from_db()
    assert bob.user is None
    assert [m.to for m in mail.outbox] == [["bob.login@example.com"]]
    assert "unlinked" in mail.outbox[0].body


def test_the_service_refuses_the_actors_own_login_and_a_login_linked_elsewhere(
    org: dict[str, Person], cast: dict[str, User]
) -> None:
    erin = cast["erin"]
    with pytest.raises(ValueError, match="cannot link your own login"):
        person_link_user(person=org["alice"], user=erin, actor=erin)
    with pytest.raises(ValueError, match="cannot unlink your own login"):
        person_link_user(person=org["erin"], user=None, actor=erin)
    with pytest.raises(ValueError, match="already linked to 'E3'"):
        person_link_user(person=org["alice"], user=cast["bob"], actor=erin)
    assert not AuditEntry.objects.filter(action="person.link_user", actor=erin).exists()


def test_linking_the_same_login_again_changes_nothing(
    org: dict[str, Person], cast: dict[str, User]
) -> None:
    before = AuditEntry.objects.count()

    assert not person_link_user(person=org["alice"], user=cast["alice"], actor=cast["erin"])
    assert AuditEntry.objects.count() == before


def test_user_create_links_through_the_service(org: dict[str, Person]) -> None:
    user_create(username="zed", role=Role.MEMBER, person_employee_id="E7")

    entry = AuditEntry.objects.get(action="person.link_user", target="person:E7")
    assert entry.detail == {"previous": None, "login": "zed"}
    assert Person.objects.get(employee_id="E7").user.username == "zed"


def test_a_failed_notification_leaves_the_link_and_its_audit_row(
    org: dict[str, Person],
    cast: dict[str, User],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    new_login = User.objects.create_user("carol.new")

    with django_capture_on_commit_callbacks(execute=True):
        person_link_user(person=org["carol"], user=new_login, actor=cast["erin"])

    org["carol"].refresh_from_db()
    assert org["carol"].user == new_login
    assert AuditEntry.objects.filter(action="person.link_user", target="person:E4").exists()


def test_editing_a_person_in_the_admin_keeps_their_link_and_writes_no_link_row(
    client_for: Callable[[str], Client], org: dict[str, Person], cast: dict[str, User]
) -> None:
    alice = org["alice"]
    _refresh(alice)

    response = client_for("erin").post(
        f"/admin/org/person/{alice.pk}/change/", _person_form(alice, name="Alice A. Adams")
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.name == "Alice A. Adams" and alice.user == cast["alice"]
    assert not AuditEntry.objects.filter(action="person.link_user", actor=cast["erin"]).exists()


def test_a_person_added_in_the_admin_with_a_login_is_linked_through_the_service(
    client_for: Callable[[str], Client], org: dict[str, Person], cast: dict[str, User]
) -> None:
    login = User.objects.create_user("gina")
    newcomer = Person(employee_id="E9", name="Gina Green", email="gina@example.com")

    response = client_for("erin").post(
        "/admin/org/person/add/", _person_form(newcomer, login=login.pk)
    )

    assert response.status_code == 302
    assert Person.objects.get(employee_id="E9").user == login
    entry = AuditEntry.objects.get(action="person.link_user", actor=cast["erin"])
    assert entry.target == "person:E9" and entry.detail == {"previous": None, "login": "gina"}
