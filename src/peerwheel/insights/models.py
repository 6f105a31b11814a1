"""Insights' own records: the private nudges to invisible successes.

A nudge is for its person's eyes only (`insights.selectors.nudges_for_person`); leads see counts
(`invisible_successes` in the report), never whom. Written by `insights.services.nudges_create`.
"""

from __future__ import annotations

from django.db import models

from peerwheel.org.models import Person


class NudgeKind(models.TextChoices):
    INVISIBLE_SUCCESS = "invisible_success", "Your way of working could help others"


class Nudge(models.Model):
    """A private suggestion to share, with a prefilled draft for the hub's new-post form.

    `week`: the Monday of the as-of date it was made for (one nudge of a kind per person and
    week); `shared_at`: when the person first shared (a post that is not a question, an answer
    or a demo, under their own name) within 4 weeks of the nudge, else empty.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nudges")
    kind = models.CharField(max_length=32, choices=NudgeKind.choices)
    week = models.DateField()
    created = models.DateTimeField(db_index=True)
    message = models.CharField(max_length=300)
    #: the "X" of "your way of doing X" (their most used tool), may be empty
    topic = models.CharField(max_length=100, blank=True)
    #: the "N colleagues in your role"; empty when under the minimum group
    colleagues = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    draft = models.TextField()
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "week"], name="insights_nudge_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id} ({self.week})"
