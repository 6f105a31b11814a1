"""The hub's data: posts, their versions, answers, reactions, trials and influence events.

Counters on Post (`tried_count`, `worked_count`, `teams_reached`, `answer_count`,
`adaptation_count`, `reaction_count`) are denormalised by the services and can be rebuilt with
`services.hub_counters_rebuild()`: the cards' social proof reads them, no query per card.
`search_vector` is filled by a PostgreSQL trigger; on SQLite the `hub_post_fts` FTS5 table is
kept in sync by triggers instead (both created in migration 0002, each on its own database).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from peerwheel.core.models import Import
from peerwheel.org.models import Person


class PostKind(models.TextChoices):
    WIN = "win", "Win"
    PROMPT = "prompt", "Prompt"
    FAIL = "fail", "Fail"
    TIP = "tip", "Tip"
    QUESTION = "question", "Question"


class QuestionStage(models.IntegerChoices):
    WHAT_IS_IT = 1, "What is this?"
    ACCESS = 2, "How do I get access?"
    HOW_TO = 3, "How do I do X with it?"
    BUILD_NEW = 4, "How do I build Y nobody has tried?"


class QuestionStageSource(models.TextChoices):
    """Who set a question's stage: the classifier, or a person who may correct it."""

    CLASSIFIER = "classifier", "Suggested by the classifier"
    ASKER = "asker", "Set by the asker"
    CHAMPION = "champion", "Set by a champion"
    LEAD = "lead", "Set by a program lead"


class Post(models.Model):
    kind = models.CharField(max_length=10, choices=PostKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField(editable=False)
    prompt_text = models.TextField(blank=True)
    tool = models.CharField(max_length=100, blank=True)
    task = models.CharField(max_length=100, blank=True)
    minutes_saved = models.PositiveIntegerField(null=True, blank=True)
    anonymous = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    question_stage = models.PositiveSmallIntegerField(
        choices=QuestionStage.choices, null=True, blank=True
    )
    #: the classifier's probability for `question_stage`; None when a person set it
    question_stage_confidence = models.FloatField(null=True, blank=True)
    question_stage_source = models.CharField(
        max_length=10, choices=QuestionStageSource.choices, blank=True
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hub_posts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="adaptations"
    )
    #: a question a champion or lead marked as asked before (hub/duplicates.py); its page
    #: shows the original's answers
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(db_index=True)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.DateTimeField(null=True, blank=True)
    tried_count = models.PositiveIntegerField(default=0)
    #: trials whose outcome is "worked" (an updated trial moves it)
    worked_count = models.PositiveIntegerField(default=0)
    teams_reached = models.PositiveIntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    adaptation_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["author", "created"], name="hub_post_author_created"),
            models.Index(fields=["kind", "created"], name="hub_post_kind_created"),
            models.Index(fields=["tried_count", "created"], name="hub_post_tried_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted is not None


class PostVersion(models.Model):
    """The content of a post as it was before an edit (prompts show their history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    prompt_text = models.TextField(blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["post", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="hub_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class Answer(models.Model):
    """An answer to a question, or a comment on any other kind of post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hub_answers")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    accepted = models.BooleanField(default=False)
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["author", "created"], name="hub_answer_author_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=models.Q(accepted=True), name="hub_one_accepted_answer"
            )
        ]

    def __str__(self) -> str:
        return f"answer {self.pk} on {self.post_id}"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="hub_reactions")
    emoji = models.CharField(max_length=16)
    created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person", "emoji"], name="hub_reaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.post_id}"


class TrialOutcome(models.TextChoices):
    WORKED = "worked", "It worked"
    PARTLY = "partly", "Partly"
    DIDNT = "didnt", "It didn't"


class Trial(models.Model):
    """A person's "I tried this" on a post: one per person per post, editable."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="trials")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="hub_trials")
    outcome = models.CharField(max_length=10, choices=TrialOutcome.choices)
    minutes_saved = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["person", "created"], name="hub_trial_person_created")]
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="hub_one_trial_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} tried {self.post_id}: {self.outcome}"


class InfluenceKind(models.TextChoices):
    TRIED = "tried", "Tried"
    ANSWERED = "answered", "Answered"
    COMMENTED = "commented", "Commented"
    REACTED = "reacted", "Reacted"
    ADAPTED = "adapted", "Adapted a prompt"
    ATTENDED_DEMO = "attended_demo", "Attended a demo"
    #: imported only (a chat bot, a meeting tool): the target was mentioned by the source
    MENTIONED = "mentioned", "Mentioned"


class InfluenceOrigin(models.TextChoices):
    HUB = "hub", "Recorded by the hub"
    IMPORTED = "imported", "Imported from another tool"


class InfluenceEvent(models.Model):
    """Influence from `source` (who shared or helped) to `target` (who acted on it).

    Tried, commented, reacted, adapted: source = the post's author, target = the actor.
    Answered: source = who answered, target = the asker. `anonymous_post` marks events about an
    anonymous post: use them only in aggregates, never to show one person's reach or help.
    `origin`: recorded by the hub's services, or imported (`peerwheel import influence-events`,
    `source_import` the Import that brought it; an imported event has no post). An imported
    event is stored once: the same source, target, kind and time again is the same event.
    """

    source = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="influence_out")
    target = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="influence_in")
    kind = models.CharField(max_length=16, choices=InfluenceKind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="influence_events"
    )
    anonymous_post = models.BooleanField(default=False)
    created = models.DateTimeField(db_index=True)
    origin = models.CharField(
        max_length=10, choices=InfluenceOrigin.choices, default=InfluenceOrigin.HUB
    )
    source_import = models.ForeignKey(
        Import, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["target", "created"], name="hub_influence_target_created"),
            models.Index(fields=["source", "created"], name="hub_influence_source_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind", "created"],
                condition=models.Q(origin="imported"),
                name="hub_influence_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} {self.kind}"


class QuestionStageCorrection(models.Model):
    """A person's correction of a question's stage, kept: the classifier learns from every one.

    `text` is the question as it read when corrected (what the model is refitted on). `by` is
    who corrected it, except for the asker of an anonymous question: then `by` is None and
    `role` says "asker", so the record never tells who asked (hub/stages.py).
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="stage_corrections")
    text = models.TextField()
    old_stage = models.PositiveSmallIntegerField(
        choices=QuestionStage.choices, null=True, blank=True
    )
    new_stage = models.PositiveSmallIntegerField(choices=QuestionStage.choices)
    by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=10, choices=QuestionStageSource.choices)
    created = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"post {self.post_id}: stage {self.old_stage} → {self.new_stage} ({self.role})"


class ConfidentialTerm(models.Model):
    """A word or phrase the organisation does not want shared (code names, clients)."""

    term = models.CharField(max_length=200, unique=True)
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term
