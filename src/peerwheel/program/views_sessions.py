"""The Program's show-and-tell and cohort pages (issue 16, parts 3 and 4).

Everyone who uses the hub sees the sessions and the cohorts, signs up to present, says they will
come, joins a cohort, and keeps a personal calendar feed (`/program/sessions.ics?token=…`, no
sign-in: the token is the key, and a revoked one is a 404). Whoever runs show-and-tell creates
sessions, adds suggested items and records attendance; leads create cohorts and promptathons
and see their effect on adoption. Thin: each view calls one service or selector.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from peerwheel.accounts.permissions import capability_required, has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.errors import NotFoundError
from peerwheel.core.ratelimit import rate_limited
from peerwheel.org.models import Person
from peerwheel.org.selectors import person_for_user
from peerwheel.program import sessions as services
from peerwheel.program import sessions_selectors as selectors
from peerwheel.program.calendar import PageUrl, calendar_ics
from peerwheel.program.cohort_effect import FOLLOW_WEEKS, cohort_effect
from peerwheel.program.forms_sessions import (
    AgendaAddForm,
    AttendanceForm,
    CohortForm,
    MembersForm,
    SessionForm,
    SignupForm,
    split_people,
)
from peerwheel.program.sessions import SessionInputError
from peerwheel.program.views import _tabs as section_tabs  # the section's one list of tabs

CALENDAR = "text/calendar; charset=utf-8"


def _person(request: HttpRequest) -> Person:
    person = person_for_user(request.user)
    if person is None:
        raise NotFoundError(
            "Your login is not linked to a person in the organisation; an admin can link it."
        )
    return person


def _runs(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.RUN_SHOW_AND_TELL)


def _leads(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.MANAGE_PROGRAM)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("program:feed")) + f"?token={token}"


# --- show-and-tell ---------------------------------------------------------------------------


def _sessions_page(
    request: HttpRequest,
    *,
    form: SessionForm | None = None,
    new_token: str = "",
    status: int = 200,
) -> HttpResponse:
    person = person_for_user(request.user)
    upcoming = selectors.sessions_upcoming()
    mine = selectors.my_sessions([s.pk for s in upcoming], person.pk if person else None)
    context = {
        "person": person,
        "upcoming": [(s, mine[s.pk]) for s in upcoming],
        "past": selectors.sessions_past(limit=8),
        "runs": _runs(request),
        "form": form or SessionForm(),
        "token": selectors.calendar_token_live(person.pk) if person else None,
        "new_feed_url": _feed_url(request, new_token) if new_token else "",
        **section_tabs(request, "sessions"),
    }
    return render(request, "program/sessions/list.html", context, status=status)


@require_GET
@capability_required(Capability.USE_HUB)
def sessions(request: HttpRequest) -> HttpResponse:
    return _sessions_page(request)


@require_POST
@rate_limited("writes")
@capability_required(Capability.RUN_SHOW_AND_TELL)
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                starts_at=data["starts_at"],
                ends_at=data["starts_at"] + timedelta(minutes=data["minutes"]),
                title=data["title"],
                location=data["location"],
                join_url=data["join_url"],
                notes=data["notes"],
            )
        except SessionInputError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("program:session", session_id=session.pk)
    return _sessions_page(request, form=form, status=400)


def _session_page(
    request: HttpRequest,
    session_id: int,
    *,
    signup: SignupForm | None = None,
    attendance: AttendanceForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    view = selectors.session_view(session_id)
    person = person_for_user(request.user)
    runs = _runs(request)
    context: dict[str, Any] = {
        "session": view,
        "mine": selectors.my_session(view.pk, person.pk if person else None),
        "person": person,
        "runs": runs,
        "signup": signup or SignupForm(),
        "error": error,
        **section_tabs(request, "sessions"),
    }
    if runs:
        attendees = selectors.session_attendees(view.pk)
        context["attendees"] = attendees
        context["attendance"] = attendance or _attendance_form(view.pk)
        if not view.is_past:
            context["suggestion"] = selectors.agenda_suggestion(view)
    return render(request, "program/sessions/detail.html", context, status=status)


def _attendance_form(session_id: int, data: Any = None) -> AttendanceForm:
    attendees = selectors.session_attendees(session_id)
    choices = [(a.person_id, a.name) for a in attendees]
    initial = {"people": [a.person_id for a in attendees if a.going or a.attended]}
    return AttendanceForm(data, choices=choices, initial=initial)


@require_GET
@capability_required(Capability.USE_HUB)
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, session_id)


@require_GET
@capability_required(Capability.USE_HUB)
def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    """One session as an .ics file, to add to any calendar."""
    view = selectors.session_view(session_id)
    body = calendar_ics(
        name=view.title, sessions=[view], page_url=PageUrl(request.build_absolute_uri("/"))
    )
    return _ics(body, f"show-and-tell-{view.starts_at:%Y-%m-%d}.ics")


def _session_write(request: HttpRequest, session_id: int, write: Any) -> HttpResponse:
    """Run a write on the session; its refusal re-renders the page with the message (400)."""
    session = selectors.session_get(session_id)
    try:
        write(session)
    except SessionInputError as error:
        return _session_page(request, session_id, error=error.message, status=400)
    return redirect("program:session", session_id=session_id)


@require_POST
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def presenter_signup(request: HttpRequest, session_id: int) -> HttpResponse:
    person = _person(request)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _session_page(request, session_id, signup=form, status=400)
    return _session_write(
        request,
        session_id,
        lambda s: services.presenter_signup(
            session=s,
            person=person,
            topic=form.cleaned_data["topic"],
            slot=form.cleaned_data["slot"],
        ),
    )


@require_POST
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def presenter_withdraw(request: HttpRequest, session_id: int) -> HttpResponse:
    person = _person(request)
    return _session_write(
        request, session_id, lambda s: services.presenter_withdraw(session=s, person=person)
    )


@require_POST
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def rsvp(request: HttpRequest, session_id: int) -> HttpResponse:
    person = _person(request)
    going = request.POST.get("going") == "yes"
    return _session_write(
        request,
        session_id,
        lambda s: services.session_rsvp(session=s, person=person, going=going),
    )


@require_POST
@rate_limited("writes")
@capability_required(Capability.RUN_SHOW_AND_TELL)
def agenda_add(request: HttpRequest, session_id: int) -> HttpResponse:
    """Add one of the suggested items (by its post) for its author."""
    form = AgendaAddForm(request.POST)
    session = selectors.session_get(session_id)
    if not form.is_valid():
        return _session_page(request, session_id, error="Pick a suggestion to add.", status=400)
    suggestion = selectors.agenda_suggestion(session)
    offered = [
        *suggestion.wins,
        *suggestion.new_faces,
        *([suggestion.fail] if suggestion.fail else []),
    ]
    post = next((p for p in offered if p.id == form.cleaned_data["post_id"]), None)
    if post is None:
        return _session_page(
            request,
            session_id,
            error="post_id: that post is not among the suggestions.",
            status=400,
        )
    author = Person.objects.get(pk=post.author_id)
    return _session_write(
        request,
        session_id,
        lambda s: services.agenda_add(
            session=s,
            actor=request.user,
            person=author,
            topic=post.title,
            slot=form.cleaned_data["slot"],
            hub_post_id=post.id,
        ),
    )


@require_POST
@rate_limited("writes")
@capability_required(Capability.RUN_SHOW_AND_TELL)
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    """Record attendance: the ticked people and anyone else named by id or email."""
    selectors.session_get(session_id)
    form = _attendance_form(session_id, request.POST)
    if not form.is_valid():
        return _session_page(request, session_id, attendance=form, status=400)
    people, unknown = selectors.people_named(split_people(form.cleaned_data["others"]))
    if unknown:
        form.add_error("others", f"others: nobody in the organisation is {', '.join(unknown)}.")
        return _session_page(request, session_id, attendance=form, status=400)
    ticked = list(Person.objects.filter(pk__in=form.cleaned_data["people"]))
    return _session_write(
        request,
        session_id,
        lambda s: services.attendance_record(
            session=s, people=[*ticked, *people], actor=request.user
        ),
    )


# --- the calendar feed -----------------------------------------------------------------------


@require_GET
@never_cache  # one person's sessions: never kept by a shared cache
def feed(request: HttpRequest) -> HttpResponse:
    """A person's subscription feed, by their token (no sign-in); unknown or revoked: 404."""
    try:
        person = selectors.person_for_calendar_token(request.GET.get("token", ""))
    except NotFoundError:
        raise Http404("No such calendar feed.") from None
    body = calendar_ics(
        name="Peerwheel: show-and-tell and cohorts",
        sessions=selectors.sessions_for_person(person.pk),
        cohorts=selectors.cohorts_of(person.pk),
        page_url=PageUrl(request.build_absolute_uri("/")),
    )
    return _ics(body, "peerwheel-sessions.ics")


@require_POST
@never_cache  # the page shows the new link: not kept by the browser or a proxy
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def calendar_token(request: HttpRequest) -> HttpResponse:
    """A new feed link, shown once on the page (any earlier link stops working)."""
    raw = services.calendar_token_issue(person=_person(request))
    return _sessions_page(request, new_token=raw)


@require_POST
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    services.calendar_token_revoke(person=_person(request))
    return redirect("program:sessions")


# --- cohorts and promptathons ----------------------------------------------------------------


def _cohorts_page(
    request: HttpRequest, *, form: CohortForm | None = None, status: int = 200
) -> HttpResponse:
    person = person_for_user(request.user)
    mine = {c.pk for c in selectors.cohorts_of(person.pk)} if person else set()
    context = {
        "cohorts": selectors.cohorts_all(),
        "mine": mine,
        "leads": _leads(request),
        "form": form or CohortForm(),
        **section_tabs(request, "cohorts"),
    }
    return render(request, "program/sessions/cohorts.html", context, status=status)


@require_GET
@capability_required(Capability.USE_HUB)
def cohorts(request: HttpRequest) -> HttpResponse:
    return _cohorts_page(request)


@require_POST
@rate_limited("writes")
@capability_required(Capability.MANAGE_PROGRAM)
def cohort_create(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        members, unknown = selectors.people_named(split_people(data["members"]))
        if unknown:
            form.add_error(
                "members", f"members: nobody in the organisation is {', '.join(unknown)}."
            )
        else:
            try:
                cohort = services.cohort_create(
                    actor=request.user,
                    kind=data["kind"],
                    name=data["name"],
                    theme=data["theme"],
                    tag=data["tag"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    description=data["description"],
                    members=members,
                )
            except SessionInputError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("program:cohort", cohort_id=cohort.pk)
    return _cohorts_page(request, form=form, status=400)


def _cohort_page(
    request: HttpRequest,
    cohort_id: int,
    *,
    members_form: MembersForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    cohort = selectors.cohort_get(cohort_id)
    person = person_for_user(request.user)
    members = selectors.cohort_member_ids(cohort.pk)
    context: dict[str, Any] = {
        "cohort": selectors.cohort_view(cohort.pk),
        "outputs": selectors.cohort_outputs(cohort),
        "member_names": selectors.cohort_member_names(cohort.pk),
        "is_member": person is not None
        and any(c.pk == cohort.pk for c in selectors.cohorts_of(person.pk)),
        "was_member": person is not None and person.pk in members,
        "leads": _leads(request),
        "members_form": members_form or MembersForm(),
        "error": error,
        "follow_weeks": FOLLOW_WEEKS,
        **section_tabs(request, "cohorts"),
    }
    if has_capability(request.user, Capability.VIEW_AGGREGATES) and (
        cohort.starts_at <= timezone.now()
    ):
        context["effect"] = cohort_effect(cohort)
    return render(request, "program/sessions/cohort.html", context, status=status)


@require_GET
@capability_required(Capability.USE_HUB)
def cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _cohort_page(request, cohort_id)


def _cohort_write(request: HttpRequest, cohort_id: int, write: Any) -> HttpResponse:
    cohort = selectors.cohort_get(cohort_id)
    try:
        write(cohort)
    except SessionInputError as error:
        return _cohort_page(request, cohort_id, error=error.message, status=400)
    return redirect("program:cohort", cohort_id=cohort_id)


@require_POST
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def cohort_join(request: HttpRequest, cohort_id: int) -> HttpResponse:
    person = _person(request)
    return _cohort_write(
        request, cohort_id, lambda c: services.cohort_join(cohort=c, person=person)
    )


@require_POST
@rate_limited("writes")
@capability_required(Capability.USE_HUB)
def cohort_leave(request: HttpRequest, cohort_id: int) -> HttpResponse:
    person = _person(request)
    return _cohort_write(
        request, cohort_id, lambda c: services.cohort_leave(cohort=c, person=person)
    )


@require_POST
@rate_limited("writes")
@capability_required(Capability.MANAGE_PROGRAM)
def cohort_members(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """A lead adds members by employee id or email."""
    selectors.cohort_get(cohort_id)
    form = MembersForm(request.POST)
    if form.is_valid():
        people, unknown = selectors.people_named(split_people(form.cleaned_data["members"]))
        if not unknown:
            return _cohort_write(
                request,
                cohort_id,
                lambda c: services.cohort_members_add(cohort=c, people=people, actor=request.user),
            )
        form.add_error("members", f"members: nobody in the organisation is {', '.join(unknown)}.")
    return _cohort_page(request, cohort_id, members_form=form, status=400)
