"""The hub API's input and output types (django-ninja Schemas: the OpenAPI document names each).

Outputs are built from the frozen views of `hub.views_data` (anonymity already applied) by the
`*_out` functions. Times are ISO 8601 strings, written by `datetime.isoformat()` (the JSON
encoder would cut microseconds and change the zone's spelling). A post's `reuse` appears only
when it has any: the endpoints that answer posts dump with `exclude_unset` (so a post's fields
are given as a dict, where `reuse` is absent, never as a nested `PostOut`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from peerwheel.hub.validation import (
    ANSWER_MAX,
    BODY_MAX,
    NOTE_MAX,
    PROMPT_MAX,
    TAG_MAX,
    TAGS_MAX,
    TASK_MAX,
    TITLE_MAX,
    TOOL_MAX,
)
from peerwheel.hub.views_data import (
    AnswerView,
    AuthorView,
    PostRef,
    PostView,
    TrialView,
    VersionView,
)

Tag = Annotated[str, Field(max_length=TAG_MAX * 2)]  # room for '#' and spaces around it
IsoTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


# --- inputs ------------------------------------------------------------------------------------


class PostIn(Schema):
    kind: str = Field(max_length=20)
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=BODY_MAX)
    prompt_text: str = Field("", max_length=PROMPT_MAX)
    tool: str = Field("", max_length=TOOL_MAX)
    task: str = Field("", max_length=TASK_MAX)
    minutes_saved: int | None = None
    anonymous: bool = False
    tags: list[Tag] = Field([], max_length=TAGS_MAX * 2)


class PostPatch(Schema):
    title: str | None = Field(None, max_length=TITLE_MAX)
    body: str | None = Field(None, max_length=BODY_MAX)
    prompt_text: str | None = Field(None, max_length=PROMPT_MAX)
    tool: str | None = Field(None, max_length=TOOL_MAX)
    task: str | None = Field(None, max_length=TASK_MAX)
    minutes_saved: int | None = None
    anonymous: bool | None = None
    tags: list[Tag] | None = Field(None, max_length=TAGS_MAX * 2)
    kind: str | None = Field(None, max_length=20)


class TrialIn(Schema):
    outcome: str = Field(max_length=20)
    minutes_saved: int | None = None
    note: str = Field("", max_length=NOTE_MAX)


class AnswerIn(Schema):
    body: str = Field(max_length=ANSWER_MAX)


class ReactionIn(Schema):
    emoji: str = Field(max_length=10)


class StageIn(Schema):
    stage: int = Field(
        description="1 What is this?, 2 How do I get access?, 3 How do I do X with it?, "
        "4 How do I build Y that nobody has tried?"
    )


class CheckIn(Schema):
    title: str = Field("", max_length=TITLE_MAX)
    body: str = Field("", max_length=BODY_MAX)
    prompt_text: str = Field("", max_length=PROMPT_MAX)
    tool: str = Field("", max_length=TOOL_MAX)
    task: str = Field("", max_length=TASK_MAX)
    note: str = Field("", max_length=NOTE_MAX)


# --- outputs -----------------------------------------------------------------------------------


class AuthorOut(Schema):
    id: int
    name: str
    job_title: str
    team: str
    department: str
    role_family: str


class PostRefOut(Schema):
    id: int
    title: str
    author: AuthorOut | None


class PostOut(Schema):
    """A post as lists show it; `author` is null for an anonymous post."""

    id: int
    kind: str
    title: str
    body: str
    body_html: str
    prompt_text: str
    tool: str
    task: str
    minutes_saved: int | None
    anonymous: bool
    tags: list[str]
    question_stage: int | None
    question_stage_source: str = Field(
        description="Who set the stage: classifier, asker, champion or lead (never a name); "
        "empty when the post has no stage."
    )
    question_stage_confidence: float | None = Field(
        description="The classifier's probability for its stage; null when a person set it."
    )
    author: AuthorOut | None
    mine: bool
    parent: PostRefOut | None
    version: int
    created: IsoTime
    edited: IsoTime | None
    answer_count: int
    tried_count: int = Field(description='People who said "I tried this" (social proof).')
    worked_count: int = Field(description='Of those, the ones whose outcome is "worked".')
    reaction_count: int
    reuse: dict[str, int] | None = Field(
        None, description="Reuse counts; present only when the post has any."
    )


class AnswerOut(Schema):
    id: int
    body: str
    body_html: str
    author: AuthorOut | None
    by_asker: bool
    accepted: bool
    created: IsoTime


class TrialOut(Schema):
    id: int
    person: AuthorOut | None
    outcome: str
    minutes_saved: int | None
    note: str
    created: IsoTime
    updated: IsoTime


class VersionOut(Schema):
    version: int
    title: str
    body: str
    prompt_text: str
    created: IsoTime


class PostDetailOut(PostOut):
    """One post with its answers, trials, reaction counts, earlier versions and adaptations."""

    answers: list[AnswerOut]
    trials: list[TrialOut]
    reactions: dict[str, int]
    versions: list[VersionOut]
    adaptations: list[PostRefOut | None]
    duplicate_of: PostRefOut | None = Field(
        description="For a question marked as a duplicate: the original (its answers are in "
        "original_answers); null otherwise."
    )
    original_answers: list[AnswerOut]
    duplicates: list[PostRefOut | None] = Field(description="Questions marked as duplicates of it.")


class PostListOut(Schema):
    items: list[PostOut]
    count: int


class FindingOut(Schema):
    """Something the guardrails found in a field: where (start, end), what and its placeholder."""

    field: str
    kind: str
    severity: str
    start: int
    end: int
    message: str
    replacement: str


class PostCreatedOut(Schema):
    id: int
    warnings: list[FindingOut]


class CreatedOut(Schema):
    id: int


class PostDeletedOut(Schema):
    id: int
    deleted: IsoTime | None


class TrialRecordedOut(Schema):
    id: int
    outcome: str
    minutes_saved: int | None
    note: str


class AnswerAcceptedOut(Schema):
    id: int
    accepted: bool


class ReactionOut(Schema):
    id: int
    emoji: str


class StageOut(Schema):
    id: int
    stage: int
    source: str = Field(description="asker, champion or lead: the role, never a name")


class CheckOut(Schema):
    blocked: bool
    findings: list[FindingOut]
    redacted: dict[str, str] | None


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    """Every refusal: {"error": {"code", "message", "details"}} (a block adds "findings")."""

    error: ErrorBody
    findings: list[FindingOut] | None = None


# --- building outputs from the views ---------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def author_out(author: AuthorView | None) -> AuthorOut | None:
    if author is None:
        return None
    return AuthorOut(
        id=author.id,
        name=author.name,
        job_title=author.job_title,
        team=author.team,
        department=author.department,
        role_family=author.role_family,
    )


def post_ref_out(ref: PostRef | None) -> PostRefOut | None:
    if ref is None:
        return None
    return PostRefOut(id=ref.id, title=ref.title, author=author_out(ref.author))


def _post_fields(view: PostView) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": view.id,
        "kind": view.kind,
        "title": view.title,
        "body": view.body,
        "body_html": view.body_html,
        "prompt_text": view.prompt_text,
        "tool": view.tool,
        "task": view.task,
        "minutes_saved": view.minutes_saved,
        "anonymous": view.anonymous,
        "tags": list(view.tags),
        "question_stage": view.question_stage,
        "question_stage_source": view.question_stage_source,
        "question_stage_confidence": view.question_stage_confidence,
        "author": author_out(view.author),
        "mine": view.mine,
        "parent": post_ref_out(view.parent),
        "version": view.version,
        "created": view.created.isoformat(),
        "edited": iso(view.edited),
        "answer_count": view.answer_count,
        "tried_count": view.tried_count,
        "worked_count": view.worked_count,
        "reaction_count": view.reaction_count,
    }
    if view.reuse:  # left unset otherwise: the answer has no "reuse" key
        fields["reuse"] = dict(view.reuse)
    return fields


def post_list_out(items: Iterable[PostView], count: int) -> PostListOut:
    """A page of posts as lists show them. The posts go in as dicts, not `PostOut`s: a nested
    Schema instance is validated again and would count `reuse` as set."""
    return PostListOut.model_validate(
        {"items": [_post_fields(view) for view in items], "count": count}
    )


def answer_out(answer: AnswerView) -> AnswerOut:
    return AnswerOut(
        id=answer.id,
        body=answer.body,
        body_html=answer.body_html,
        author=author_out(answer.author),
        by_asker=answer.by_asker,
        accepted=answer.accepted,
        created=answer.created.isoformat(),
    )


def trial_out(trial: TrialView) -> TrialOut:
    return TrialOut(
        id=trial.id,
        person=author_out(trial.person),
        outcome=trial.outcome,
        minutes_saved=trial.minutes_saved,
        note=trial.note,
        created=trial.created.isoformat(),
        updated=trial.updated.isoformat(),
    )


def version_out(version: VersionView) -> VersionOut:
    return VersionOut(
        version=version.version,
        title=version.title,
        body=version.body,
        prompt_text=version.prompt_text,
        created=version.created.isoformat(),
    )


def post_detail_out(view: PostView) -> PostDetailOut:
    return PostDetailOut.model_validate(
        {
            **_post_fields(view),
            "answers": [answer_out(a) for a in view.answers],
            "trials": [trial_out(t) for t in view.trials],
            "reactions": {r.emoji: r.count for r in view.reactions},
            "versions": [version_out(v) for v in view.versions],
            "adaptations": [post_ref_out(a) for a in view.adaptations],
            "duplicate_of": post_ref_out(view.duplicate_of),
            "original_answers": [answer_out(a) for a in view.original_answers],
            "duplicates": [post_ref_out(d) for d in view.duplicates],
        }
    )
