"""AI usage: weekly records per person (or unmatched id), the identities that match them, and
organisation-level records for sources that have no per-person numbers (GitHub's metrics API).

Records are private: a person's own records are shown to that person only, everyone else sees
aggregates over groups of at least `PEERWHEEL_MIN_GROUP` people. Nothing here is registered in
the Django admin, so an admin cannot browse anyone's usage either.
"""

from __future__ import annotations

from django.db import models

from peerwheel.core.models import Import
from peerwheel.org.models import Person


def subject_for(*, person_id: int | None, external_id: str) -> str:
    """The key a series is unique under: the person when matched, else the id the file used."""
    return f"p:{person_id}" if person_id is not None else f"x:{external_id}"


class UsageSeries(models.Model):
    """Every week of one person's (or one unmatched external id's) use of one tool.

    DESIGN.md's usage record — person, week, tool, actions, active days, agent actions, source
    import — is one entry of `data`: weekly entries packed by `engine.usage_series` (sorted by
    week, unique). A row per person and tool rather than per person, week and tool keeps an
    import of a million records to a few thousand rows written (bench/README.md).

    `subject` is `p:<person id>` once matched and `x:<external id>` until then, so (subject,
    tool) is a plain unique key. Read through `usage.selectors`, write through `usage.store`.
    """

    subject = models.CharField(max_length=300)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="usage_series",  # indexed: deleting people checks it on PostgreSQL
    )
    external_id = models.CharField(max_length=254, help_text="the id the latest import used")
    tool = models.CharField(max_length=120)
    first_week = models.DateField(help_text="the Monday of the first week held")
    last_week = models.DateField(help_text="the Monday of the last week held")
    weeks = models.PositiveIntegerField(help_text="how many weekly records `data` holds")
    data = models.BinaryField(help_text="the weekly records, packed (engine.usage_series)")
    last_source = models.ForeignKey(
        Import,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usage_series",
        help_text="the latest import that changed this series",
    )

    class Meta:
        verbose_name_plural = "usage series"
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "tool"], name="usage_series_unique_subject_tool"
            )
        ]
        indexes = [
            models.Index(
                fields=["external_id"],
                condition=models.Q(person__isnull=True),
                name="usage_series_unmatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.tool}: {self.weeks} weeks to {self.last_week}"


class UnmatchedId(models.Model):
    """An id a usage file used that matches no person, with the HR attributes the file carried
    for it (a Viva person query's `Organization`, `FunctionType`, `Area`, ...) and why it stayed
    unmatched. The usage overview groups such an id's usage by these attributes, so group
    aggregates still work while it is unmatched; linking it to a person removes it."""

    external_id = models.CharField(max_length=254, unique=True)
    department = models.CharField(max_length=120, blank=True)
    site = models.CharField(max_length=120, blank=True)
    role_family = models.CharField(max_length=20, blank=True)
    attributes = models.JSONField(default=dict, help_text="the file's columns, as it gave them")
    reason = models.CharField(max_length=300, blank=True)
    last_source = models.ForeignKey(
        Import, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.external_id} ({self.department or '-'}, {self.site or '-'})"


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email"
    UPN = "upn", "User principal name"
    EMPLOYEE_ID = "employee_id", "Employee id"
    LOGIN = "login", "Login (GitHub, Slack, ...)"
    OPAQUE = "opaque", "Opaque id (Viva PersonId, ChatGPT user id, ...)"


class IdentityLink(models.Model):
    """An id some AI tool uses for a person. Emails and UPNs are stored lower-cased."""

    kind = models.CharField(max_length=20, choices=IdentityKind.choices)
    value = models.CharField(max_length=254)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identity_links")
    source = models.CharField(max_length=60, blank=True, help_text="the system the id is from")
    created_by = models.ForeignKey(
        Import, null=True, blank=True, on_delete=models.SET_NULL, related_name="identity_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_link_unique_value")
        ]
        indexes = [models.Index(fields=["value"], name="identity_link_value")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} → {self.person_id}"


class OrgUsageRecord(models.Model):
    """Organisation- or team-level weekly usage of one tool (GitHub Copilot metrics)."""

    scope = models.CharField(max_length=200, help_text="the organisation or org/team it covers")
    week = models.DateField(help_text="the Monday of the ISO week")
    tool = models.CharField(max_length=120)
    actions = models.PositiveBigIntegerField(default=0)
    engaged_users = models.PositiveIntegerField(default=0)
    active_users = models.PositiveIntegerField(default=0)
    days = models.PositiveSmallIntegerField(default=7, help_text="days of data in the week")
    source = models.ForeignKey(
        Import, null=True, blank=True, on_delete=models.SET_NULL, related_name="org_usage_records"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "week", "tool"], name="org_usage_unique_scope_week_tool"
            )
        ]
        indexes = [models.Index(fields=["week"], name="org_usage_week")]

    def __str__(self) -> str:
        return f"{self.scope} {self.week} {self.tool}: {self.actions}"


class ImportedMessage(models.Model):
    """A chat message already imported into the hub, so importing the export again adds nothing.

    `key` is `<channel id>:<message ts>`; the message became a post or an answer. `channel` is
    the channel's name as the chat service spells it (a hub tag may differ: `ai_tips` → `ai-tips`).
    """

    source = models.CharField(max_length=20, default="slack")
    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=80, blank=True)
    post = models.ForeignKey(
        "hub.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        "hub.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source_import = models.ForeignKey(
        Import, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="imported_message_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key}"
