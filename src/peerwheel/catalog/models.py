"""The catalogue's records: tools, the policy (one rule per tool × data class × use), and every
"can I use X for Y with data Z?" with its answer.

The vocabularies are fixed lists (data classes, uses, verdicts): a policy file or form naming
anything else is refused. No business logic here: writes are in services.py, reads in
selectors.py, the policy's decision in policy.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from peerwheel.core.models import Import
from peerwheel.org.models import Person


class ToolStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    PILOT = "pilot", "Pilot"
    NOT_APPROVED = "not_approved", "Not approved"


class DataClass(models.TextChoices):
    """What the data is, from the least to the most sensitive."""

    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    CUSTOMER_PERSONAL = "customer_personal", "Customer personal data"
    EMPLOYEE_PERSONAL = "employee_personal", "Employee personal data"


class Use(models.TextChoices):
    """What the tool is used for; anything else someone types is `other` (kept as typed)."""

    DRAFTING = "drafting", "Drafting"
    SUMMARISING = "summarising", "Summarising"
    CODING = "coding", "Coding"
    DATA_ANALYSIS = "data_analysis", "Data analysis"
    TRANSLATION = "translation", "Translation"
    RESEARCH = "research", "Research"
    CUSTOMER_COMMUNICATION = "customer_communication", "Customer communication"
    DECISIONS_ABOUT_PEOPLE = "decisions_about_people", "Decisions about people"
    OTHER = "other", "Other"


#: A rule's use: one of the fixed uses, or every use (`any`). `other` has no rule of its own.
ANY_USE = "any"
RULE_USE_CHOICES = [(ANY_USE, "Any use")] + [c for c in Use.choices if c[0] != Use.OTHER]


class Verdict(models.TextChoices):
    YES = "yes", "Yes"
    CONDITIONS = "conditions", "Yes, with conditions"
    NO = "no", "No"


class AnswerKind(models.TextChoices):
    """What an asker hears: the policy's verdict, or `review` while a lead decides."""

    YES = "yes", "Yes"
    CONDITIONS = "conditions", "Yes, with conditions"
    NO = "no", "No"
    REVIEW = "review", "In review"


class Tool(models.Model):
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=16, choices=ToolStatus.choices)
    vendor = models.CharField(max_length=120, blank=True)
    access_url = models.URLField(blank=True, help_text="where to open it or ask for access")
    seat_howto = models.TextField(blank=True, help_text="how to get a seat")
    description = models.TextField(blank=True)
    alternative = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the approved tool to use instead",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="catalog_tool_name_unique")]

    def __str__(self) -> str:
        return self.name


class PolicyRule(models.Model):
    """May `tool` be used for `use` (or any use) with data of `data_class`?"""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="rules")
    data_class = models.CharField(max_length=24, choices=DataClass.choices)
    use = models.CharField(max_length=24, choices=RULE_USE_CHOICES, default=ANY_USE)
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    conditions = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    source_import = models.ForeignKey(Import, null=True, blank=True, on_delete=models.SET_NULL)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tool__name", "data_class", "use"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "data_class", "use"], name="catalog_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tool} × {self.data_class} × {self.use}: {self.verdict}"


class UseRequest(models.Model):
    """One "can I use X for Y with data Z?" and its answer: instant from the policy, or after a
    lead's review (`reviewed`), with its deadline and whether it was missed (`breach`)."""

    asker = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="use_requests")
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    #: the tool as the asker wrote it (an unknown tool has only this)
    tool_name = models.CharField(max_length=200)
    use = models.CharField(max_length=24, choices=Use.choices)
    #: the use as typed, when it is not one of the list (`use` is then `other`)
    use_text = models.CharField(max_length=200, blank=True)
    data_class = models.CharField(max_length=24, choices=DataClass.choices)
    answer = models.CharField(max_length=12, choices=AnswerKind.choices)
    reasons = models.JSONField(default=list, blank=True)
    conditions = models.TextField(blank=True)
    alternative = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.ForeignKey(
        PolicyRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(db_index=True)
    #: the policy did not cover it: a lead answers by `due` (working days, inclusive)
    reviewed = models.BooleanField(default=False)
    due = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    #: the review missed its deadline (flagged once the due day has passed unanswered)
    breach = models.BooleanField(default=False)
    #: the asker was outside the rollout scope when asking (organic demand)
    outside_scope = models.BooleanField(default=False)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        indexes = [
            models.Index(fields=["reviewed", "resolved_at"], name="catalog_request_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.tool_name} for {self.use} with {self.data_class}: {self.answer}"

    @property
    def is_open(self) -> bool:
        return self.answer == AnswerKind.REVIEW and self.resolved_at is None

    @property
    def use_label(self) -> str:
        return self.use_text if self.use == Use.OTHER and self.use_text else self.get_use_display()
