from __future__ import annotations

from django.conf import settings
from django.db import models


class Import(models.Model):
    """One file read into Peerwheel: what, by whom, the counts, and every error with its line."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Succeeded, some rows skipped"
        FAILED = "failed", "Failed, nothing written"
        DRY_RUN = "dry_run", "Dry run, nothing written"

    kind = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"
