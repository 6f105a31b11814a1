"""Pages: My digest (the signed-in person's own digest, and the switch to get it by email or
not) and the one-click unsubscribe page that a digest links to (no sign-in: the link is signed).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from peerwheel.accounts.permissions import capability_required
from peerwheel.accounts.roles import Capability
from peerwheel.digest.links import BadUnsubscribeLinkError, person_id_from_token
from peerwheel.digest.models import DigestSubscription
from peerwheel.digest.rendering import digest_context
from peerwheel.digest.services import digest_build, digest_subscription_set
from peerwheel.digest.weeks import IsoWeek, WeekError, last_complete_week
from peerwheel.org.models import Person


def _subscribed(person: Person) -> bool:
    choice = DigestSubscription.objects.filter(person=person).first()
    return choice is None or choice.email


@capability_required(Capability.USE_HUB)
@require_http_methods(["GET", "POST"])
def my_digest(request: HttpRequest) -> HttpResponse:
    """Your own digest of a week (the last complete one unless ?week=YYYY-Www); POST turns the
    digest by email on or off. Only ever the signed-in person's: there is no person parameter."""
    person: Person | None = getattr(request.user, "person", None)
    if person is None:
        return render(request, "digest/my_digest.html", {"digest": None})
    if request.method == "POST":
        digest_subscription_set(person=person, email=request.POST.get("email") == "on")
        return redirect(reverse("digest:me"))
    raw = request.GET.get("week", "").strip()
    try:
        week = IsoWeek.parse(raw) if raw else last_complete_week()
    except WeekError as exc:
        return render(
            request, "digest/my_digest.html", {"digest": None, "error": f"week: {exc}"}, status=400
        )
    digest = digest_build(person, week)
    context = digest_context(digest, email=False)
    context.update(
        subscribed=_subscribed(person),
        previous_week=week.shifted(-1),
        next_week=week.shifted(1) if week < IsoWeek.current() else None,
    )
    return render(request, "digest/my_digest.html", context)


# Exempt from CSRF on purpose: the signed token in the address is the authority (nobody can
# make one for someone else), and a mail client's one-click POST (RFC 8058) carries no CSRF
# token. A GET never changes anything: it shows the button.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person_id = person_id_from_token(token)
    except BadUnsubscribeLinkError:
        return render(request, "digest/unsubscribe.html", {"bad_link": True}, status=400)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("nobody to unsubscribe")
    if request.method == "POST":
        digest_subscription_set(person=person, email=False)
        return render(request, "digest/unsubscribe.html", {"done": True})
    return render(
        request, "digest/unsubscribe.html", {"token": token, "subscribed": _subscribed(person)}
    )
