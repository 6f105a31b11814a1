"""Questions on the form and on their page: similar questions while typing (htmx GET after a
pause), and a champion's or lead's mark "duplicate of" (hub/duplicates.py decides who may)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from peerwheel.hub import selectors
from peerwheel.hub.duplicates import duplicate_mark, may_mark_duplicates, original_id_from
from peerwheel.hub.errors import HubError, HubForbiddenError, HubRateLimitedError
from peerwheel.hub.models import PostKind
from peerwheel.hub.selectors import Viewer
from peerwheel.hub.similar import similar_questions
from peerwheel.hub.views import _refused_page, _throttle, hub_page


@hub_page
@require_GET
def similar(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    """The similar-questions box under the form: up to five questions like the draft; empty
    for a draft that is not a question or has nothing to look for yet. With `for=<id>`, the
    questions like that one, to pick its original from (the duplicate form)."""
    question = request.GET.get("for", "")
    if question.isdigit():  # a champion picking the original of this question
        post = selectors.post_for_viewer(int(question), viewer)
        found = similar_questions(title=post.title, body=post.body, exclude_id=post.id)
        return render(request, "hub/partials/similar.html", {"similar": found, "pick": True})
    found = ()
    if request.GET.get("kind", PostKind.QUESTION) == PostKind.QUESTION:
        found = similar_questions(
            title=request.GET.get("title", ""), body=request.GET.get("body", "")
        )
    return render(request, "hub/partials/similar.html", {"similar": found})


@hub_page
@require_POST
def post_duplicate(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    """Mark this question as a duplicate of another (`original`: its number or a link to it),
    or take the mark off (`clear`). Champions, leads and admins; anyone else 403. A plain form
    on the question's page: back to it with a message."""
    if not may_mark_duplicates(viewer.user):
        raise HubForbiddenError("Marking a duplicate needs the 'Answer questions' permission.")
    question = selectors.post_get(post_id)  # the question itself: the 404 / 410 pages
    try:
        _throttle(viewer)
        original = None
        if not request.POST.get("clear"):
            named = request.POST.get("pick") or request.POST.get("original", "")
            original = selectors.post_get(original_id_from(named))
        duplicate_mark(question=question, original=original, actor=viewer.user)
    except HubRateLimitedError as exc:
        return _refused_page(request, viewer, post_id, exc)
    except HubError as exc:  # the original missing, deleted, not a question, the question's own
        messages.error(request, exc.message)
        return redirect("hub:post", post_id=post_id)
    if original is None:
        messages.success(request, "The duplicate mark is taken off.")
    else:
        messages.success(
            request, "Marked as a duplicate: this page now shows the original's answers."
        )
    return redirect("hub:post", post_id=post_id)
