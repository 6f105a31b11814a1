"""The rollout program's records: its stage and scope, gates, champions, buddies, wave plans.

The program-sessions part (cohorts, promptathons, show-and-tell) keeps its models in its own
module; this one holds the core of the rollout. No business logic here: writes are in
services.py (and buddies.py, waves.py), reads in selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from peerwheel.core.models import Import
from peerwheel.org.models import Department, Person, Site


class Stage(models.TextChoices):
    """Crawl, Walk, Run, Fly (DESIGN.md, "Rollout stages"), in order."""

    CRAWL = "crawl", "Crawl"
    WALK = "walk", "Walk"
    RUN = "run", "Run"
    FLY = "fly", "Fly"


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


class ScopeEntry(models.Model):
    """One unit of the rollout scope (a person, a department or a site) from `since` until
    `until` (exclusive; open while in scope). Exactly one of the three is set."""

    class Unit(models.TextChoices):
        PERSON = "person", "Person"
        DEPARTMENT = "department", "Department"
        SITE = "site", "Site"

    unit = models.CharField(max_length=12, choices=Unit.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE)
    #: the stage the unit joined the rollout in (a site's own stage, for a site)
    stage = models.CharField(max_length=8, choices=Stage.choices)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    source_import = models.ForeignKey(Import, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["until"], name="program_scope_until")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit="person", person__isnull=False, department__isnull=True)
                    & models.Q(site__isnull=True)
                )
                | (
                    models.Q(unit="department", department__isnull=False, person__isnull=True)
                    & models.Q(site__isnull=True)
                )
                | (
                    models.Q(unit="site", site__isnull=False, person__isnull=True)
                    & models.Q(department__isnull=True)
                ),
                name="program_scope_one_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.person or self.department or self.site} since {self.since}"


class StageMove(models.Model):
    """The organisation moved from one stage to another: a lead's decision, with the gates as
    they stood and a reason when not all were met. The latest move is the current stage."""

    from_stage = models.CharField(max_length=8, choices=Stage.choices)
    to_stage = models.CharField(max_length=8, choices=Stage.choices)
    moved_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.TextField(blank=True)
    all_gates_met = models.BooleanField(default=False)
    #: the gates of `from_stage` when the move was made (key, label, value, target, met)
    gates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage} on {self.moved_at:%Y-%m-%d}"


class Gate(models.Model):
    """One gate to leave a stage: which measure, its target, and when it was first met.

    Defaults come from DESIGN.md's table (program.gates.DEFAULT_GATES); leads edit the target
    and label, switch a gate off, or add one over any measure of program.measures.MEASURES.
    """

    stage = models.CharField(max_length=8, choices=Stage.choices)
    key = models.SlugField(max_length=40)
    measure = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    target = models.FloatField()
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    met_since = models.DateField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "key"], name="program_gate_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.label}"


class Champion(models.Model):
    """A person in the champions network. Invited by a lead; active only once the person has
    accepted (never appointed without consent); declined or stepped down keep the row."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        STEPPED_DOWN = "stepped_down", "Stepped down"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="champion")
    status = models.CharField(max_length=14, choices=Status.choices)
    #: the natural-champion evidence in words when invited (counts only)
    evidence = models.CharField(max_length=400, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    invited_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    stepped_down_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person__name", "pk"]

    def __str__(self) -> str:
        return f"{self.person} ({self.status})"


class BuddyVolunteer(models.Model):
    """A person who opted in to be a buddy to colleagues who are just starting."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="buddy_optin")
    opted_in_at = models.DateTimeField()
    opted_out_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person} ({'out' if self.opted_out_at else 'in'})"


class BuddyPair(models.Model):
    """A newcomer (a question at stage 1–2) paired with a nearby regular user."""

    newcomer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="buddy_pairs")
    buddy = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="buddy_of")
    paired_at = models.DateTimeField()
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    #: why they were paired, in words (ties, role family, site)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-paired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["newcomer"],
                condition=models.Q(ended_at__isnull=True),
                name="program_buddy_one_open_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.newcomer} with {self.buddy}"


class WavePlan(models.Model):
    """The next waves as the planner ranked and simulated them on a day (JSON-ready result)."""

    created = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    as_of = models.DateField()
    unit = models.CharField(max_length=12)  # "site" or "department"
    per_wave = models.PositiveSmallIntegerField()
    seed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"wave plan of {self.as_of} ({self.unit}s)"


# The program-sessions part (cohorts, promptathons, show-and-tell, calendar tokens).
from peerwheel.program.models_sessions import Attendance, CalendarToken, Cohort, CohortMember, Session, SessionPresenter  # noqa: E402, F401, E501, I001  # fmt: skip
