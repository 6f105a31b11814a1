"""The notifications API (registered under /api/ in peerwheel/api.py): a person reads and marks
only their own. Errors reach the NinjaAPI's one error envelope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from peerwheel.core.ratelimit import RateLimitThrottle
from peerwheel.hub.schemas import ErrorOut
from peerwheel.notifications import selectors, services
from peerwheel.notifications.wording import NotificationView

router = Router(tags=["notifications"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 413, 422, 429}): ErrorOut}


class ActorOut(Schema):
    id: int
    name: str


class NotificationOut(Schema):
    id: int
    kind: str
    post_id: int
    read: bool
    created: str
    message: str = Field(description="one sentence, as the page and the email say it")
    actor: ActorOut | None = Field(description="who did it; null when they wrote anonymously")
    outcome: str = Field(description="tried_my_post: worked, partly or didnt; else empty")


class NotificationListOut(Schema):
    items: list[NotificationOut]
    count: int
    unread: int
    page: int
    per_page: int


class ReadIn(Schema):
    ids: list[int] = Field(default_factory=list, max_length=1000)
    all: bool = False


class ReadOut(Schema):
    marked: int
    unread: int


def _out(view: NotificationView) -> dict[str, Any]:
    actor = {"id": view.actor_id, "name": view.actor_name} if view.actor_id is not None else None
    return {
        "id": view.id,
        "kind": view.kind,
        "post_id": view.post_id,
        "read": view.read,
        "created": view.created.isoformat(),
        "message": view.message,
        "actor": actor,
        "outcome": view.outcome,
    }


@router.get(
    "/notifications",
    response={200: NotificationListOut, **ERRORS},
    summary="Your notifications, newest first",
)
def notifications_list(
    request: HttpRequest, page: int = 1, per_page: int = selectors.PER_PAGE
) -> dict[str, Any]:
    person = selectors.notifications_person(request.user)
    found = selectors.notifications_for_person(person, page=page, per_page=per_page)
    return {
        "items": [_out(view) for view in found.items],
        "count": found.count,
        "unread": found.unread,
        "page": found.page,
        "per_page": found.per_page,
    }


@router.post(
    "/notifications/read",
    response={200: ReadOut, **ERRORS},
    throttle=RateLimitThrottle("writes"),
    summary='Mark your notifications read: {"ids": [...]} or {"all": true}',
)
def notifications_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    person = selectors.notifications_person(request.user)
    if not payload.all and not payload.ids:
        raise HttpError(422, 'Give "ids" (a list of notification ids) or "all": true.')
    marked = 0
    if person is not None:
        marked = services.notifications_mark_read(
            person=person, ids=payload.ids, everything=payload.all
        )
    return {"marked": marked, "unread": selectors.unread_count(request.user)}
