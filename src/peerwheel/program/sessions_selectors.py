"""Reads of cohorts, promptathons, show-and-tell and calendar tokens. The contract functions
(`next_session`, and this part's share of `program_actions` and `trained_person_ids`) are
re-exported by program/selectors.py. The cohort effect (which reads insights) is in
cohort_effect.py, so that this module stays light for the apps that read the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from peerwheel.core.errors import NotFoundError
from peerwheel.hub.selectors import (
    AgendaPost,
    TaggedPost,
    fail_for_agenda,
    first_time_sharers,
    tagged_posts,
    trials_of,
    wins_most_tried,
)
from peerwheel.org.models import Person
from peerwheel.org.selectors import people_current
from peerwheel.program.models_sessions import (
    Attendance,
    CalendarToken,
    Cohort,
    CohortMember,
    Session,
    SessionPresenter,
)

#: how far back the agenda's suggestions look: the week before the session
AGENDA_WEEK = timedelta(days=7)
SUGGESTED_WINS = 3
SUGGESTED_NEW_FACES = 2


@dataclass(frozen=True)
class PresenterView:
    person_id: int
    name: str
    topic: str
    slot: str
    slot_label: str
    hub_post_id: int | None


@dataclass(frozen=True)
class SessionView:
    """A show-and-tell as pages, calendars and the digest show it."""

    pk: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    join_url: str
    notes: str
    presenters: tuple[PresenterView, ...]
    attended: int
    going: int
    sequence: int
    created: datetime

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def agenda(self) -> tuple[str, ...]:
        """The agenda in lines: "Win: Faster month-end close (Ana Ortiz)"."""
        return tuple(f"{p.slot_label}: {p.topic} ({p.name})" for p in self.presenters)


def _sessions() -> QuerySet[Session]:
    return Session.objects.annotate(
        attended_count=Count("attendance", filter=Q(attendance__attended_at__isnull=False)),
        going_count=Count("attendance", filter=Q(attendance__going_at__isnull=False)),
    ).prefetch_related(
        Prefetch(
            "presenters",
            queryset=SessionPresenter.objects.filter(withdrawn_at__isnull=True)
            .select_related("person")
            .order_by("signed_up_at", "pk"),
            to_attr="live_presenters",
        )
    )


def _view(session: Session) -> SessionView:
    presenters = tuple(
        PresenterView(
            person_id=p.person_id,
            name=p.person.display_name,
            topic=p.topic,
            slot=p.slot,
            slot_label=p.get_slot_display(),
            hub_post_id=p.hub_post_id,
        )
        for p in session.live_presenters  # type: ignore[attr-defined]
    )
    return SessionView(
        pk=session.pk,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.location,
        join_url=session.join_url,
        notes=session.notes,
        presenters=presenters,
        attended=session.attended_count,  # type: ignore[attr-defined]
        going=session.going_count,  # type: ignore[attr-defined]
        sequence=session.sequence,
        created=session.created,
    )


def _views(rows: QuerySet[Session]) -> list[SessionView]:
    return [_view(s) for s in rows]


def next_session(*, after: datetime | None = None) -> SessionView | None:
    """The next show-and-tell to start (after now, or `after`), or None."""
    rows = _sessions().filter(starts_at__gt=after or timezone.now()).order_by("starts_at", "pk")
    session = rows.first()
    return None if session is None else _view(session)


def sessions_upcoming(*, limit: int = 10) -> list[SessionView]:
    rows = _sessions().filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")
    return _views(rows[:limit])


def sessions_past(*, limit: int = 12) -> list[SessionView]:
    rows = _sessions().filter(ends_at__lte=timezone.now()).order_by("-starts_at", "-pk")
    return _views(rows[:limit])


def session_get(session_id: int) -> Session:
    """A session by id (every hub user may see every session), else NotFoundError."""
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFoundError("No such show-and-tell session.")
    return session


def session_view(session_id: int) -> SessionView:
    session = _sessions().filter(pk=session_id).first()
    if session is None:
        raise NotFoundError("No such show-and-tell session.")
    return _view(session)


def sessions_for_person(person_id: int) -> list[SessionView]:
    """A person's sessions, oldest first: those they present at, said they would come to, or
    attended. What their calendar feed and `GET /api/program/sessions.ics` carry."""
    mine = Q(presenters__person_id=person_id, presenters__withdrawn_at__isnull=True) | Q(
        attendance__person_id=person_id
    ) & (Q(attendance__going_at__isnull=False) | Q(attendance__attended_at__isnull=False))
    ids = set(Session.objects.filter(mine).values_list("pk", flat=True))
    rows = _sessions().filter(pk__in=ids).order_by("starts_at", "pk")
    return _views(rows)


@dataclass(frozen=True)
class MySession:
    """Where the viewer stands with a session."""

    presenting: bool
    going: bool
    attended: bool


def my_session(session_id: int, person_id: int | None) -> MySession:
    if person_id is None:
        return MySession(presenting=False, going=False, attended=False)
    presenting = SessionPresenter.objects.filter(
        session_id=session_id, person_id=person_id, withdrawn_at__isnull=True
    ).exists()
    row = Attendance.objects.filter(session_id=session_id, person_id=person_id).first()
    return MySession(
        presenting=presenting,
        going=row is not None and row.going_at is not None,
        attended=row is not None and row.attended_at is not None,
    )


def my_sessions(session_ids: list[int], person_id: int | None) -> dict[int, MySession]:
    """`my_session` for many sessions in two queries (the list page)."""
    nobody = MySession(presenting=False, going=False, attended=False)
    if person_id is None:
        return dict.fromkeys(session_ids, nobody)
    presenting = set(
        SessionPresenter.objects.filter(
            session_id__in=session_ids, person_id=person_id, withdrawn_at__isnull=True
        ).values_list("session_id", flat=True)
    )
    rows = {
        a.session_id: a
        for a in Attendance.objects.filter(session_id__in=session_ids, person_id=person_id)
    }
    return {
        pk: MySession(
            presenting=pk in presenting,
            going=pk in rows and rows[pk].going_at is not None,
            attended=pk in rows and rows[pk].attended_at is not None,
        )
        for pk in session_ids
    }


@dataclass(frozen=True)
class AttendeeView:
    person_id: int
    name: str
    going: bool
    attended: bool


def session_attendees(session_id: int) -> list[AttendeeView]:
    """Who said they would come and who attended, by name (for whoever runs the session)."""
    rows = (
        Attendance.objects.filter(session_id=session_id)
        .filter(Q(going_at__isnull=False) | Q(attended_at__isnull=False))
        .select_related("person")
        .order_by("person__name", "pk")
    )
    return [
        AttendeeView(
            person_id=a.person_id,
            name=a.person.display_name,
            going=a.going_at is not None,
            attended=a.attended_at is not None,
        )
        for a in rows
    ]


@dataclass(frozen=True)
class AgendaSuggestion:
    """The suggested agenda: the week's most-tried wins, new faces and one fails slot."""

    wins: tuple[AgendaPost, ...]
    new_faces: tuple[AgendaPost, ...]
    fail: AgendaPost | None

    @property
    def empty(self) -> bool:
        return not (self.wins or self.new_faces or self.fail)


def agenda_suggestion(session: Session | SessionView) -> AgendaSuggestion:
    """From the week before the session: wins with most trials that week, first-time sharers,
    and the fail that drew most; posts and people already on the agenda left out."""
    until = min(session.starts_at, timezone.now())
    since = until - AGENDA_WEEK
    taken = SessionPresenter.objects.filter(session_id=session.pk, withdrawn_at__isnull=True)
    taken_posts = set(taken.values_list("hub_post_id", flat=True))
    taken_people = set(taken.values_list("person_id", flat=True))

    def free(post: AgendaPost) -> bool:
        return post.id not in taken_posts and post.author_id not in taken_people

    wins = [p for p in wins_most_tried(since=since, until=until, limit=10) if free(p)]
    new_faces = [
        p
        for p in first_time_sharers(since=since, until=until, limit=10)
        if free(p) and p.id not in {w.id for w in wins}
    ]
    fail = fail_for_agenda(since=since, until=until)
    return AgendaSuggestion(
        wins=tuple(wins[:SUGGESTED_WINS]),
        new_faces=tuple(new_faces[:SUGGESTED_NEW_FACES]),
        fail=fail if fail is not None and free(fail) else None,
    )


# --- calendar tokens -------------------------------------------------------------------------


def person_for_calendar_token(raw_token: str) -> Person:
    """The person a live calendar token belongs to (touches `last_used`); NotFoundError for an
    unknown or revoked token, or a person who has left."""
    token = (
        CalendarToken.objects.select_related("person")
        .filter(digest=CalendarToken.digest_of(raw_token or ""), revoked__isnull=True)
        .first()
    )
    if token is None or not token.person.active:
        raise NotFoundError("No such calendar feed.")
    CalendarToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return token.person


def calendar_token_live(person_id: int) -> CalendarToken | None:
    return CalendarToken.objects.filter(person_id=person_id, revoked__isnull=True).first()


# --- cohorts and promptathons ----------------------------------------------------------------


@dataclass(frozen=True)
class CohortView:
    pk: int
    kind: str
    kind_label: str
    name: str
    theme: str
    description: str
    tag: str
    starts_at: datetime
    ends_at: datetime
    members: int

    @property
    def status(self) -> str:
        now = timezone.now()
        if now < self.starts_at:
            return "upcoming"
        return "running" if now < self.ends_at else "ended"


def _cohort_view(cohort: Cohort) -> CohortView:
    return CohortView(
        pk=cohort.pk,
        kind=cohort.kind,
        kind_label=cohort.get_kind_display(),
        name=cohort.name,
        theme=cohort.theme,
        description=cohort.description,
        tag=cohort.tag,
        starts_at=cohort.starts_at,
        ends_at=cohort.ends_at,
        members=cohort.member_count,  # type: ignore[attr-defined]
    )


def _cohorts() -> QuerySet[Cohort]:
    return Cohort.objects.annotate(
        member_count=Count("members", filter=Q(members__left_at__isnull=True))
    )


def cohorts_all() -> list[CohortView]:
    """Every cohort and promptathon, newest first."""
    return [_cohort_view(c) for c in _cohorts().order_by("-starts_at", "-pk")]


def cohort_get(cohort_id: int) -> Cohort:
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFoundError("No such cohort or promptathon.")
    return cohort


def cohort_view(cohort_id: int) -> CohortView:
    cohort = _cohorts().filter(pk=cohort_id).first()
    if cohort is None:
        raise NotFoundError("No such cohort or promptathon.")
    return _cohort_view(cohort)


def cohort_member_ids(cohort_id: int) -> set[int]:
    """Everyone who joined (those who left early included: they were treated)."""
    return set(CohortMember.objects.filter(cohort_id=cohort_id).values_list("person_id", flat=True))


def cohort_member_names(cohort_id: int) -> list[str]:
    """The current members' names, for the cohort's page."""
    rows = CohortMember.objects.filter(cohort_id=cohort_id, left_at__isnull=True).select_related(
        "person"
    )
    return sorted(m.person.display_name for m in rows)


def cohorts_of(person_id: int) -> list[CohortView]:
    """The cohorts and promptathons a person is in (not left)."""
    ids = CohortMember.objects.filter(person_id=person_id, left_at__isnull=True).values("cohort")
    return [_cohort_view(c) for c in _cohorts().filter(pk__in=ids).order_by("starts_at", "pk")]


@dataclass(frozen=True)
class CohortOutputs:
    """A cohort's outputs (its members' posts with its tag in its dates) and how far they
    travelled: trials by people who were not members, up to `until`."""

    posts: tuple[TaggedPost, ...]
    trials_by_others: int
    people_trying: int


def cohort_outputs(cohort: Cohort, *, until: datetime | None = None) -> CohortOutputs:
    members = cohort_member_ids(cohort.pk)
    posts = tagged_posts(
        tag=cohort.tag, authors=members, since=cohort.starts_at, until=cohort.ends_at
    )
    trials = trials_of(
        post_ids=[p.id for p in posts], excluding=members, until=until or timezone.now()
    )
    return CohortOutputs(
        posts=tuple(posts), trials_by_others=trials.trials, people_trying=trials.people
    )


# --- this part's share of the contract -----------------------------------------------------------


def session_program_actions(*, since: date, until: date) -> set[tuple[int | None, date]]:
    """Cohort and promptathon starts (each member's department at the start; the organisation
    when it has no members) and show-and-tell sessions (organisation-wide) in [since, until]."""
    actions: set[tuple[int | None, date]] = set()
    for starts in Session.objects.filter(
        starts_at__date__gte=since, starts_at__date__lte=until
    ).values_list("starts_at", flat=True):
        actions.add((None, timezone.localdate(starts)))
    cohorts = Cohort.objects.filter(starts_at__date__gte=since, starts_at__date__lte=until)
    for cohort in cohorts.prefetch_related("members__person"):
        day = timezone.localdate(cohort.starts_at)
        departments = {m.person.department_id for m in cohort.members.all()}
        for department in departments or {None}:
            actions.add((department, day))
    return actions


def completed_cohort_person_ids(*, on: datetime | None = None) -> set[int]:
    """Members (not left early) of cohorts that have ended: trained."""
    rows = CohortMember.objects.filter(
        cohort__kind=Cohort.Kind.COHORT,
        cohort__ends_at__lte=on or timezone.now(),
        left_at__isnull=True,
    )
    return set(rows.values_list("person_id", flat=True))


def people_named(identifiers: list[str]) -> tuple[list[Person], list[str]]:
    """Current people by employee id or email (case-insensitive), in the order given, and the
    identifiers that match nobody."""
    if not identifiers:
        return [], []
    lowered = [i.lower() for i in identifiers]
    rows = (
        people_current()
        .annotate(email_lower=Lower("email"))
        .filter(Q(employee_id__in=identifiers) | Q(email_lower__in=lowered))
    )
    by_key: dict[str, Person] = {}
    for row in rows:
        by_key[row.employee_id] = row
        if row.email:
            by_key[row.email.lower()] = row
    found: list[Person] = []
    unknown: list[str] = []
    for identifier in identifiers:
        person = by_key.get(identifier) or by_key.get(identifier.lower())
        if person is None:
            unknown.append(identifier)
        elif person not in found:
            found.append(person)
    return found, unknown
