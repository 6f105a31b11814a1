"""The two errors of every permission-checked getter (`<entity>_for_viewer(id, viewer)`), and
the one place pages turn them into responses.

A getter raises `NotFoundError` when there is no such object (or when the viewer may not even
learn that it exists) and `ForbiddenError` when the viewer may not see it. Pages: the
`GetterErrorMiddleware` below answers Django's 404 / 403 (views never catch them). The API:
`peerwheel.api` registers its exception handlers for the same two (the error envelope).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse


class GetterError(Exception):
    """Base of the two: an HTTP status, a machine code, and a message for people."""

    status = 400
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(GetterError):
    """No such object, or none this viewer may learn of: 404."""

    status = 404
    code = "not_found"


class ForbiddenError(GetterError):
    """The viewer may not see or touch this object: 403."""

    status = 403
    code = "forbidden"


class GetterErrorMiddleware:
    """Pages: a NotFoundError is Django's 404 response, a ForbiddenError its 403 (the same
    pages, logging and DEBUG output as an `Http404` or `PermissionDenied` raised in a view)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, ForbiddenError):
            return response_for_exception(request, PermissionDenied(exception.message))
        return None
