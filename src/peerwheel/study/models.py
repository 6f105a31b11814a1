"""The peer-influence study: instrument versions, survey waves and confidential responses.

Confidentiality by construction: a `Response` has no link to a person, no timestamp and a random
primary key. `Participation(person, wave)` only records that someone answered (one per person
per wave) and under which login. A person finds their own response again through
`Response.locator`, a keyed HMAC of (wave id, person id, login id) under the SECRET_KEY (see
`keys.py`): reading the tables cannot join the two, and nothing in the product shows, serves or
exports the join. Only the analysis step recomputes locators, to attach team, department, level
and usage outcomes; its output carries no person.

Nor does the order of rows join them: answers first wait, encrypted, in `PendingAnswers`, and
reach `Response` in shuffled batches of at least the minimum group (and the whole wave is
reshuffled when it closes), so the order of rowids, ctids or keys says nothing inside a batch.
Reports on in-app waves read a `ReportSnapshot`: the wave's analysis frame, frozen and sealed
when it closes; an open wave shows only its response count.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class InstrumentVersion(models.Model):
    """One version of the survey instrument, as the engine's `Instrument.to_dict()`.

    Versions are never edited in place: an edit creates the next version, so every wave keeps
    the exact wording its respondents saw.
    """

    instrument_key = models.CharField(max_length=120)
    version = models.CharField(max_length=40)
    definition = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_key", "version"], name="study_instrument_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} v{self.version}"


class SurveyWave(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        IN_APP = "in_app", "In-app survey"
        IMPORT = "import", "Imported file"

    name = models.CharField(max_length=200)
    instrument = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="waves"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.IN_APP)
    opens = models.DateTimeField(null=True, blank=True)
    closes = models.DateTimeField(
        null=True, blank=True, help_text="When the wave closes (answers are editable until then)."
    )
    invited = models.PositiveIntegerField(
        null=True, blank=True, help_text="People asked to answer, for the response rate."
    )
    link_usage = models.BooleanField(
        default=True,
        help_text="Take heavy and agent use from usage data for people who have it; "
        "otherwise (and for everyone when off) the answers' self-report.",
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped by every response write, to refresh the cached analysis."
    )
    import_record = models.ForeignKey(
        "core.Import", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """That a person answered a wave: nothing about what, nothing about when.

    `answered_as` is the login (user id) that gave the answers: the locator is bound to it, so
    a login later linked to this person can neither see nor change them.
    """

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="participations")
    answered_as = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "wave"], name="study_one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"participation in wave {self.wave_id}"


class Response(models.Model):
    """One respondent's answers, with no person, no timestamp and a random key.

    In-app responses carry a `locator` (keyed HMAC) and leave team, department and level blank:
    the analysis reads those from the organisation. Imported rows carry the file's values and
    their `line`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="responses")
    # NULL for imported rows, so that the (wave, locator) uniqueness applies to in-app ones only.
    locator = models.CharField(  # noqa: DJ001 - NULLs are distinct under the unique constraint
        max_length=64, null=True, blank=True, editable=False
    )
    answers = models.JSONField(default=dict, help_text="Item key to answer (1–5).")
    training = models.BooleanField(null=True, blank=True)
    frequency = models.PositiveSmallIntegerField(null=True, blank=True)
    heavy_user = models.BooleanField(null=True, blank=True, help_text="As reported.")
    agent_user = models.BooleanField(null=True, blank=True, help_text="As reported.")
    team = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=200, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "locator"], name="study_response_locator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"response to {self.wave_id}"


class PendingAnswers(models.Model):
    """Answers waiting for their shuffled batch, sealed (AES-GCM) under a key derived from the
    SECRET_KEY: locator and answers are inside the ciphertext, padded to a fixed size. No person,
    no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="pending")
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"pending answers to {self.wave_id}"


class ReportSnapshot(models.Model):
    """A closed wave's analysis frame, frozen and sealed (AES-GCM): what its report reads, so
    the report never changes (not with usage data either). `taken` is a day."""

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="snapshots")
    taken = models.DateField()
    respondents = models.PositiveIntegerField()
    sealed = models.BinaryField()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"snapshot of wave {self.wave_id} ({self.taken})"
