"""The hub's JSON API (registered under /api/ in peerwheel/api.py).

Thin: each endpoint resolves the viewer, calls one service or selector and shapes the answer.
Errors answer the shared shape {"error": {"code", "message", "details"}}; a post the guardrails
block answers 422 with the same "error" and a top-level "findings" list. Writes are limited to
PEERWHEEL_API_RATE_LIMIT per user per minute, the guardrails' check to PEERWHEEL_SCAN_RATE_LIMIT
(peerwheel.core.ratelimit, the same counters as the pages). Every text field has a maximum
length (hub.validation.FIELD_LIMITS): a longer one is a 422 naming the field and the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema

from peerwheel.core.ratelimit import Bucket, RateLimitedError, rate_limit_check
from peerwheel.hub import selectors, services
from peerwheel.hub.errors import GuardrailBlockedError, HubError, HubRateLimitedError
from peerwheel.hub.guardrails import findings_as_dicts, guardrail_check, guardrail_redact
from peerwheel.hub.selectors import PostPage, Viewer, hub_viewer
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
)

router = Router(tags=["hub"])


Tag = Annotated[str, Field(max_length=TAG_MAX * 2)]  # room for '#' and spaces around it


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


class CheckIn(Schema):
    title: str = Field("", max_length=TITLE_MAX)
    body: str = Field("", max_length=BODY_MAX)
    prompt_text: str = Field("", max_length=PROMPT_MAX)
    tool: str = Field("", max_length=TOOL_MAX)
    task: str = Field("", max_length=TASK_MAX)
    note: str = Field("", max_length=NOTE_MAX)


class Created(Schema):
    id: int


class ListOut(Schema):
    items: list[dict[str, Any]]
    count: int


def error_json(exc: HubError) -> JsonResponse:
    """The shared error shape for a hub error (plus "findings" when the guardrails block)."""
    body: dict[str, Any] = {
        "error": {"code": exc.code, "message": exc.message, "details": exc.details}
    }
    if isinstance(exc, GuardrailBlockedError):
        body["findings"] = exc.findings
    response = JsonResponse(body, status=exc.status, json_dumps_params={"ensure_ascii": False})
    if isinstance(exc, HubRateLimitedError):
        response["Retry-After"] = "60"
    return response


def _with_status(status: int, body: dict[str, Any]) -> JsonResponse:
    """A JSON answer with an explicit status (201 created, 200 updated)."""
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _hub_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except HubError as exc:
            return error_json(exc)

    return wrapped


def _throttle(viewer: Viewer, bucket: Bucket = "writes") -> None:
    """Count one write (or scan) against the user's limit of this minute (core.ratelimit)."""
    try:
        rate_limit_check(viewer.user.pk, bucket)
    except RateLimitedError as exc:
        raise HubRateLimitedError(exc.message) from None


def _writer(request: HttpRequest) -> tuple[Viewer, Any]:
    viewer = hub_viewer(request.user)
    person = viewer.require_person()
    _throttle(viewer)
    return viewer, person


def author_json(author: AuthorView | None) -> dict[str, Any] | None:
    if author is None:
        return None
    return {
        "id": author.id,
        "name": author.name,
        "job_title": author.job_title,
        "team": author.team,
        "department": author.department,
        "role_family": author.role_family,
    }


def _ref_json(ref: PostRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"id": ref.id, "title": ref.title, "author": author_json(ref.author)}


def post_json(view: PostView) -> dict[str, Any]:
    """A post as the API shows it in lists; `author` is null for anonymous posts."""
    data: dict[str, Any] = {
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
        "author": author_json(view.author),
        "mine": view.mine,
        "parent": _ref_json(view.parent),
        "version": view.version,
        "created": view.created.isoformat(),
        "edited": view.edited.isoformat() if view.edited else None,
        "answer_count": view.answer_count,
    }
    if view.reuse:
        data["reuse"] = dict(view.reuse)
    return data


def _answer_json(answer: AnswerView) -> dict[str, Any]:
    return {
        "id": answer.id,
        "body": answer.body,
        "body_html": answer.body_html,
        "author": author_json(answer.author),
        "by_asker": answer.by_asker,
        "accepted": answer.accepted,
        "created": answer.created.isoformat(),
    }


def _trial_json(trial: TrialView) -> dict[str, Any]:
    return {
        "id": trial.id,
        "person": author_json(trial.person),
        "outcome": trial.outcome,
        "minutes_saved": trial.minutes_saved,
        "note": trial.note,
        "created": trial.created.isoformat(),
        "updated": trial.updated.isoformat(),
    }


def post_detail_json(view: PostView) -> dict[str, Any]:
    data = post_json(view)
    data["answers"] = [_answer_json(a) for a in view.answers]
    data["trials"] = [_trial_json(t) for t in view.trials]
    data["reactions"] = {r.emoji: r.count for r in view.reactions}
    data["versions"] = [
        {
            "version": v.version,
            "title": v.title,
            "body": v.body,
            "prompt_text": v.prompt_text,
            "created": v.created.isoformat(),
        }
        for v in view.versions
    ]
    data["adaptations"] = [_ref_json(a) for a in view.adaptations]
    return data


def _list_json(page: PostPage) -> dict[str, Any]:
    return {"items": [post_json(v) for v in page.items], "count": page.count}


@router.get("/posts", response=ListOut, summary="Search or list posts (newest first without q)")
@_hub_errors
def posts_list(
    request: HttpRequest,
    q: str = "",
    kind: str | None = None,
    tool: str | None = None,
    page: int = 1,
) -> Any:
    viewer = hub_viewer(request.user)
    return _list_json(selectors.search_posts(viewer, q=q, kind=kind, tool=tool, page=page))


@router.post("/posts", response={201: dict[str, Any]}, summary="Publish a post")
@_hub_errors
def posts_create(request: HttpRequest, payload: PostIn) -> Any:
    _, person = _writer(request)
    post = services.post_publish(author=person, **payload.dict())
    warnings = findings_as_dicts(guardrail_check(payload.dict(), author=person))
    return _with_status(201, {"id": post.pk, "warnings": warnings})


@router.get("/posts/{post_id}", response=dict[str, Any], summary="One post, with its answers")
@_hub_errors
def posts_detail(request: HttpRequest, post_id: int) -> Any:
    viewer = hub_viewer(request.user)
    return post_detail_json(selectors.post_for_viewer(post_id, viewer))


@router.patch("/posts/{post_id}", response=dict[str, Any], summary="Edit your own post")
@_hub_errors
def posts_update(request: HttpRequest, post_id: int, payload: PostPatch) -> Any:
    viewer, person = _writer(request)
    post = selectors.post_get(post_id)
    changes = payload.dict(exclude_unset=True)
    services.post_edit(post=post, editor=person, **changes)
    return post_detail_json(selectors.post_for_viewer(post_id, viewer))


@router.delete("/posts/{post_id}", response=dict[str, Any], summary="Delete a post (soft, audited)")
@_hub_errors
def posts_delete(request: HttpRequest, post_id: int, reason: str = "") -> Any:
    """The author or a moderator; the post is hidden everywhere and the deletion is audited."""
    _throttle(hub_viewer(request.user))
    post = selectors.post_get(post_id)
    services.post_delete(post=post, actor=request.user, reason=reason)
    return {"id": post.pk, "deleted": post.deleted.isoformat() if post.deleted else None}


@router.post(
    "/posts/{post_id}/trials",
    response={200: dict[str, Any], 201: dict[str, Any]},
    summary='"I tried this" (a second call updates your trial)',
)
@_hub_errors
def trials_record(request: HttpRequest, post_id: int, payload: TrialIn) -> Any:
    _, person = _writer(request)
    post = selectors.post_get(post_id)
    trial, created = services.trial_record(post=post, person=person, **payload.dict())
    body = {
        "id": trial.pk,
        "outcome": trial.outcome,
        "minutes_saved": trial.minutes_saved,
        "note": trial.note,
    }
    return _with_status(201 if created else 200, body)


@router.post("/posts/{post_id}/answers", response={201: Created}, summary="Answer or comment")
@_hub_errors
def answers_create(request: HttpRequest, post_id: int, payload: AnswerIn) -> Any:
    _, person = _writer(request)
    post = selectors.post_get(post_id)
    answer = services.answer_post(post=post, author=person, body=payload.body)
    return _with_status(201, {"id": answer.pk})


@router.post(
    "/answers/{answer_id}/accept", response=dict[str, Any], summary="Accept an answer (asker)"
)
@_hub_errors
def answers_accept(request: HttpRequest, answer_id: int) -> Any:
    _, person = _writer(request)
    answer = services.answer_accept(answer=selectors.answer_get(answer_id), actor=person)
    return {"id": answer.pk, "accepted": answer.accepted}


@router.post(
    "/posts/{post_id}/reactions",
    response={200: dict[str, Any], 201: dict[str, Any]},
    summary="React to a post",
)
@_hub_errors
def reactions_add(request: HttpRequest, post_id: int, payload: ReactionIn) -> Any:
    _, person = _writer(request)
    post = selectors.post_get(post_id)
    reaction, created = services.reaction_add(post=post, person=person, emoji=payload.emoji)
    return _with_status(201 if created else 200, {"id": reaction.pk, "emoji": reaction.emoji})


@router.get("/feed", response=ListOut, summary="Your peer-proximal feed")
@_hub_errors
def feed(request: HttpRequest, page: int = 1) -> Any:
    viewer = hub_viewer(request.user)
    return _list_json(selectors.feed_for_person(viewer, page=page))


@router.post(
    "/guardrails/check", response=dict[str, Any], summary="Scan a draft before publishing it"
)
@_hub_errors
def guardrails_check(request: HttpRequest, payload: CheckIn) -> Any:
    viewer = hub_viewer(request.user)
    _throttle(viewer, "scans")
    fields = payload.dict()
    result = guardrail_check(fields, author=viewer.person)
    return {
        "blocked": result.blocked,
        "findings": findings_as_dicts(result),
        "redacted": guardrail_redact(fields, author=viewer.person) if result.findings else None,
    }
