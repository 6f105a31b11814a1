"""The hub's JSON API (registered under /api/ in peerwheel/api.py).

Thin: each endpoint resolves the viewer, calls one service or selector and shapes the answer
with the typed outputs of `hub.schemas` (the OpenAPI document names each). Errors are not
handled here: a `HubError` raised below reaches the exception handlers registered once on the
NinjaAPI (peerwheel/api.py), which answer the shared shape {"error": {"code", "message",
"details"}}; a post the guardrails block answers 422 with the same "error" and a top-level
"findings" list. Writes are limited to PEERWHEEL_API_RATE_LIMIT per user per minute, the
guardrails' check to PEERWHEEL_SCAN_RATE_LIMIT, through ninja's throttling
(`core.ratelimit.RateLimitThrottle`: the same counters as the page forms). Every text field has
a maximum length (hub.validation.FIELD_LIMITS): a longer one is a 422 naming the field and the
limit.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from peerwheel.core.ratelimit import RateLimitThrottle
from peerwheel.hub import selectors, services, stages
from peerwheel.hub.guardrails import findings_as_dicts, guardrail_check, guardrail_redact
from peerwheel.hub.schemas import (
    AnswerAcceptedOut,
    AnswerIn,
    CheckIn,
    CheckOut,
    CreatedOut,
    ErrorOut,
    PostCreatedOut,
    PostDeletedOut,
    PostDetailOut,
    PostIn,
    PostListOut,
    PostPatch,
    ReactionIn,
    ReactionOut,
    StageIn,
    StageOut,
    TrialIn,
    TrialRecordedOut,
    iso,
    post_detail_out,
    post_list_out,
)
from peerwheel.hub.selectors import PostPage, hub_viewer

router = Router(tags=["hub"])

WRITES = RateLimitThrottle("writes")  # every write: one budget with the page forms
SCANS = RateLimitThrottle("scans")  # the guardrails' check, as the page's check
# Every refusal answers the shared error shape (documented once for the OpenAPI schema).
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 410, 413, 422, 429}): ErrorOut}


def _list_out(page: PostPage) -> PostListOut:
    return post_list_out(page.items, page.count)


@router.get(
    "/posts",
    response={200: PostListOut, **ERRORS},
    exclude_unset=True,
    summary="Search or list posts (newest first without q)",
)
def posts_list(
    request: HttpRequest,
    q: str = "",
    kind: str | None = None,
    tool: str | None = None,
    page: int = 1,
) -> PostListOut:
    viewer = hub_viewer(request.user)
    return _list_out(selectors.search_posts(viewer, q=q, kind=kind, tool=tool, page=page))


@router.post(
    "/posts",
    response={201: PostCreatedOut, **ERRORS},
    throttle=WRITES,
    summary="Publish a post",
)
def posts_create(request: HttpRequest, payload: PostIn) -> Status[PostCreatedOut]:
    person = hub_viewer(request.user).require_person()
    post = services.post_publish(author=person, **payload.dict())
    warnings = findings_as_dicts(guardrail_check(payload.dict(), author=person))
    return Status(201, PostCreatedOut.model_validate({"id": post.pk, "warnings": warnings}))


@router.get(
    "/posts/{post_id}",
    response={200: PostDetailOut, **ERRORS},
    exclude_unset=True,
    summary="One post, with its answers",
)
def posts_detail(request: HttpRequest, post_id: int) -> PostDetailOut:
    viewer = hub_viewer(request.user)
    return post_detail_out(selectors.post_for_viewer(post_id, viewer))


@router.patch(
    "/posts/{post_id}",
    response={200: PostDetailOut, **ERRORS},
    exclude_unset=True,
    throttle=WRITES,
    summary="Edit your own post",
)
def posts_update(request: HttpRequest, post_id: int, payload: PostPatch) -> PostDetailOut:
    viewer = hub_viewer(request.user)
    person = viewer.require_person()
    post = selectors.post_get(post_id)
    changes = payload.dict(exclude_unset=True)
    services.post_edit(post=post, editor=person, **changes)
    return post_detail_out(selectors.post_for_viewer(post_id, viewer))


@router.delete(
    "/posts/{post_id}",
    response={200: PostDeletedOut, **ERRORS},
    throttle=WRITES,
    summary="Delete a post (soft, audited)",
)
def posts_delete(request: HttpRequest, post_id: int, reason: str = "") -> PostDeletedOut:
    """The author or a moderator; the post is hidden everywhere and the deletion is audited."""
    hub_viewer(request.user)
    post = selectors.post_get(post_id)
    services.post_delete(post=post, actor=request.user, reason=reason)
    return PostDeletedOut(id=post.pk, deleted=iso(post.deleted))


@router.post(
    "/posts/{post_id}/trials",
    response={200: TrialRecordedOut, 201: TrialRecordedOut, **ERRORS},
    throttle=WRITES,
    summary='"I tried this" (a second call updates your trial)',
)
def trials_record(request: HttpRequest, post_id: int, payload: TrialIn) -> Status[TrialRecordedOut]:
    person = hub_viewer(request.user).require_person()
    post = selectors.post_get(post_id)
    trial, created = services.trial_record(post=post, person=person, **payload.dict())
    body = TrialRecordedOut(
        id=trial.pk, outcome=trial.outcome, minutes_saved=trial.minutes_saved, note=trial.note
    )
    return Status(201 if created else 200, body)


@router.post(
    "/posts/{post_id}/answers",
    response={201: CreatedOut, **ERRORS},
    throttle=WRITES,
    summary="Answer or comment",
)
def answers_create(request: HttpRequest, post_id: int, payload: AnswerIn) -> Status[CreatedOut]:
    person = hub_viewer(request.user).require_person()
    post = selectors.post_get(post_id)
    answer = services.answer_post(post=post, author=person, body=payload.body)
    return Status(201, CreatedOut(id=answer.pk))


@router.post(
    "/answers/{answer_id}/accept",
    response={200: AnswerAcceptedOut, **ERRORS},
    throttle=WRITES,
    summary="Accept an answer (asker)",
)
def answers_accept(request: HttpRequest, answer_id: int) -> AnswerAcceptedOut:
    viewer = hub_viewer(request.user)
    person = viewer.require_person()
    answer = services.answer_accept(
        answer=selectors.answer_for_viewer(answer_id, viewer), actor=person
    )
    return AnswerAcceptedOut(id=answer.pk, accepted=answer.accepted)


@router.post(
    "/posts/{post_id}/reactions",
    response={200: ReactionOut, 201: ReactionOut, **ERRORS},
    throttle=WRITES,
    summary="React to a post",
)
def reactions_add(request: HttpRequest, post_id: int, payload: ReactionIn) -> Status[ReactionOut]:
    person = hub_viewer(request.user).require_person()
    post = selectors.post_get(post_id)
    reaction, created = services.reaction_add(post=post, person=person, emoji=payload.emoji)
    return Status(201 if created else 200, ReactionOut(id=reaction.pk, emoji=reaction.emoji))


@router.post(
    "/posts/{post_id}/stage",
    response={200: StageOut, **ERRORS},
    throttle=WRITES,
    summary="Set a question's stage (the asker, champions, program leads)",
)
def posts_stage(request: HttpRequest, post_id: int, payload: StageIn) -> StageOut:
    """Kept as a correction the classifier learns from; anyone else gets 403. An anonymous
    question's asker is recorded as "the asker", never by name."""
    viewer = hub_viewer(request.user)
    post = stages.question_stage_correct(
        post=selectors.post_get(post_id), viewer=viewer, stage=payload.stage
    )
    stage = post.question_stage
    assert stage is not None  # noqa: S101 - question_stage_correct leaves a stage or raises
    return StageOut(id=post.pk, stage=stage, source=post.question_stage_source)


@router.get(
    "/feed",
    response={200: PostListOut, **ERRORS},
    exclude_unset=True,
    summary="Your peer-proximal feed",
)
def feed(request: HttpRequest, page: int = 1) -> PostListOut:
    viewer = hub_viewer(request.user)
    return _list_out(selectors.feed_for_person(viewer, page=page))


@router.post(
    "/guardrails/check",
    response={200: CheckOut, **ERRORS},
    throttle=SCANS,
    summary="Scan a draft before publishing it",
)
def guardrails_check(request: HttpRequest, payload: CheckIn) -> CheckOut:
    viewer = hub_viewer(request.user)
    fields = payload.dict()
    result = guardrail_check(fields, author=viewer.person)
    return CheckOut.model_validate(
        {
            "blocked": result.blocked,
            "findings": findings_as_dicts(result),
            "redacted": guardrail_redact(fields, author=viewer.person) if result.findings else None,
        }
    )
