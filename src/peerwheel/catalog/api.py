"""The catalogue's JSON API (registered under /api/ in peerwheel/api.py).

`POST /api/catalog/ask` answers "can I use TOOL for USE with DATA?" for anyone who uses the hub
(an unknown tool is a `review`, never an error); `GET /api/catalog/requests` is the leads'
review queue. Errors are raised, never built here: the catalogue's errors are core
`GetterError`s, which peerwheel/api.py answers in the one error shape. Asking counts against
the user's write limit (the page's ask form spends the same budget).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from peerwheel.catalog import selectors, services
from peerwheel.catalog.errors import CatalogInputError
from peerwheel.catalog.models import UseRequest
from peerwheel.core.ratelimit import RateLimitThrottle

router = Router(tags=["catalog"])
WRITES = RateLimitThrottle("writes")


class CatalogErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class CatalogErrorOut(Schema):
    """Every refusal: {"error": {"code", "message", "details"}}."""

    error: CatalogErrorBody


ERRORS: dict[Any, Any] = {frozenset({401, 403, 404, 413, 422, 429}): CatalogErrorOut}


class AskIn(Schema):
    tool: str = Field(min_length=1, max_length=200, description="the tool's name, as you know it")
    use: str = Field(
        min_length=1,
        max_length=200,
        description="drafting, summarising, coding, data_analysis, translation, research, "
        "customer_communication, decisions_about_people, or your own words (then 'other')",
    )
    data_class: str = Field(
        min_length=1,
        max_length=60,
        description="public, internal, confidential, customer_personal or employee_personal",
    )


class AskOut(Schema):
    answer: Literal["yes", "conditions", "no", "review"]
    reasons: list[str]
    conditions: str
    alternative: str | None
    alternative_url: str | None
    request_id: int
    due: date | None = Field(description="review only: the day a lead answers by")
    tool: str
    known_tool: bool


class RequestOut(Schema):
    id: int
    asker: str
    department: str | None
    tool: str
    known_tool: bool
    use: str
    use_text: str
    data_class: str
    answer: str
    reasons: list[str]
    conditions: str
    asked_at: datetime
    due: date | None
    overdue: bool
    breach: bool
    outside_scope: bool
    resolved_at: datetime | None
    resolved_by: str | None


class RequestListOut(Schema):
    count: int
    items: list[RequestOut]


@router.post(
    "/catalog/ask",
    response={200: AskOut, **ERRORS},
    throttle=WRITES,
    summary='"Can I use TOOL for USE with DATA?": an instant answer, or a review with its due day',
)
def catalog_ask(request: HttpRequest, payload: AskIn) -> AskOut:
    person = selectors.catalog_viewer(request.user).require_person()
    try:
        answer = services.catalog_ask(
            asker=person, tool=payload.tool, use=payload.use, data_class=payload.data_class
        )
    except CatalogInputError as exc:  # the API's message names the field
        raise CatalogInputError(f"{exc.field}: {exc.message}", field=exc.field) from None
    return AskOut(
        answer=answer.answer,  # type: ignore[arg-type]  # one of AnswerKind's values
        reasons=list(answer.reasons),
        conditions=answer.conditions,
        alternative=answer.alternative,
        alternative_url=answer.alternative_url or None,
        request_id=answer.request_id,
        due=answer.due,
        tool=answer.tool,
        known_tool=answer.known_tool,
    )


def _request_out(item: UseRequest, today: date) -> RequestOut:
    asker = item.asker
    return RequestOut(
        id=item.pk,
        asker=asker.display_name,
        department=asker.department.name if asker.department else None,
        tool=item.tool_name,
        known_tool=item.tool_id is not None,
        use=item.use,
        use_text=item.use_text,
        data_class=item.data_class,
        answer=item.answer,
        reasons=list(item.reasons),
        conditions=item.conditions,
        asked_at=item.asked_at,
        due=item.due,
        overdue=selectors.is_overdue(item, today=today),
        breach=item.breach,
        outside_scope=item.outside_scope,
        resolved_at=item.resolved_at,
        resolved_by=item.resolved_by.get_username() if item.resolved_by else None,
    )


@router.get(
    "/catalog/requests",
    response={200: RequestListOut, **ERRORS},
    summary="The review queue (program leads): open requests by due day, or every reviewed one",
)
def catalog_requests(
    request: HttpRequest, status: Literal["open", "all"] = "open"
) -> RequestListOut:
    selectors.catalog_viewer(request.user).require_manager()
    services.use_requests_flag_breaches()
    today = timezone.localdate()
    items = selectors.review_queue(status=status)
    return RequestListOut(count=len(items), items=[_request_out(i, today) for i in items])
