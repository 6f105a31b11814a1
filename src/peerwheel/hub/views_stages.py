"""The question-stage control on a question's page: the asker, champions and program leads set
the stage (hub/stages.py decides who; anyone else gets 403). htmx gets the control back, a plain
form a redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peerwheel.hub import selectors
from peerwheel.hub.errors import HubError, HubForbiddenError, HubGoneError, HubNotFoundError
from peerwheel.hub.selectors import Viewer
from peerwheel.hub.stages import question_stage_correct
from peerwheel.hub.views import _detail_context, _limited, _throttle, hub_page

DONE = "Thanks: the stage is saved, and the classifier learns from it."


@hub_page
@require_POST
def post_stage(request: HttpRequest, viewer: Viewer, post_id: int) -> HttpResponse:
    error: HubError | None = None
    try:
        _throttle(viewer)
        question_stage_correct(
            post=selectors.post_get(post_id), viewer=viewer, stage=request.POST.get("stage")
        )
    except (HubForbiddenError, HubGoneError, HubNotFoundError):
        raise  # the 403 / 404 / 410 pages: nothing here for this viewer
    except HubError as exc:
        error = exc
    if request.htmx:  # type: ignore[attr-defined]
        post = selectors.post_for_viewer(post_id, viewer)
        context = _detail_context(viewer, post, section_error=error, section_done=DONE)
        response = render(
            request, "hub/partials/stage.html", context, status=error.status if error else 200
        )
        return _limited(response, error)
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, DONE)
    return redirect("hub:post", post_id=post_id)
