from __future__ import annotations

from django.conf import settings
from django.db import models


class RoleFamily(models.TextChoices):
    SALES = "sales", "Sales"
    FINANCE = "finance", "Finance"
    ENGINEERING = "engineering", "Engineering"
    HR = "hr", "HR"
    OPERATIONS = "operations", "Operations"
    LEGAL = "legal", "Legal"
    MARKETING = "marketing", "Marketing"
    SUPPORT = "support", "Support"
    EXECUTIVE = "executive", "Executive"
    OTHER = "other", "Other"


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=120)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "department"], name="team_unique_in_department")
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """An employee. Only the employee id is required: Viva exports carry no names.

    Leavers are never deleted: `active` is False and `left_on` says when, so their usage, posts
    and answers stay. Headcounts, denominators and privacy groups count the current people only
    (`org.selectors.people_current`).
    """

    employee_id = models.CharField(max_length=120, unique=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    role_family = models.CharField(max_length=20, choices=RoleFamily.choices, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    is_leader = models.BooleanField(default=False)
    active = models.BooleanField(
        default=True,
        db_default=True,  # rows written by code that predates the field are current people
        help_text="False: a leaver (kept with their usage and posts, out of headcounts and groups)",
    )
    left_on = models.DateField(
        null=True,
        blank=True,
        help_text="when a leaver left: the HR file's termination date, else the import's day",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["employee_id"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["active"], name="person_active")]

    def __str__(self) -> str:
        return self.name or self.employee_id

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.employee_id


class Tie(models.Model):
    """An undirected, weighted tie between two people from a collaboration network.

    Stored once per pair with `person_a_id < person_b_id`.
    """

    class Source(models.TextChoices):
        DEMO = "demo", "Demo network"
        EMAIL = "email", "Email"
        CHAT = "chat", "Chat"
        MEETINGS = "meetings", "Meetings"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(default=1.0)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.EMAIL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b", "source"], name="tie_unique"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="tie_ordered"
            ),
        ]
        indexes = [models.Index(fields=["person_b"])]

    def __str__(self) -> str:
        return f"{self.person_a_id}–{self.person_b_id} ({self.weight:g})"
