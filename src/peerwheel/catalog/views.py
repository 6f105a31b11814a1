"""The catalogue's pages: the catalogue with the ask form (answered in place by htmx), my
requests, and for program leads the review queue and the policy page.

Thin: each view resolves the viewer (catalog_viewer: the 'Use hub' permission; leads' pages
also 'Manage program', else 403), then calls one service or selector. Every write counts
against the user's rate limit (the API's budget too).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from peerwheel.catalog import selectors, services
from peerwheel.catalog.errors import CatalogError
from peerwheel.catalog.forms import AskForm, ResolveForm, RuleForm, ToolForm, add_service_error
from peerwheel.catalog.models import DataClass, Use, Verdict
from peerwheel.catalog.selectors import CatalogViewer
from peerwheel.core.ratelimit import rate_limited

View = Callable[..., HttpResponse]


def catalog_page(*, manage: bool = False) -> Callable[[View], View]:
    """Sign-in, the catalogue's viewer, and (for leads' pages) 'Manage program'."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            viewer = selectors.catalog_viewer(request.user)
            if manage:
                viewer.require_manager()
            return view(request, viewer, *args, **kwargs)

        return wrapped

    return decorate


def _home_context(viewer: CatalogViewer, form: AskForm | None = None) -> dict[str, Any]:
    return {
        "viewer": viewer,
        "tools": selectors.tools_all(),
        "form": form or AskForm(),
        "data_classes": DataClass.choices,
        "uses": Use.choices,
    }


@require_GET
@catalog_page()
def home(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    return render(request, "catalog/home.html", _home_context(viewer))


@require_POST
@login_required
@rate_limited("writes")
@catalog_page()
def ask(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    """The answer in place (htmx), or the catalogue page with the answer."""
    form = AskForm(request.POST)
    answer = None
    if form.is_valid():
        try:
            answer = services.catalog_ask(
                asker=viewer.require_person(),
                tool=form.cleaned_data["tool"],
                use=form.use_text,
                data_class=form.cleaned_data["data_class"],
            )
        except CatalogError as exc:
            if exc.status != 422:
                raise
            add_service_error(form, exc)
    status = 200 if answer is not None else 422
    context = {"answer": answer, "form": form, "viewer": viewer}
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx's middleware
        return render(request, "catalog/partials/answer.html", context, status=status)
    return render(
        request, "catalog/home.html", {**_home_context(viewer, form), **context}, status=status
    )


@require_GET
@catalog_page()
def mine(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    requests = selectors.requests_for_person(viewer.person) if viewer.person else []
    return render(
        request,
        "catalog/mine.html",
        {"viewer": viewer, "requests": requests, "today": timezone.localdate()},
    )


def _queue_page(
    request: HttpRequest,
    viewer: CatalogViewer,
    *,
    failed: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services.use_requests_flag_breaches()
    today = timezone.localdate()
    items = selectors.review_queue(status="open")
    rows = [
        {
            "request": item,
            "overdue": selectors.is_overdue(item, today=today),
            "form": failed
            if failed is not None and failed.data.get("request_id") == str(item.pk)
            else ResolveForm(initial={"request_id": item.pk, "verdict": Verdict.YES}),
        }
        for item in items
    ]
    answered = [r for r in selectors.review_queue(status="all", limit=30) if not r.is_open]
    return render(
        request,
        "catalog/queue.html",
        {
            "viewer": viewer,
            "rows": rows,
            "answered": answered,
            "counts": selectors.queue_counts(today=today),
            "failed": failed,
        },
        status=status,
    )


@require_GET
@catalog_page(manage=True)
def queue(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    return _queue_page(request, viewer)


@require_POST
@login_required
@rate_limited("writes")
@catalog_page(manage=True)
def resolve(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    form = ResolveForm(request.POST)
    if not form.is_valid():
        if "request_id" in form.errors:
            return HttpResponseBadRequest("Choose a request to answer.")
        return _queue_page(request, viewer, failed=form, status=422)
    item = selectors.use_request_for_manager(form.cleaned_data["request_id"], viewer)
    data = form.cleaned_data
    try:
        services.use_request_resolve(
            request=item,
            actor=viewer.user,
            verdict=data["verdict"],
            note=data["note"],
            conditions=data["conditions"],
            alternative=item.alternative,
            add_rule=data["add_rule"],
            rule_use=item.use if data["rule_use"] == "request" else "any",
        )
    except CatalogError as exc:
        if exc.status != 422:
            raise
        add_service_error(form, exc)
        return _queue_page(request, viewer, failed=form, status=422)
    messages.success(request, f"Answered: {item.tool_name} for {item.use_label}.")
    return redirect("catalog:queue")


def _policy_page(
    request: HttpRequest,
    viewer: CatalogViewer,
    *,
    tool_form: ToolForm | None = None,
    rule_form: RuleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    editing = None
    tool_id = request.GET.get("tool", "")
    if tool_form is None and tool_id.isdigit():
        editing = selectors.tool_get(int(tool_id))
        tool_form = ToolForm(
            initial={
                "tool_id": editing.pk,
                "name": editing.name,
                "status": editing.status,
                "vendor": editing.vendor,
                "access_url": editing.access_url,
                "seat_howto": editing.seat_howto,
                "description": editing.description,
                "alternative": editing.alternative_id,
            }
        )
    return render(
        request,
        "catalog/policy.html",
        {
            "viewer": viewer,
            "tools": selectors.tools_all(),
            "tool_form": tool_form or ToolForm(),
            "rule_form": rule_form or RuleForm(),
            "editing": editing,
        },
        status=status,
    )


@require_GET
@catalog_page(manage=True)
def policy(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    return _policy_page(request, viewer)


@require_POST
@login_required
@rate_limited("writes")
@catalog_page(manage=True)
def tool_save(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    form = ToolForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tool = services.tool_save(
                actor=viewer.user,
                tool=selectors.tool_get(data["tool_id"]) if data["tool_id"] else None,
                name=data["name"],
                status=data["status"],
                vendor=data["vendor"],
                access_url=data["access_url"],
                seat_howto=data["seat_howto"],
                description=data["description"],
                alternative=data["alternative"],
            )
        except CatalogError as exc:
            if exc.status != 422:
                raise
            add_service_error(form, exc)
        else:
            messages.success(request, f"Saved {tool.name}.")
            return redirect("catalog:policy")
    return _policy_page(request, viewer, tool_form=form, status=422)


@require_POST
@login_required
@rate_limited("writes")
@catalog_page(manage=True)
def rule_save(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    form = RuleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rule = services.policy_rule_set(
                actor=viewer.user,
                tool=data["tool"],
                data_class=data["data_class"],
                use=data["use"],
                verdict=data["verdict"],
                conditions=data["conditions"],
                reason=data["reason"],
            )
        except CatalogError as exc:
            if exc.status != 422:
                raise
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"{rule.tool.name}, {rule.get_data_class_display().lower()} data, "
                f"{rule.get_use_display().lower()}: {rule.get_verdict_display().lower()}.",
            )
            return redirect("catalog:policy")
    return _policy_page(request, viewer, rule_form=form, status=422)


@require_POST
@login_required
@rate_limited("writes")
@catalog_page(manage=True)
def rule_delete(request: HttpRequest, viewer: CatalogViewer) -> HttpResponse:
    rule_id = request.POST.get("rule_id", "")
    if not rule_id.isdigit():
        return HttpResponseBadRequest("Choose a rule to remove.")
    rule = selectors.rule_get(int(rule_id))
    services.policy_rule_delete(actor=viewer.user, rule=rule)
    messages.success(request, f"Removed the rule for {rule.tool.name}.")
    return redirect("catalog:policy")
