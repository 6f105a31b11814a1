"""Every write of cohorts, promptathons, show-and-tell and calendar tokens (issue 16, parts 3
and 4). Reads are in sessions_selectors.py.

Who may do what: program leads ('Manage program') create cohorts and promptathons and add
members; whoever runs show-and-tell ('Run show-and-tell': champions and leads) creates sessions,
adds suggested items to an agenda and records attendance; anyone with a person joins, leaves,
signs up to present, says they will come, and keeps a calendar token. Recording attendance
writes the hub's attended-demo influence events, from each presenter to each attendee, through
`hub.services.influence_record`.

A refusal raises `SessionInputError` (a ProgramError naming the field) or a core getter error.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.accounts.services import audit_record
from peerwheel.core.errors import ForbiddenError
from peerwheel.hub.models import InfluenceKind
from peerwheel.hub.services import influence_record
from peerwheel.org.models import Person
from peerwheel.program.models_sessions import (
    Attendance,
    CalendarToken,
    Cohort,
    CohortMember,
    Session,
    SessionPresenter,
)
from peerwheel.program.services import ProgramError, notify

Actor = User | AnonymousUser | None
TOKEN_PREFIX = "pwcal_"  # noqa: S105 - a marker before the random part, not a secret
DEFAULT_MINUTES = 45
#: the longest cohort (weeks) and promptathon (days) accepted: a typo in a year is refused
COHORT_WEEKS_MAX = 26
PROMPTATHON_DAYS_MAX = 14
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#.-]*$")  # hub/validation.py's tag alphabet


class SessionInputError(ProgramError):
    """A cohort, session or sign-up refused; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _require(actor: Actor, capability: Capability, doing: str) -> None:
    if actor is None or not has_capability(actor, capability):
        raise ForbiddenError(f"Only people who may {capability.label.lower()} can {doing}.")


def _text(value: str, field: str, *, maximum: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise SessionInputError(f"{field}: this field is required.", field=field)
    if len(text) > maximum:
        raise SessionInputError(
            f"{field}: {len(text)} characters; the limit is {maximum}.", field=field
        )
    return text


def _tag(value: str) -> str:
    tag = (value or "").strip().lstrip("#").lower().replace(" ", "-")
    if not tag:
        raise SessionInputError("tag: this field is required.", field="tag")
    if len(tag) > 40 or not _TAG.match(tag):
        raise SessionInputError(
            f"tag: {value!r} is not a hub tag (letters, digits, '-', '+', '#' or '.', at most "
            "40 characters).",
            field="tag",
        )
    if Cohort.objects.filter(tag=tag).exists():
        raise SessionInputError(
            f"tag: #{tag} is already another cohort's or promptathon's tag; pick a new one, "
            "so that its outputs are its own.",
            field="tag",
        )
    return tag


def _span(starts_at: datetime, ends_at: datetime, *, longest: timedelta, what: str) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise SessionInputError("starts_at: give times with their time zone.", field="starts_at")
    if ends_at <= starts_at:
        raise SessionInputError("ends_at: the end must come after the start.", field="ends_at")
    if ends_at - starts_at > longest:
        raise SessionInputError(
            f"ends_at: a {what} lasts at most {longest.days} days; this one lasts "
            f"{(ends_at - starts_at).days}.",
            field="ends_at",
        )


# --- cohorts and promptathons ----------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    theme: str,
    tag: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    members: Iterable[Person] = (),
    at: datetime | None = None,
) -> Cohort:
    """A cohort (a few weeks on one theme) or a promptathon (a timed challenge), with its hub
    tag; the members given are added at once. Leads only; audited."""
    _require(actor, Capability.MANAGE_PROGRAM, "create cohorts and promptathons")
    if kind not in Cohort.Kind.values:
        raise SessionInputError(
            f"kind: {kind!r} is not one of {', '.join(Cohort.Kind.values)}.", field="kind"
        )
    longest = (
        timedelta(weeks=COHORT_WEEKS_MAX)
        if kind == Cohort.Kind.COHORT
        else timedelta(days=PROMPTATHON_DAYS_MAX)
    )
    _span(starts_at, ends_at, longest=longest, what=Cohort.Kind(kind).label.lower())
    cohort = Cohort.objects.create(
        kind=kind,
        name=_text(name, "name", maximum=120),
        theme=_text(theme, "theme", maximum=200),
        description=_text(description, "description", maximum=4000, required=False),
        tag=_tag(tag),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor if isinstance(actor, User) else None,
        created=_now(at),
    )
    added = cohort_members_add(cohort=cohort, people=members, actor=actor, at=at)
    audit_record(
        actor=actor,
        action=f"program.{kind}.create",
        target=cohort.name,
        cohort=cohort.pk,
        tag=cohort.tag,
        members=added,
    )
    return cohort


def _join(cohort: Cohort, person: Person, when: datetime) -> bool:
    member, created = CohortMember.objects.get_or_create(
        cohort=cohort, person=person, defaults={"joined_at": when}
    )
    if not created and member.left_at is not None:
        member.left_at = None
        member.joined_at = when
        member.save(update_fields=["left_at", "joined_at"])
        return True
    return created


@transaction.atomic
def cohort_members_add(
    *, cohort: Cohort, people: Iterable[Person], actor: Actor, at: datetime | None = None
) -> int:
    """A lead enrols people (current people only); how many were new. Leads only."""
    _require(actor, Capability.MANAGE_PROGRAM, "add members to a cohort")
    when = _now(at)
    added = 0
    for person in people:
        if not person.active:
            raise SessionInputError(
                f"members: {person.display_name} has left the organisation.", field="members"
            )
        added += _join(cohort, person, when)
    return added


def cohort_join(*, cohort: Cohort, person: Person, at: datetime | None = None) -> CohortMember:
    """A person joins a cohort or promptathon that has not ended."""
    when = _now(at)
    if cohort.ends_at <= when:
        raise SessionInputError(f"{cohort.name} has ended; join the next one.", field="cohort")
    _join(cohort, person, when)
    return CohortMember.objects.get(cohort=cohort, person=person)


def cohort_leave(*, cohort: Cohort, person: Person, at: datetime | None = None) -> bool:
    """A person leaves a cohort before its end (kept, with `left_at`); False if not a member."""
    when = _now(at)
    if cohort.ends_at <= when:
        raise SessionInputError(f"{cohort.name} has ended; it stays on your record.")
    return bool(
        CohortMember.objects.filter(cohort=cohort, person=person, left_at__isnull=True).update(
            left_at=when
        )
    )


# --- show-and-tell ---------------------------------------------------------------------------


def _join_url(value: str) -> str:
    url = (value or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        raise SessionInputError(
            f"join_url: {url[:80]!r} is not a web address (https://...).", field="join_url"
        ) from None
    if len(url) > 500:
        raise SessionInputError("join_url: at most 500 characters.", field="join_url")
    return url


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    starts_at: datetime,
    ends_at: datetime | None = None,
    title: str = "Show-and-tell",
    location: str = "",
    join_url: str = "",
    notes: str = "",
    at: datetime | None = None,
) -> Session:
    """A show-and-tell session (45 minutes unless `ends_at` says). Runners only; audited."""
    _require(actor, Capability.RUN_SHOW_AND_TELL, "create show-and-tell sessions")
    ends_at = ends_at or starts_at + timedelta(minutes=DEFAULT_MINUTES)
    _span(starts_at, ends_at, longest=timedelta(hours=8), what="session")
    session = Session.objects.create(
        title=_text(title, "title", maximum=120),
        starts_at=starts_at,
        ends_at=ends_at,
        location=_text(location, "location", maximum=200, required=False),
        join_url=_join_url(join_url),
        notes=_text(notes, "notes", maximum=4000, required=False),
        created_by=actor if isinstance(actor, User) else None,
        created=_now(at),
    )
    audit_record(
        actor=actor,
        action="program.session.create",
        target=session.title,
        session=session.pk,
        starts_at=starts_at.isoformat(),
    )
    return session


def _before_start(session: Session, when: datetime) -> None:
    if session.starts_at <= when:
        raise SessionInputError("This session has started; its agenda is closed.", field="session")


def _changed(session: Session) -> None:
    """Calendars replace their copy of the event when its SEQUENCE grows."""
    Session.objects.filter(pk=session.pk).update(sequence=session.sequence + 1)
    session.sequence += 1


def _slot(value: str) -> str:
    if value not in SessionPresenter.Slot.values:
        raise SessionInputError(
            f"slot: {value!r} is not one of {', '.join(SessionPresenter.Slot.values)}.",
            field="slot",
        )
    return value


@transaction.atomic
def presenter_signup(
    *,
    session: Session,
    person: Person,
    topic: str,
    slot: str = SessionPresenter.Slot.OTHER,
    hub_post_id: int | None = None,
    added_by: User | None = None,
    at: datetime | None = None,
) -> SessionPresenter:
    """Put a person on the agenda, before the session starts (once per session)."""
    when = _now(at)
    _before_start(session, when)
    if SessionPresenter.objects.filter(
        session=session, person=person, withdrawn_at__isnull=True
    ).exists():
        raise SessionInputError(
            f"{person.display_name} is already on this session's agenda.", field="person"
        )
    presenter = SessionPresenter.objects.create(
        session=session,
        person=person,
        topic=_text(topic, "topic", maximum=200),
        slot=_slot(slot),
        hub_post_id=hub_post_id,
        signed_up_at=when,
        added_by=added_by,
    )
    _changed(session)
    return presenter


def agenda_add(
    *,
    session: Session,
    actor: Actor,
    person: Person,
    topic: str,
    slot: str,
    hub_post_id: int | None = None,
    at: datetime | None = None,
) -> SessionPresenter:
    """A runner adds a suggested item for its author, who is told and may withdraw."""
    _require(actor, Capability.RUN_SHOW_AND_TELL, "edit a session's agenda")
    presenter = presenter_signup(
        session=session,
        person=person,
        topic=topic,
        slot=slot,
        hub_post_id=hub_post_id,
        added_by=actor if isinstance(actor, User) else None,
        at=at,
    )
    link = reverse("program:session", kwargs={"session_id": session.pk})
    notify(
        people=[person],
        subject="you are on the show-and-tell agenda",
        message=(
            f"You were suggested to show \u201c{presenter.topic}\u201d at {session.title} on "
            f"{timezone.localtime(session.starts_at):%A %d %B, %H:%M}. If you cannot, withdraw "
            f"on the session's page: {link}"
        ),
    )
    return presenter


def presenter_withdraw(*, session: Session, person: Person, at: datetime | None = None) -> bool:
    """A presenter takes their slot off the agenda before the start; False if they had none."""
    when = _now(at)
    _before_start(session, when)
    withdrawn = SessionPresenter.objects.filter(
        session=session, person=person, withdrawn_at__isnull=True
    ).update(withdrawn_at=when)
    if withdrawn:
        _changed(session)
    return bool(withdrawn)


def session_rsvp(
    *, session: Session, person: Person, going: bool, at: datetime | None = None
) -> Attendance:
    """A person says they will come (their calendar feed then carries the session), or not."""
    when = _now(at)
    if going and session.ends_at <= when:
        raise SessionInputError("This session is over.", field="session")
    attendance, _ = Attendance.objects.get_or_create(session=session, person=person)
    attendance.going_at = when if going else None
    attendance.save(update_fields=["going_at"])
    return attendance


@transaction.atomic
def attendance_record(
    *, session: Session, people: Iterable[Person], actor: Actor, at: datetime | None = None
) -> int:
    """Record who attended, once the session has started; how many were new.

    Each new attendee gets one attended-demo influence event from each presenter on the agenda
    (not from themselves), dated at the session's start. Recording someone twice writes
    nothing."""
    _require(actor, Capability.RUN_SHOW_AND_TELL, "record attendance")
    when = _now(at)
    if session.starts_at > when:
        raise SessionInputError(
            "Attendance is recorded once the session has started.", field="session"
        )
    presenters = [
        p.person
        for p in SessionPresenter.objects.filter(
            session=session, withdrawn_at__isnull=True
        ).select_related("person")
    ]
    new = 0
    for person in people:
        attendance, _ = Attendance.objects.select_for_update().get_or_create(
            session=session, person=person
        )
        if attendance.attended_at is not None:
            continue
        attendance.attended_at = session.starts_at
        attendance.recorded_by = actor if isinstance(actor, User) else None
        attendance.save(update_fields=["attended_at", "recorded_by"])
        for presenter in presenters:
            influence_record(
                source=presenter,
                target=person,
                kind=InfluenceKind.ATTENDED_DEMO,
                at=session.starts_at,
            )
        new += 1
    audit_record(
        actor=actor,
        action="program.session.attendance",
        target=session.title,
        session=session.pk,
        added=new,
    )
    return new


# --- calendar tokens -------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, person: Person, at: datetime | None = None) -> str:
    """A new calendar-feed token for the person, shown once (only its hash is kept); any token
    they had stops working."""
    when = _now(at)
    CalendarToken.objects.filter(person=person, revoked__isnull=True).update(revoked=when)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    CalendarToken.objects.create(
        person=person, prefix=raw[:12], digest=CalendarToken.digest_of(raw), created=when
    )
    return raw


def calendar_token_revoke(*, person: Person, at: datetime | None = None) -> int:
    """Stop the person's calendar feed now; how many tokens were live (0 or 1)."""
    return CalendarToken.objects.filter(person=person, revoked__isnull=True).update(
        revoked=_now(at)
    )
