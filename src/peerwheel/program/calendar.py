"""Show-and-tell sessions (and a person's cohorts) as iCalendar files, with the icalendar
package: one session's `.ics`, and a person's subscription feed.

Each session is a VEVENT with a stable UID (so a calendar replaces it, helped by SEQUENCE, when
the agenda changes), the agenda, presenters and join link in DESCRIPTION, the join link as URL
and LOCATION when there is no room. Times are written in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vText

from peerwheel.program.sessions_selectors import CohortView, SessionView

PRODID = "-//Peerwheel//Program sessions//EN"
UID_DOMAIN = "peerwheel"
#: how often a subscribed calendar asks again (calendars read either property)
REFRESH = "PT6H"


class PageUrl:
    """Absolute links to the program's pages (the views build it from the request)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def session(self, pk: int) -> str:
        return self.base + reverse("program:session", kwargs={"session_id": pk})

    def cohort(self, pk: int) -> str:
        return self.base + reverse("program:cohort", kwargs={"cohort_id": pk})


def session_uid(pk: int) -> str:
    return f"program-session-{pk}@{UID_DOMAIN}"


def cohort_uid(pk: int) -> str:
    return f"program-cohort-{pk}@{UID_DOMAIN}"


def _description(session: SessionView, page_url: str) -> str:
    lines: list[str] = []
    if session.presenters:
        lines.append("Agenda:")
        lines += [f"- {line}" for line in session.agenda]
        lines.append("")
        lines.append("Presenters: " + ", ".join(p.name for p in session.presenters))
    else:
        lines.append("Agenda: to be announced. Sign up to show what worked for you.")
    if session.join_url:
        lines.append(f"Join: {session.join_url}")
    if session.notes:
        lines += ["", session.notes]
    lines += ["", f"Details and sign-up: {page_url}"]
    return "\n".join(lines)


def session_event(session: SessionView, *, page_url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(session.pk))
    event.add("dtstamp", stamp)
    event.add("sequence", session.sequence)
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("description", _description(session, page_url))
    event.add("location", vText(session.location or session.join_url or "Online"))
    event.add("url", session.join_url or page_url)
    event.add("categories", ["Show-and-tell"])
    event.add("status", "CONFIRMED")
    return event


def cohort_event(cohort: CohortView, *, page_url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", cohort_uid(cohort.pk))
    event.add("dtstamp", stamp)
    event.add("summary", f"{cohort.kind_label}: {cohort.name}")
    event.add("dtstart", cohort.starts_at.astimezone(UTC))
    event.add("dtend", cohort.ends_at.astimezone(UTC))
    event.add(
        "description",
        f"{cohort.theme}\n\nShare what you make on the hub with the tag #{cohort.tag}.\n\n"
        f"{page_url}",
    )
    event.add("url", page_url)
    event.add("categories", [cohort.kind_label])
    event.add("transp", "TRANSPARENT")  # a cohort's weeks are not a meeting: never "busy"
    return event


def calendar_ics(
    *,
    name: str,
    sessions: Iterable[SessionView],
    page_url: PageUrl,
    cohorts: Iterable[CohortView] = (),
) -> bytes:
    """A VCALENDAR of the sessions (and cohorts), as bytes to serve as text/calendar."""
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", REFRESH)
    for session in sessions:
        calendar.add_component(
            session_event(session, page_url=page_url.session(session.pk), stamp=stamp)
        )
    for cohort in cohorts:
        calendar.add_component(
            cohort_event(cohort, page_url=page_url.cohort(cohort.pk), stamp=stamp)
        )
    return calendar.to_ical()
