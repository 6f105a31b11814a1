"""The program's learning formats: cohorts and promptathons, the weekly show-and-tell, and each
person's calendar token (issue 16, parts 3 and 4).

A cohort learns together for a few weeks on one theme; a promptathon is a timed challenge with
a theme. Both are one model (`Cohort`, with `kind`): the same members, dates, hub tag and
results. No business logic here: writes are in sessions.py, reads in sessions_selectors.py.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from peerwheel.org.models import Person


class Cohort(models.Model):
    """A cohort or a promptathon: members, dates, and a hub tag. Its outputs are the members'
    hub posts carrying the tag between `starts_at` and `ends_at`."""

    class Kind(models.TextChoices):
        COHORT = "cohort", "Cohort"
        PROMPTATHON = "promptathon", "Promptathon"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=120)
    theme = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    #: the hub tag its outputs carry (as hub.validation.tags writes it: lower case, no '#')
    tag = models.CharField(max_length=40, unique=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="program_cohort_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class CohortMember(models.Model):
    """A person in a cohort or promptathon, from `joined_at`; `left_at` when they left early."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cohort_memberships")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="program_cohort_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.cohort}"


class Session(models.Model):
    """One show-and-tell: when, where, the join link. Its agenda is its presenters."""

    title = models.CharField(max_length=120, default="Show-and-tell")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    join_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()
    #: bumped on every change, so calendars replace their copy (the .ics SEQUENCE)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="program_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.starts_at:%Y-%m-%d}"


class SessionPresenter(models.Model):
    """A slot on a session's agenda: who presents what. People sign themselves up; a session's
    runner may add a suggested item (a win, a new face, the fails slot) for its author."""

    class Slot(models.TextChoices):
        WIN = "win", "A win"
        NEW_FACE = "new_face", "New face"
        FAIL = "fail", "Fails slot"
        OTHER = "other", "Demo"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presenters")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="session_slots")
    topic = models.CharField(max_length=200)
    slot = models.CharField(max_length=10, choices=Slot.choices, default=Slot.OTHER)
    #: the hub post it shows, when there is one (an id, not a foreign key: the hub is read
    #: through its selectors)
    hub_post_id = models.PositiveIntegerField(null=True, blank=True)
    signed_up_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="program_presenter_once_per_session",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.topic}"


class Attendance(models.Model):
    """A person and a session: `going_at` when they said they would come (their calendar feed
    carries it), `attended_at` once a runner recorded them there (that writes the hub's
    attended-demo influence events from each presenter)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="session_attendance")
    going_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["session", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="program_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.session}"


class CalendarToken(models.Model):
    """A person's calendar-feed token. Only its SHA-256 is stored (as accounts.ApiToken); a
    revoked token's feed is a 404. Issuing a new one revokes the old."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_tokens")
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.person})"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()
