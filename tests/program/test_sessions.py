"""Show-and-tell: sessions and their agenda, attendance as influence events, the .ics files read
back with icalendar and by a calendar client (recurring-ical-events), personal feed tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import recurring_ical_events
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from icalendar import Calendar

from peerwheel.accounts.services import token_issue
from peerwheel.core.errors import ForbiddenError
from peerwheel.hub.models import InfluenceEvent, InfluenceKind
from peerwheel.hub.services import post_publish, trial_record
from peerwheel.org.models import Person
from peerwheel.program import sessions as services
from peerwheel.program.models_sessions import CalendarToken, Session
from peerwheel.program.selectors import next_session, program_actions
from peerwheel.program.sessions import SessionInputError
from peerwheel.program.sessions_selectors import agenda_suggestion, sessions_for_person

NOW = datetime.now(tz=UTC).replace(microsecond=0)


def _session(cast: dict[str, User], starts: datetime, **extra: Any) -> Session:
    return services.session_create(
        actor=cast["carol"],
        starts_at=starts,
        join_url="https://meet.example.com/show-and-tell",
        location="Room 4",
        at=starts - timedelta(days=7),
        **extra,
    )


@pytest.fixture
def upcoming(org: dict[str, Person], cast: dict[str, User]) -> Session:
    """Next week's session: Alice shows a win, Bob the fails slot; Carol and Dan will come."""
    session = _session(cast, NOW + timedelta(days=7))
    services.presenter_signup(session=session, person=org["alice"], topic="Month-end in an hour")
    services.presenter_signup(
        session=session, person=org["bob"], topic="The summary that lied", slot="fail"
    )
    services.session_rsvp(session=session, person=org["carol"], going=True)
    services.session_rsvp(session=session, person=org["dan"], going=True)
    session.refresh_from_db()
    return session


def _calendar(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_attendance_writes_one_attended_demo_event_per_presenter_and_attendee(
    org: dict[str, Person], cast: dict[str, User]
) -> None:
    starts = NOW - timedelta(days=2)
    session = _session(cast, starts)
    for key, topic in [("alice", "A win"), ("bob", "A fail")]:
        services.presenter_signup(
            session=session, person=org[key], topic=topic, at=starts - timedelta(days=1)
        )
    attendees = [org["carol"], org["dan"], org["alice"]]  # a presenter attends the other talk
    assert services.attendance_record(session=session, people=attendees, actor=cast["bob"]) == 3
    events = InfluenceEvent.objects.filter(kind=InfluenceKind.ATTENDED_DEMO)
    pairs = sorted((e.source.employee_id, e.target.employee_id) for e in events)
    # alice E2, bob E3, carol E4, dan E5: nobody influences themselves
    assert pairs == [("E2", "E4"), ("E2", "E5"), ("E3", "E2"), ("E3", "E4"), ("E3", "E5")]
    assert {e.created for e in events} == {starts}
    # Recording again (and one more person) writes only the new person's events.
    again = services.attendance_record(
        session=session, people=[org["carol"], org["erin"]], actor=cast["carol"]
    )
    assert again == 1
    assert events.all().count() == 7  # a new query: `events` above holds its first answer
    assert events.filter(target=org["erin"]).count() == 2


def test_attendance_waits_for_the_start_and_needs_a_runner(
    org: dict[str, Person], cast: dict[str, User], upcoming: Session
) -> None:
    with pytest.raises(SessionInputError, match="once the session has started"):
        services.attendance_record(session=upcoming, people=[org["dan"]], actor=cast["carol"])
    with pytest.raises(ForbiddenError):
        services.attendance_record(session=upcoming, people=[org["dan"]], actor=cast["alice"])
    with pytest.raises(ForbiddenError):
        services.session_create(actor=cast["alice"], starts_at=NOW + timedelta(days=1))
    assert not InfluenceEvent.objects.exists()


def test_the_agenda_closes_at_the_start_and_a_presenter_signs_up_once(
    org: dict[str, Person], cast: dict[str, User], upcoming: Session
) -> None:
    with pytest.raises(SessionInputError, match="already on this session's agenda"):
        services.presenter_signup(session=upcoming, person=org["alice"], topic="Again")
    with pytest.raises(SessionInputError, match="agenda is closed"):
        services.presenter_signup(
            session=upcoming, person=org["dan"], topic="Late", at=upcoming.starts_at
        )
    with pytest.raises(SessionInputError) as bad:
        services.presenter_signup(session=upcoming, person=org["dan"], topic="", slot="talk")
    assert bad.value.field == "topic"
    assert services.presenter_withdraw(session=upcoming, person=org["alice"])
    assert [p.name for p in next_session().presenters] == ["Bob Brown"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("ends_at", {"ends_at": NOW}, "end must come after the start"),
        ("join_url", {"join_url": "meet me in the kitchen"}, "not a web address"),
        ("title", {"title": ""}, "required"),
    ],
)
def test_a_bad_session_names_its_field_and_writes_nothing(
    cast: dict[str, User], field: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(SessionInputError, match=message) as bad:
        services.session_create(actor=cast["carol"], starts_at=NOW + timedelta(hours=1), **values)
    assert bad.value.field == field
    assert not Session.objects.exists()


def test_one_sessions_ics_round_trips_through_icalendar(
    org: dict[str, Person], cast: dict[str, User], upcoming: Session
) -> None:
    response = Client()
    response.force_login(cast["dan"])
    answer = response.get(f"/program/sessions/{upcoming.pk}.ics")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = _calendar(answer.content)
    assert str(calendar["VERSION"]) == "2.0"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"program-session-{upcoming.pk}@peerwheel"
    assert event.decoded("DTSTART") == upcoming.starts_at
    assert event.decoded("DTEND") == upcoming.starts_at + timedelta(minutes=45)
    assert int(event["SEQUENCE"]) == 2  # two sign-ups changed it since it was created
    assert str(event["URL"]) == "https://meet.example.com/show-and-tell"
    assert str(event["LOCATION"]) == "Room 4"
    description = str(event["DESCRIPTION"])
    assert "- Demo: Month-end in an hour (Alice Adams)" in description
    assert "- Fails slot: The summary that lied (Bob Brown)" in description
    assert "Presenters: Alice Adams, Bob Brown" in description
    assert "Join: https://meet.example.com/show-and-tell" in description
    assert f"http://testserver/program/sessions/{upcoming.pk}/" in description


def _feed(token: str) -> Any:
    return Client().get("/program/sessions.ics", {"token": token})


def test_a_feed_shows_its_owners_sessions_only_and_a_calendar_imports_it(
    org: dict[str, Person], cast: dict[str, User], upcoming: Session
) -> None:
    other = _session(cast, NOW + timedelta(days=14))  # nobody's yet
    services.presenter_signup(session=other, person=org["erin"], topic="Agents for ops")
    dan = services.calendar_token_issue(person=org["dan"])
    erin = services.calendar_token_issue(person=org["erin"])
    assert CalendarToken.objects.filter(digest=dan).count() == 0  # only the hash is kept
    dan_feed, erin_feed = _feed(dan), _feed(erin)
    assert dan_feed.status_code == erin_feed.status_code == 200
    dan_events = _calendar(dan_feed.content).walk("VEVENT")
    assert [str(e["UID"]) for e in dan_events] == [f"program-session-{upcoming.pk}@peerwheel"]
    erin_events = _calendar(erin_feed.content).walk("VEVENT")
    assert [str(e["UID"]) for e in erin_events] == [f"program-session-{other.pk}@peerwheel"]
    # A calendar client's view of Dan's feed: the events in the coming fortnight.
    client_view = recurring_ical_events.of(_calendar(dan_feed.content)).between(
        NOW.date(), NOW.date() + timedelta(days=15)
    )
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in client_view] == [
        ("Show-and-tell", upcoming.starts_at)
    ]
    assert (
        recurring_ical_events.of(_calendar(dan_feed.content)).between(
            NOW.date() + timedelta(days=8), NOW.date() + timedelta(days=30)
        )
        == []
    )


def test_a_revoked_or_replaced_token_is_a_404(org: dict[str, Person], upcoming: Session) -> None:
    first = services.calendar_token_issue(person=org["dan"])
    second = services.calendar_token_issue(person=org["dan"])  # the first stops working
    assert _feed(first).status_code == 404
    served = _feed(second)
    assert served.status_code == 200
    assert "no-store" in served["Cache-Control"]
    assert services.calendar_token_revoke(person=org["dan"]) == 1
    assert _feed(second).status_code == 404
    assert _feed("").status_code == 404
    assert _feed("pwcal_not-a-token").status_code == 404


def test_the_api_answers_the_callers_sessions_as_ics(
    org: dict[str, Person], cast: dict[str, User], upcoming: Session
) -> None:
    raw = token_issue(user=cast["alice"])
    answer = Client().get("/api/program/sessions.ics", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    [event] = _calendar(answer.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Show-and-tell"
    outsider = Client()
    outsider.force_login(cast["charlie"])  # a login without a role
    refused = outsider.get("/api/program/sessions.ics")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert Client().get("/api/program/sessions.ics").status_code == 401


def test_a_suggested_agenda_has_the_weeks_most_tried_wins_new_faces_and_a_fail(
    org: dict[str, Person], cast: dict[str, User]
) -> None:
    starts = NOW + timedelta(days=1)
    week_ago = NOW - timedelta(days=5)
    old = post_publish(
        author=org["boss"], kind="tip", title="Old tip", body="b", at=NOW - timedelta(days=60)
    )
    popular = post_publish(
        author=org["boss"], kind="win", title="Popular win", body="b", at=week_ago
    )
    quiet = post_publish(author=org["erin"], kind="win", title="Quiet win", body="b", at=week_ago)
    anonymous = post_publish(
        author=org["dan"], kind="win", title="Anonymous win", body="b", at=week_ago, anonymous=True
    )
    fail = post_publish(author=org["carol"], kind="fail", title="It broke", body="b", at=week_ago)
    for key in ("alice", "bob", "charlie"):
        trial_record(post=popular, person=org[key], outcome="worked", at=NOW - timedelta(days=2))
    trial_record(post=quiet, person=org["alice"], outcome="partly", at=NOW - timedelta(days=2))
    for key in ("alice", "bob"):
        trial_record(post=anonymous, person=org[key], outcome="worked", at=NOW - timedelta(days=2))
    assert old.pk
    session = _session(cast, starts)
    suggestion = agenda_suggestion(session)
    assert [(p.title, p.score) for p in suggestion.wins] == [("Popular win", 3), ("Quiet win", 1)]
    # first-time sharers: Erin (the quiet win) is a win already; Carol's first post is the fail
    assert [p.author_name for p in suggestion.new_faces] == ["Carol Clark"]
    assert suggestion.fail is not None and suggestion.fail.title == "It broke"
    assert fail.pk == suggestion.fail.id
    # Added to the agenda, the item leaves the suggestions and its author is told.
    services.agenda_add(
        session=session,
        actor=cast["bob"],
        person=org["boss"],
        topic=popular.title,
        slot="win",
        hub_post_id=popular.pk,
    )
    assert [p.title for p in agenda_suggestion(session).wins] == ["Quiet win"]
    assert mail.outbox[-1].to == ["ada@example.com"]
    assert "Popular win" in mail.outbox[-1].body


def test_sessions_are_program_pushes_and_the_next_one_is_the_contracts(
    org: dict[str, Person], cast: dict[str, User], upcoming: Session
) -> None:
    past = _session(cast, NOW - timedelta(days=7))
    day = past.starts_at.date()
    assert (None, day) in program_actions(since=day, until=day)
    view = next_session()
    assert view is not None and view.pk == upcoming.pk
    assert view.agenda == (
        "Demo: Month-end in an hour (Alice Adams)",
        "Fails slot: The summary that lied (Bob Brown)",
    )
    assert next_session(after=upcoming.starts_at) is None
    assert [s.pk for s in sessions_for_person(org["carol"].pk)] == [upcoming.pk]  # going
    assert sessions_for_person(org["erin"].pk) == []
