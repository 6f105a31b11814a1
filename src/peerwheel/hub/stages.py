"""Question stages in the product: every question gets one, the people who may correct it do,
and the classifier learns from their corrections (docs/hub.md; docs/metrics.md, "Question
stages").

- `stage_fields(...)`: the stage of a question being published or edited: the asker's choice,
  else the classifier's stage and confidence. `post_publish` and `post_edit` call it, so hub
  questions and imported Slack questions (published through `post_publish`) all get one.
- `question_stage_correct(...)`: the asker, champions and program leads set a question's stage;
  everyone else is refused (403). The correction is kept (`QuestionStageCorrection`) and the
  next classification uses a model refitted with it. The asker of an anonymous question
  corrects it without the record naming them.
- `question_stages_retrain(...)` (`peerwheel insights retrain`): refit from the corpus and every
  correction, then classify again every question whose stage came from the classifier, and
  every question without a stage (the backfill of questions asked before stages existed).

The model is `engine.question_stages.model_for(corrections)` over every stored correction, kept
in this process under the corrections' version (their count and latest id): it is refitted
when a correction was added, here or by another process, never per request.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from peerwheel.hub import validation
from peerwheel.hub.errors import HubForbiddenError, HubInputError, HubNotAllowedError
from peerwheel.hub.models import Post, PostKind, QuestionStageCorrection, QuestionStageSource
from peerwheel.org.models import Person

if TYPE_CHECKING:
    from peerwheel.engine.question_stages import QuestionStageModel
    from peerwheel.hub.selectors import Viewer

#: questions classified and written at a time by the retrain
RETRAIN_CHUNK = 2000
#: the stored confidence's digits (a probability; more digits tell nobody anything)
CONFIDENCE_DIGITS = 4

_lock = threading.Lock()
_cached: dict[str, Any] = {}  # "version": (count, last id), "model": the fitted model


def question_text(title: str, body: str) -> str:
    """What the classifier reads of a question, and what a correction keeps: title and body."""
    return f"{title.strip()}\n{body.strip()}".strip()


def _corrections_version() -> tuple[int, int]:
    row = QuestionStageCorrection.objects.aggregate(n=Count("id"), last=Max("id"))
    return int(row["n"]), int(row["last"] or 0)


def stage_model() -> QuestionStageModel:
    """The classifier fitted on the corpus and every stored correction (kept until one is added).

    The engine is imported here, not at the top: fitting needs scikit-learn, which every page
    of the hub would otherwise load at start-up.
    """
    from peerwheel.engine.question_stages import model_for

    version = _corrections_version()
    with _lock:
        if _cached.get("version") != version:
            corrections = QuestionStageCorrection.objects.order_by("created", "id").values_list(
                "text", "new_stage"
            )
            _cached["model"] = model_for([(text, int(stage)) for text, stage in corrections])
            _cached["version"] = version
        model: QuestionStageModel = _cached["model"]
    return model


def stage_model_forget() -> None:
    """Drop this process's model: the next classification refits (after a correction here, so a
    correction rolled back and another written under the same id are never confused)."""
    with _lock:
        _cached.clear()


def stage_fields(*, kind: str, title: str, body: str, chosen: int | None) -> dict[str, Any]:
    """The stage fields of a post being written: none for a post that is not a question, the
    asker's choice when they made one, else the classifier's stage and confidence."""
    if kind != PostKind.QUESTION:
        return {"question_stage": None, "question_stage_confidence": None,
                "question_stage_source": ""}  # fmt: skip
    if chosen is not None:
        return {"question_stage": chosen, "question_stage_confidence": None,
                "question_stage_source": QuestionStageSource.ASKER}  # fmt: skip
    (prediction,) = stage_model().classify([question_text(title, body)])
    return {
        "question_stage": int(prediction.stage),
        "question_stage_confidence": round(prediction.confidence, CONFIDENCE_DIGITS),
        "question_stage_source": QuestionStageSource.CLASSIFIER,
    }


def stage_corrector_role(viewer: Viewer, *, is_asker: bool) -> QuestionStageSource | None:
    """In what role this viewer may set a question's stage, or None when they may not.

    The asker first (their own question, even when they are a champion too: an anonymous
    asker's correction must not name them), then program leads, then champions (the
    capabilities `Manage program` and `Answer questions`, decided by accounts.permissions).
    """
    if is_asker:
        return QuestionStageSource.ASKER
    if viewer.can_curate:
        return QuestionStageSource.LEAD
    if viewer.can_answer:
        return QuestionStageSource.CHAMPION
    return None


def _stage(value: Any) -> int:
    try:
        stage = validation.stage(value)
    except HubInputError:
        stage = None
    if stage is None:
        raise HubInputError("stage must be 1, 2, 3 or 4.", field="stage")
    return stage


def stage_correction_write(
    *,
    post: Post,
    stage: int,
    by: Person | None,
    role: QuestionStageSource,
    at: datetime | None = None,
) -> QuestionStageCorrection:
    """Keep a correction and set the post's stage (no permission check: callers decide who may;
    `question_stage_correct` and the asker's edit in `post_edit`). `by` is a Person, or None
    when the asker of an anonymous question corrected it."""
    when = at or timezone.now()
    correction = QuestionStageCorrection.objects.create(
        post=post,
        text=question_text(post.title, post.body),
        old_stage=post.question_stage,
        new_stage=stage,
        by=by,
        role=role,
        created=when,
    )
    post.question_stage = stage
    post.question_stage_confidence = None
    post.question_stage_source = role
    Post.objects.filter(pk=post.pk).update(
        question_stage=stage, question_stage_confidence=None, question_stage_source=role
    )
    stage_model_forget()
    return correction


@transaction.atomic
def question_stage_correct(
    *, post: Post, viewer: Viewer, stage: Any, at: datetime | None = None
) -> Post:
    """Set a question's stage as the asker, a champion or a program lead (else 403).

    Who may is decided before the input is read, so a refused caller learns nothing about the
    question. Setting the stage a person already set is nothing; confirming the classifier's
    stage is kept as a correction (it is a person's label). The asker of an anonymous question
    is stored as "the asker", never by name.
    """
    person = viewer.require_person()
    if post.deleted is not None:
        raise HubNotAllowedError("This post was deleted; its stage cannot change.")
    is_asker = post.author_id == person.pk
    role = stage_corrector_role(viewer, is_asker=is_asker)
    if role is None:
        raise HubForbiddenError(
            "Only the asker, champions and program leads can change a question's stage."
        )
    if post.kind != PostKind.QUESTION:
        raise HubNotAllowedError("Only a question has a stage; this post is a " + post.kind + ".")
    new = _stage(stage)
    if new == post.question_stage and post.question_stage_source != QuestionStageSource.CLASSIFIER:
        return post
    hidden = is_asker and post.anonymous
    stage_correction_write(post=post, stage=new, by=None if hidden else person, role=role, at=at)
    return post


@dataclass(frozen=True)
class RetrainReport:
    """What `question_stages_retrain` did."""

    corrections: int
    questions: int  # classified again (their stage came from the classifier, or was missing)
    changed: int  # of which the stage changed
    stages: dict[int, int] = field(default_factory=dict)  # the classified questions by stage


def question_stages_retrain(
    *, on_progress: Callable[[int, int], None] | None = None
) -> RetrainReport:
    """Refit the classifier on the corpus and every correction, then classify again every live
    question whose stage came from the classifier or is missing; a stage a person set stays.

    Written chunk by chunk, each in its own transaction (every row is right on its own, and a
    live server is not held up); a row a person corrected meanwhile is left alone.
    """
    stage_model_forget()
    model = stage_model()
    machine = Q(question_stage_source=QuestionStageSource.CLASSIFIER) | Q(
        question_stage__isnull=True
    )
    questions = Post.objects.filter(machine, kind=PostKind.QUESTION, deleted__isnull=True)
    ids = list(questions.order_by("id").values_list("id", flat=True))
    changed = 0
    stages: Counter[int] = Counter()
    if on_progress is not None:
        on_progress(0, len(ids))
    for start in range(0, len(ids), RETRAIN_CHUNK):
        with transaction.atomic():
            rows = list(
                questions.filter(pk__in=ids[start : start + RETRAIN_CHUNK])
                .select_for_update()
                .only("id", "title", "body", *_STAGE_FIELDS)
                .order_by("id")
            )
            predictions = model.classify([question_text(p.title, p.body) for p in rows])
            dirty = []
            for post, prediction in zip(rows, predictions, strict=True):
                stage = int(prediction.stage)
                confidence = round(prediction.confidence, CONFIDENCE_DIGITS)
                stages[stage] += 1
                changed += int(post.question_stage != stage)
                if (post.question_stage, post.question_stage_confidence) != (stage, confidence):
                    post.question_stage, post.question_stage_confidence = stage, confidence
                    post.question_stage_source = QuestionStageSource.CLASSIFIER
                    dirty.append(post)
            Post.objects.bulk_update(dirty, _STAGE_FIELDS, batch_size=500)
        if on_progress is not None:
            on_progress(min(start + RETRAIN_CHUNK, len(ids)), len(ids))
    return RetrainReport(
        corrections=model.corrections,
        questions=len(ids),
        changed=changed,
        stages=dict(sorted(stages.items())),
    )


_STAGE_FIELDS = ["question_stage", "question_stage_confidence", "question_stage_source"]
