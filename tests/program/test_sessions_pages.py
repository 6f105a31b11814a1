"""The show-and-tell and cohort pages for each role, their forms' errors, and one run in the
real browser: a member signs up to present, takes a calendar feed link and stops it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerwheel.hub.models import InfluenceEvent
from peerwheel.org.models import Person
from peerwheel.program import sessions as services
from peerwheel.program.models_sessions import Cohort, Session
from tests.conftest import sign_in

NOW = datetime.now(tz=UTC).replace(microsecond=0)


@pytest.fixture
def planned(org: dict[str, Person], cast: dict[str, User]) -> dict[str, Any]:
    upcoming = services.session_create(
        actor=cast["bob"], starts_at=NOW + timedelta(days=3), join_url="https://meet.example.com/x"
    )
    past = services.session_create(
        actor=cast["bob"], starts_at=NOW - timedelta(days=4), at=NOW - timedelta(days=10)
    )
    services.presenter_signup(
        session=past, person=org["bob"], topic="Test plans", at=NOW - timedelta(days=5)
    )
    services.session_rsvp(session=past, person=org["dan"], going=True, at=NOW - timedelta(days=5))
    cohort = services.cohort_create(
        actor=cast["carol"],
        kind="promptathon",
        name="Friday prompt-off",
        theme="Customer replies",
        tag="prompt-off",
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW - timedelta(days=1),
        members=[org["alice"]],
    )
    return {"upcoming": upcoming, "past": past, "cohort": cohort}


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize(
    ("role", "plans", "records", "creates_cohorts", "sees_effect"),
    [
        ("alice", False, False, False, False),
        ("bob", True, True, False, False),
        ("carol", True, True, True, True),
        ("dan", False, False, False, True),
    ],
)
def test_each_role_sees_its_part(
    planned: dict[str, Any],
    client_for: Callable[[str], Client],
    role: str,
    plans: bool,
    records: bool,
    creates_cohorts: bool,
    sees_effect: bool,
) -> None:
    client = client_for(role)
    listing = _page(client, "/program/sessions/")
    assert 'data-testid="upcoming"' in listing and 'data-testid="calendar-feed"' in listing
    assert ('data-testid="session-create"' in listing) is plans
    past = _page(client, f"/program/sessions/{planned['past'].pk}/")
    assert "Test plans" in past
    assert ('data-testid="attendance"' in past) is records
    upcoming = _page(client, f"/program/sessions/{planned['upcoming'].pk}/")
    assert 'data-testid="signup"' in upcoming  # everyone may sign up to present
    cohorts = _page(client, "/program/cohorts/")
    assert "Friday prompt-off" in cohorts
    assert ('data-testid="cohort-create"' in cohorts) is creates_cohorts
    cohort = _page(client, f"/program/cohorts/{planned['cohort'].pk}/")
    assert 'data-testid="outputs"' in cohort
    assert ('data-testid="effect"' in cohort) is sees_effect
    assert "Show-and-tell" in _page(client, "/program/")  # the section's tab


def test_writes_are_refused_to_roles_without_them(
    planned: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    session = {"title": "Show-and-tell", "starts_at": "2030-01-07T12:00", "minutes": "45"}
    assert client_for("alice").post("/program/sessions/new/", session).status_code == 403
    assert client_for("dan").post("/program/sessions/new/", session).status_code == 403
    made = client_for("bob").post("/program/sessions/new/", session)
    assert made.status_code == 302
    assert Session.objects.filter(starts_at__year=2030).count() == 1
    cohort = {
        "kind": "cohort",
        "name": "Spreadsheets",
        "theme": "Formulas",
        "tag": "sheets",
        "starts_at": "2030-01-07T09:00",
        "ends_at": "2030-02-04T17:00",
        "members": "E2, carol@example.com",
    }
    assert client_for("bob").post("/program/cohorts/new/", cohort).status_code == 403
    assert client_for("carol").post("/program/cohorts/new/", cohort).status_code == 302
    made_cohort = Cohort.objects.get(tag="sheets")
    assert sorted(m.person.name for m in made_cohort.members.all()) == [
        "Alice Adams",
        "Carol Clark",
    ]


def test_bad_form_input_is_named_and_nothing_is_written(
    planned: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    carol = client_for("carol")
    cohort = {
        "kind": "cohort",
        "name": "Again",
        "theme": "T",
        "tag": "prompt-off",  # taken
        "starts_at": "2030-01-07T09:00",
        "ends_at": "2030-02-04T17:00",
    }
    taken = carol.post("/program/cohorts/new/", cohort)
    assert taken.status_code == 400
    assert "tag: #prompt-off is already" in taken.content.decode()
    unknown = carol.post("/program/cohorts/new/", {**cohort, "tag": "new", "members": "E2 E99"})
    assert unknown.status_code == 400
    assert "members: nobody in the organisation is E99." in unknown.content.decode()
    assert Cohort.objects.count() == 1
    attendance = carol.post(
        f"/program/sessions/{planned['past'].pk}/attendance/", {"others": "nobody@example.com"}
    )
    assert attendance.status_code == 400
    assert "others: nobody in the organisation is nobody@example.com." in (
        attendance.content.decode()
    )
    assert not InfluenceEvent.objects.exists()


def test_recording_attendance_on_the_page_writes_the_events(
    org: dict[str, Person], planned: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    past = planned["past"]
    dan = org["dan"]
    answer = client_for("bob").post(
        f"/program/sessions/{past.pk}/attendance/", {"people": [dan.pk], "others": "E4"}
    )
    assert answer.status_code == 302
    pairs = sorted(InfluenceEvent.objects.values_list("source__name", "target__name"))
    assert pairs == [("Bob Brown", "Carol Clark"), ("Bob Brown", "Dan Diaz")]
    assert "2 attended" in _page(client_for("bob"), f"/program/sessions/{past.pk}/")


def test_the_lists_query_counts_do_not_grow_with_sessions_or_cohorts(
    org: dict[str, Person], cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    client = client_for("alice")

    def add(n: int) -> None:
        for i in range(n):
            starts = NOW + timedelta(days=1 + Session.objects.count())
            session = services.session_create(actor=cast["bob"], starts_at=starts)
            services.presenter_signup(session=session, person=org["bob"], topic=f"Demo {i}")
            services.session_rsvp(session=session, person=org["alice"], going=True)
            past = services.session_create(
                actor=cast["bob"], starts_at=NOW - timedelta(days=1 + Session.objects.count())
            )
            services.presenter_signup(
                session=past, person=org["dan"], topic="Old", at=past.starts_at - timedelta(1)
            )
            services.cohort_create(
                actor=cast["carol"],
                kind="cohort",
                name=f"C{i}",
                theme="T",
                tag=f"c{Cohort.objects.count()}",
                starts_at=NOW,
                ends_at=NOW + timedelta(weeks=2),
                members=[org["alice"], org["dan"]],
            )

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2)
    few = queries("/program/sessions/"), queries("/program/cohorts/")
    add(4)
    assert (queries("/program/sessions/"), queries("/program/cohorts/")) == few


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_member_signs_up_and_keeps_a_calendar_feed_in_the_browser(
    planned: dict[str, Any], live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/program/sessions/")
    page.click("[data-testid=upcoming] h3 a")
    page.fill("#id_topic", "Drafting release notes")
    page.select_option("#id_slot", "win")
    page.click("[data-testid=signup] button")
    page.wait_for_selector("text=Win: Drafting release notes — Alice Adams")
    page.click("text=I'll come")
    page.wait_for_selector("text=You are coming")
    page.goto(f"{live_server.url}/program/sessions/")
    page.click("text=Get my feed link")
    feed_url = page.input_value("[data-testid=feed-url]")
    assert feed_url.startswith(f"{live_server.url}/program/sessions.ics?token=pwcal_")
    feed = page.request.get(feed_url)
    assert feed.status == 200
    assert "Drafting release notes (Alice Adams)" in feed.text().replace("\r\n ", "")
    page.click("text=Stop my feed")
    page.wait_for_selector("text=Get my feed link")
    assert page.request.get(feed_url).status == 404
