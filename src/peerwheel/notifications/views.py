"""The notifications pages: the list with mark-read and the email preference, the bell (an htmx
fragment the layout loads, so a page costs no query for it), and follow / unfollow buttons.

Thin: each view resolves the person (`selectors.notifications_person`: the 'Use hub'
permission, else 403) and calls one service or selector. Writes count against the user's rate
limit. Every page here is the person's own: never stored by a browser or a proxy.
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
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.ratelimit import rate_limited
from peerwheel.notifications import selectors, services
from peerwheel.notifications.models import Delivery, FollowKind
from peerwheel.notifications.services import NotificationInputError
from peerwheel.org.models import Person

View = Callable[..., HttpResponse]


def own_page(view: View) -> View:
    """Sign-in, the 'Use hub' permission, the person, and no-store."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, selectors.notifications_person(request.user), *args, **kwargs)

    return wrapped


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
@own_page
def page(request: HttpRequest, person: Person | None) -> HttpResponse:
    return render(
        request,
        "notifications/page.html",
        {
            "person": person,
            "page": selectors.notifications_for_person(person, page=_page_number(request)),
            "preference": selectors.preference_of(person),
            "deliveries": Delivery.choices,
            "follows": selectors.follows_listed(person),
        },
    )


@require_GET
@login_required
@never_cache
def bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count: the permission, then one query (no layout context)."""
    if not has_capability(request.user, Capability.USE_HUB):
        raise PermissionDenied("This needs the 'Use hub' permission.")
    unread = selectors.unread_count(request.user)
    return HttpResponse(render_to_string("notifications/_bell.html", {"unread": unread}))


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:page")


@require_POST
@login_required
@rate_limited("writes")
@own_page
def mark_read(request: HttpRequest, person: Person | None) -> HttpResponse:
    """Mark one (`id`, repeatable) or all (`all`) of the person's notifications read."""
    if person is not None:
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        everything = bool(request.POST.get("all"))
        services.notifications_mark_read(person=person, ids=ids, everything=everything)
    return _back(request)


@require_POST
@login_required
@rate_limited("writes")
@own_page
def preference(request: HttpRequest, person: Person | None) -> HttpResponse:
    if person is None:
        messages.error(request, "Your login is not linked to a person, so nothing is sent.")
        return _back(request)
    try:
        services.notification_preference_set(person=person, email=request.POST.get("email", ""))
    except NotificationInputError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Saved: " + str(Delivery(request.POST["email"]).label) + ".")
    return _back(request)


@require_POST
@login_required
@rate_limited("writes")
@own_page
def follow(request: HttpRequest, person: Person | None) -> HttpResponse:
    """Follow or unfollow (`action`) a tool, a topic or a person; htmx gets the button back."""
    kind = request.POST.get("kind", "")
    value = request.POST.get("value", "")
    target_id = request.POST.get("person", "")
    followed = (
        Person.objects.filter(pk=int(target_id)).first()
        if kind == FollowKind.PERSON and target_id.isdigit()
        else None
    )
    error = ""
    if person is None:
        error = "Your login is not linked to a person in the organisation, so you cannot follow."
    else:
        write = (
            services.follow_remove
            if request.POST.get("action") == "unfollow"
            else (services.follow_add)
        )
        try:
            write(person=person, kind=kind, value=value, followed=followed)
        except NotificationInputError as exc:
            error = exc.message
    if request.htmx:  # type: ignore[attr-defined]
        button = selectors.follow_button(
            person, kind=kind, value=value, followed=followed, label=request.POST.get("label", "")
        )
        return render(
            request,
            "notifications/_follow_button.html",
            {"b": button, "error": error, "next": request.POST.get("next", "")},
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    return _back(request)
