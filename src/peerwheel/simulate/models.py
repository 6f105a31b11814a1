"""A simulation run from the Simulate page: what was asked, how far it got, and the result."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SimulationRun(models.Model):
    """2–4 arms (scenarios) run on the organisation's network, kept so a lead can come back.

    `parameters` holds {"arms": [Scenario.to_dict(), ...], "runs", "weeks"}; `result` holds the
    network's size and, per arm, the adoption curve, its 5–95% band and the summary figures.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0–100
    phase = models.CharField(max_length=200, blank=True)
    parameters = models.JSONField(default=dict)
    seed = models.IntegerField(default=42)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished_ok(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
