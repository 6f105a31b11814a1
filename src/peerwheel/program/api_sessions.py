"""The program's calendar in the JSON API (registered under /api/ in peerwheel/api.py).

`GET /api/program/sessions.ics` answers the caller's sessions (those they present at, said they
would come to, or attended) and their cohorts as an iCalendar file, with the same token or
session sign-in as every endpoint. A login with no role that uses the hub is refused (403); a
login not linked to a person has no sessions (404). Errors are raised, never built here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Router

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.errors import NotFoundError
from peerwheel.org.selectors import person_for_user
from peerwheel.program import sessions_selectors as selectors
from peerwheel.program.calendar import PageUrl, calendar_ics

router = Router(tags=["program"])

#: keyed by the int 200, as ninja keys its own default: a "200" string would sit beside it and
#: the document would hold the key twice (which Swagger UI's YAML reader refuses)
ICS_RESPONSE = {
    "responses": {
        200: {
            "description": "The caller's sessions and cohorts (RFC 5545)",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/program/sessions.ics",
    summary="The caller's show-and-tell sessions and cohorts as an .ics calendar",
    openapi_extra=ICS_RESPONSE,
)
def sessions_ics(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.USE_HUB):
        raise PermissionDenied("This needs the 'Use hub' permission.")
    person = person_for_user(request.user)
    if person is None:
        raise NotFoundError("Your login is not linked to a person in the organisation.")
    body = calendar_ics(
        name="Peerwheel: my show-and-tell and cohorts",
        sessions=selectors.sessions_for_person(person.pk),
        cohorts=selectors.cohorts_of(person.pk),
        page_url=PageUrl(request.build_absolute_uri("/")),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="peerwheel-sessions.ics"'
    return response
