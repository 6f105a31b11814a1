"""Audit entries are only ever added: no code path deletes one, and a role changes only through
`role_assign`, which writes its entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from peerwheel.accounts.models import AuditDeleteRefusedError, AuditEntry
from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import role_assign

SOURCE = Path(__file__).resolve().parents[2] / "src" / "peerwheel"
ROLE_WRITES = re.compile(
    r"\.groups\.(add|set|remove|clear)\(|\.user_set\.|is_superuser\s*=(?!=)|is_staff\s*=(?!=)"
)


@pytest.fixture
def entry(cast: dict[str, User]) -> AuditEntry:
    role_assign(user=cast["alice"], role=Role.CHAMPION, actor=cast["erin"])
    return AuditEntry.objects.get(action="role.assign", target="alice", detail__role="champion")


def test_an_audit_entry_refuses_to_be_deleted(entry: AuditEntry) -> None:
    with pytest.raises(AuditDeleteRefusedError, match="never deleted"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_queryset_of_audit_entries_refuses_to_be_deleted(entry: AuditEntry) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(AuditDeleteRefusedError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditDeleteRefusedError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == before > 0


def test_deleting_a_login_keeps_its_entries_with_the_actor_cleared(
    cast: dict[str, User], entry: AuditEntry
) -> None:
    assert entry.actor == cast["erin"]
    role_assign(user=cast["bob"], role=Role.ADMIN, actor=None)  # erin is not the last admin
    cast["erin"].delete()
    entry.refresh_from_db()
    assert entry.actor is None and entry.target == "alice"


def test_only_role_assign_changes_groups_or_the_admin_flags() -> None:
    writers = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if ROLE_WRITES.search(path.read_text(encoding="utf-8"))
    }
    assert writers == {"accounts/services.py"}
