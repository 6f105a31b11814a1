"""A person's hub profile page: `/hub/people/<id>/` (hub/profiles.py decides what it holds:
named posts only, never usage)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from peerwheel.hub.profiles import profile_for_viewer
from peerwheel.hub.selectors import Viewer
from peerwheel.hub.views import hub_page


@hub_page
def person(request: HttpRequest, viewer: Viewer, person_id: int) -> HttpResponse:
    profile = profile_for_viewer(person_id, viewer.person_id)
    return render(request, "hub/person.html", {"profile": profile, "viewer": viewer})
