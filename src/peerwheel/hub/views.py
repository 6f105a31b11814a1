"""The hub's pages: thin views over the services and selectors, htmx partials from the same view.

Every view resolves the viewer first (sign-in and the 'Use hub' permission), and every write
goes through one service; a HubError becomes a message on the page, never a traceback. Every
write counts against the user's rate limit (peerwheel.core.ratelimit, the same counters as the
API): past it the form or the htmx section says "try again in a minute" with a 429.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from peerwheel.core.ratelimit import RETRY_AFTER_SECONDS, Bucket, RateLimitedError, rate_limit_check
from peerwheel.hub import selectors, services
from peerwheel.hub.errors import (
    GuardrailBlockedError,
    HubError,
    HubForbiddenError,
    HubGoneError,
    HubInputError,
    HubNotFoundError,
    HubRateLimitedError,
)
from peerwheel.hub.guardrails import findings_as_dicts, guardrail_check, guardrail_redact
from peerwheel.hub.models import PostKind, QuestionStage, TrialOutcome
from peerwheel.hub.selectors import Viewer
from peerwheel.hub.stages import stage_corrector_role
from peerwheel.hub.validation import BODY_MAX, REACTIONS, TASK_MAX, TITLE_MAX, TOOL_MAX
from peerwheel.org.models import RoleFamily

PostFields = dict[str, Any]
FORM_FIELDS = ("kind", "title", "body", "prompt_text", "tool", "task", "minutes_saved", "tags")
PREFILL_FIELDS = {"title": TITLE_MAX, "body": BODY_MAX, "tool": TOOL_MAX, "task": TASK_MAX}


def hub_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in, the hub permission, and a deleted post's 410 page (a not-found or forbidden
    error is the 404 / 403 page through peerwheel.core.errors, like every getter's)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            viewer = selectors.hub_viewer(request.user)
            return view(request, viewer, *args, **kwargs)
        except HubGoneError as exc:
            return render(request, "hub/gone.html", {"message": exc.message}, status=410)

    return wrapped


def _throttle(viewer: Viewer, bucket: Bucket = "writes") -> None:
    """Count one write (or guardrails scan) by this user; HubRateLimitedError past the limit."""
    try:
        rate_limit_check(viewer.user.pk, bucket)
    except RateLimitedError as exc:
        raise HubRateLimitedError(exc.message) from None


def _limited(response: HttpResponse, error: HubError | None) -> HttpResponse:
    if isinstance(error, HubRateLimitedError):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _post_values(request: HttpRequest) -> PostFields:
    values: PostFields = {name: request.POST.get(name, "") for name in FORM_FIELDS}
    values["anonymous"] = request.POST.get("anonymous") == "on"
    values["question_stage"] = request.POST.get("question_stage") or None
    values["minutes_saved"] = values["minutes_saved"] or None
    return values


def _form_context(viewer: Viewer, values: PostFields, **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "kinds": PostKind.choices,
        "stages": QuestionStage.choices,
        "me": viewer.person,
        **extra,
    }


@hub_page
def feed(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    page = selectors.feed_for_person(viewer, page=_page_number(request))
    return render(request, "hub/feed.html", {"page": page, "viewer": viewer})


@hub_page
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    parent = None
    parent_id = request.POST.get("parent") or request.GET.get("adapt")
    if parent_id and parent_id.isdigit():
        parent = selectors.post_for_viewer(int(parent_id), viewer)
    if request.method == "GET":
        values: PostFields = {"kind": request.GET.get("kind", "win"), "anonymous": False}
        # a prefilled draft (an insights nudge links here): text fields only, cut to the limits
        for name, limit in PREFILL_FIELDS.items():
            if request.GET.get(name):
                values[name] = request.GET[name][:limit]
        if parent is not None:
            values.update(
                kind="prompt",
                title=parent.title,
                body=parent.body,
                prompt_text=parent.prompt_text,
                tool=parent.tool,
                task=parent.task,
            )
        context = _form_context(viewer, values, parent=parent, findings=[])
        return render(request, "hub/post_form.html", context)
    values = _post_values(request)
    person = viewer.require_person()
    try:
        _throttle(viewer)
        if parent is not None:
            values.pop("kind")
            post = services.prompt_adapt(
                parent=selectors.post_get(parent.id), author=person, **values
            )
        else:
            post = services.post_publish(author=person, **values)
    except GuardrailBlockedError as exc:
        context = _form_context(viewer, values, parent=parent, findings=exc.findings, blocked=True)
        return render(request, "hub/post_form.html", context, status=422)
    except HubError as exc:
        context = _form_context(viewer, values, parent=parent, findings=[], error=exc)
        return _limited(render(request, "hub/post_form.html", context, status=exc.status), exc)
    messages.success(request, "Published. Thank you for sharing.")
    return redirect("hub:post", post_id=post.pk)


def _scan_refused(request: HttpRequest, exc: HubError) -> HttpResponse:
    """The feedback box saying why nothing was checked (a field too long, too many checks)."""
    context = {"findings": [], "scan_error": exc.message}
    response = render(request, "hub/partials/guardrails.html", context, status=exc.status)
    return _limited(response, exc)


@hub_page
@require_POST
def guardrails_check(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The live feedback under the form (htmx, on every pause in typing)."""
    try:
        _throttle(viewer, "scans")
        result = guardrail_check(request.POST, author=viewer.person)
    except (HubInputError, HubRateLimitedError) as exc:
        return _scan_refused(request, exc)
    context = {"findings": findings_as_dicts(result), "blocked": result.blocked, "checked": True}
    return render(request, "hub/partials/guardrails.html", context)


@hub_page
@require_POST
def guardrails_redact(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """One click: every finding replaced by its placeholder; the fields come back redacted."""
    values = _post_values(request)
    try:
        _throttle(viewer, "scans")
        values.update(guardrail_redact(request.POST, author=viewer.person))
        result = guardrail_check(values, author=viewer.person)
    except (HubInputError, HubRateLimitedError) as exc:
        # The fields stay as typed; the feedback box (out of band) says why.
        context = _form_context(viewer, _post_values(request), findings=[], scan_error=exc.message)
        response = render(request, "hub/partials/redacted.html", context, status=exc.status)
        return _limited(response, exc)
    context = _form_context(
        viewer,
        values,
        findings=findings_as_dicts(result),
        blocked=result.blocked,
        checked=True,
        redacted=True,
    )
    return render(request, "hub/partials/redacted.html", context)


@hub_page
def post_detail(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    post = selectors.post_for_viewer(post_id, viewer)
    return render(request, "hub/post_detail.html", _detail_context(viewer, post))


def _detail_context(viewer: Viewer, post: Any, **extra: Any) -> dict[str, Any]:
    return {
        "post": post,
        "viewer": viewer,
        "outcomes": TrialOutcome.choices,
        "reaction_buttons": _reaction_buttons(post),
        "can_try": viewer.person is not None and not post.mine and post.kind != "question",
        "can_set_stage": post.kind == "question"
        and viewer.person is not None
        and stage_corrector_role(viewer, is_asker=post.mine) is not None,
        "stage_choices": QuestionStage.choices,
        **extra,
    }


def _reaction_buttons(post: Any) -> list[tuple[str, int, bool]]:
    counts = {r.emoji: r for r in post.reactions}
    return [
        (
            emoji,
            counts[emoji].count if emoji in counts else 0,
            emoji in counts and counts[emoji].mine,
        )
        for emoji in REACTIONS
    ]


def _after_write(
    request: HttpRequest, viewer: Viewer, post_id: int, write: Callable[[], object], done: str
) -> HttpResponse:
    """Run one write; htmx gets the refreshed section, a plain form a redirect with a message."""
    error: HubError | None = None
    try:
        _throttle(viewer)
        write()
    except HubError as exc:
        if isinstance(exc, HubGoneError | HubNotFoundError):
            raise
        error = exc
    if request.htmx:  # type: ignore[attr-defined]
        post = selectors.post_for_viewer(post_id, viewer)
        context = _detail_context(viewer, post, section_error=error, section_done=done)
        section = request.POST.get("section", "trials")
        template = {
            "trials": "hub/partials/trials.html",
            "answers": "hub/partials/answers.html",
            "reactions": "hub/partials/reactions.html",
        }.get(section, "hub/partials/trials.html")
        response = render(request, template, context, status=error.status if error else 200)
        return _limited(response, error)
    if isinstance(error, HubRateLimitedError):
        return _refused_page(request, viewer, post_id, error)
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("hub:post", post_id=post_id)


def _refused_page(
    request: HttpRequest, viewer: Viewer, post_id: int, error: HubRateLimitedError
) -> HttpResponse:
    """The post's page again, 429, with the message on top (a plain form past the limit)."""
    messages.error(request, error.message)
    post = selectors.post_for_viewer(post_id, viewer)
    response = render(request, "hub/post_detail.html", _detail_context(viewer, post), status=429)
    return _limited(response, error)


@hub_page
@require_POST
def post_trial(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    person = viewer.require_person()
    return _after_write(
        request,
        viewer,
        post_id,
        lambda: services.trial_record(
            post=selectors.post_get(post_id),
            person=person,
            outcome=request.POST.get("outcome", ""),
            minutes_saved=request.POST.get("minutes_saved") or None,
            note=request.POST.get("note", ""),
        ),
        "Thanks: your trial is recorded.",
    )


@hub_page
@require_POST
def post_answer(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    person = viewer.require_person()
    return _after_write(
        request,
        viewer,
        post_id,
        lambda: services.answer_post(
            post=selectors.post_get(post_id), author=person, body=request.POST.get("body", "")
        ),
        "Your answer is posted.",
    )


@hub_page
@require_POST
def answer_accept(request: HttpRequest, viewer: Viewer, answer_id: int) -> HttpResponse:
    person = viewer.require_person()
    answer = selectors.answer_for_viewer(answer_id, viewer)
    return _after_write(
        request,
        viewer,
        answer.post_id,
        lambda: services.answer_accept(answer=answer, actor=person),
        "Answer accepted.",
    )


@hub_page
@require_POST
def post_react(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    person = viewer.require_person()
    return _after_write(
        request,
        viewer,
        post_id,
        lambda: services.reaction_add(
            post=selectors.post_get(post_id), person=person, emoji=request.POST.get("emoji", "")
        ),
        "Reaction added.",
    )


@hub_page
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    person = viewer.require_person()
    view = selectors.post_for_viewer(post_id, viewer)
    if not view.mine:
        raise PermissionDenied("Only the author can edit a post.")
    if request.method == "GET":
        values: PostFields = {name: getattr(view, name) for name in FORM_FIELDS}
        values.update(
            tags=", ".join(view.tags),
            anonymous=view.anonymous,
            question_stage=view.question_stage,
            minutes_saved=view.minutes_saved,
        )
        context = _form_context(viewer, values, editing=view, findings=[])
        return render(request, "hub/post_form.html", context)
    values = _post_values(request)
    values.pop("kind")
    try:
        _throttle(viewer)
        services.post_edit(post=selectors.post_get(post_id), editor=person, **values)
    except GuardrailBlockedError as exc:
        values["kind"] = view.kind
        context = _form_context(viewer, values, editing=view, findings=exc.findings, blocked=True)
        return render(request, "hub/post_form.html", context, status=422)
    except HubError as exc:
        values["kind"] = view.kind
        context = _form_context(viewer, values, editing=view, findings=[], error=exc)
        return _limited(render(request, "hub/post_form.html", context, status=exc.status), exc)
    messages.success(request, "Saved. The previous version is kept in the history.")
    return redirect("hub:post", post_id=post_id)


@hub_page
@require_POST
def post_delete(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    """Soft delete through the one service (audited); the author or a moderator."""
    try:
        _throttle(viewer)
    except HubRateLimitedError as exc:
        return _refused_page(request, viewer, post_id, exc)
    services.post_delete(
        post=selectors.post_get(post_id), actor=viewer.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, "The post is deleted.")
    return redirect("hub:feed")


@hub_page
@require_POST
def post_reveal(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    """A moderator sees who wrote an anonymous post, on this page only; the reveal is audited."""
    post = selectors.post_get(post_id)
    try:
        _throttle(viewer)
        person = services.anonymous_reveal(
            post=post, actor=viewer.user, reason=request.POST.get("reason", "")
        )
    except HubForbiddenError:
        raise
    except HubRateLimitedError as exc:
        return _refused_page(request, viewer, post_id, exc)
    except HubError as exc:
        messages.error(request, exc.message)
        return redirect("hub:post", post_id=post_id)
    view = selectors.post_for_viewer(post_id, viewer)
    context = _detail_context(viewer, view, revealed=person)
    return render(request, "hub/post_detail.html", context)


@hub_page
def library(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    filters = {
        name: request.GET.get(name, "").strip() or None
        for name in ("tool", "task", "role_family", "department")
    }
    page = selectors.prompt_library(
        viewer,
        page=_page_number(request),
        tool=filters["tool"],
        task=filters["task"],
        role_family=filters["role_family"],
        department=filters["department"],
    )
    context = {
        "page": page,
        "viewer": viewer,
        "filters": filters,
        "choices": selectors.library_choices(),
        "role_families": RoleFamily.choices,
        "querystring": "&".join(f"{k}={v}" for k, v in filters.items() if v),
    }
    return render(request, "hub/library.html", context)


@hub_page
def questions(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if not viewer.can_answer:
        raise PermissionDenied("The questions list is for champions.")
    page = selectors.questions_for_champions(viewer, page=_page_number(request))
    return render(request, "hub/questions.html", {"page": page, "viewer": viewer})


@hub_page
def search(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") or None
    error = None
    page = None
    try:
        page = selectors.search_posts(viewer, q=q, kind=kind, page=_page_number(request))
    except HubError as exc:
        error = exc.message
    context = {
        "page": page,
        "q": q,
        "kind": kind or "",
        "kinds": PostKind.choices,
        "error": error,
        "viewer": viewer,
        "querystring": f"q={q}&kind={kind or ''}",
    }
    template = "hub/partials/results.html" if request.htmx else "hub/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@hub_page
def mine(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    return render(
        request,
        "hub/mine.html",
        {"contributions": selectors.my_contributions(viewer), "viewer": viewer},
    )
