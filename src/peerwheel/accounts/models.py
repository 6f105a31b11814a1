from __future__ import annotations

import hashlib
from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class Capability(models.Model):
    """Carrier of the role capabilities as Django permissions; holds no rows."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("use_hub", "Use the hub"),
            ("answer_questions", "Answer questions"),
            ("run_show_and_tell", "Run show-and-tell"),
            ("view_aggregates", "View aggregates"),
            ("manage_program", "Manage program"),
            ("run_study", "Run study"),
            ("read_study_reports", "Read study reports"),
            ("run_simulations", "Run simulations"),
            ("import_data", "Import data"),
            ("manage_people", "Manage people"),
            ("moderate", "Moderate"),
        ]

    def __str__(self) -> str:
        return "role capabilities"


class ApiToken(models.Model):
    """A bearer token for integrations. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(
        null=True, blank=True, help_text="When the token stops working; empty: until revoked."
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()


AUDIT_KEPT = (
    "Audit entries are never deleted: the log is the record of who did what. (A deleted "
    "login keeps its entries, with the actor cleared.)"
)


class AuditDeleteRefusedError(RuntimeError):
    """Something tried to delete audit entries; nothing was deleted."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def delete(self) -> NoReturn:
        raise AuditDeleteRefusedError(AUDIT_KEPT)

    delete.queryset_only = True  # type: ignore[attr-defined]  # as Django's: not on the manager


class AuditEntry(models.Model):
    """Who did a sensitive thing, to what, and when (reveals, role changes, imports).

    Rows are only ever added: `delete()` on a row or a queryset raises AuditDeleteRefusedError
    (the admin offers no delete either). Deleting a login clears `actor` (SET_NULL, an update).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def delete(self, using: Any = None, keep_parents: bool = False) -> NoReturn:
        raise AuditDeleteRefusedError(AUDIT_KEPT)
