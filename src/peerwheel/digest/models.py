"""The weekly digest's records: who wants it by email, and every digest sent.

A `DigestSend` row is written before a digest goes out and removed only if sending it failed,
so a week is never sent twice to the same person on the same channel (the unique constraints
hold it even for two runs at once). The Slack post is one per week for the organisation: its
row has no person.
"""

from __future__ import annotations

from django.db import models

from peerwheel.org.models import Person


class DigestSubscription(models.Model):
    """A person's choice; no row means the defaults (the digest by email)."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    email = models.BooleanField(default=True, help_text="send the weekly digest by email")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.person_id}: {'email' if self.email else 'unsubscribed'}"


class DigestChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack channel"


class DigestSend(models.Model):
    """One digest sent: to a person by email, or the week's post to the Slack channel."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="digest_sends"
    )
    week = models.CharField(max_length=8, help_text="the ISO week, e.g. 2026-W10")
    channel = models.CharField(max_length=8, choices=DigestChannel.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-week", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "week", "channel"], name="digest_send_once_per_week"
            ),
            models.UniqueConstraint(
                fields=["week", "channel"],
                condition=models.Q(person__isnull=True),
                name="digest_channel_post_once_per_week",
            ),
        ]
        indexes = [models.Index(fields=["week", "channel"], name="digest_send_week")]

    def __str__(self) -> str:
        return f"{self.week} {self.channel} → {self.person_id or 'channel'}"
