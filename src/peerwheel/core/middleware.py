"""Middleware of the ground floor: reject a NUL character in a query string or form field.

(It also answers a form body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 413, in the API's
error shape under /api/, since it is the first to read the form.)

PostgreSQL cannot store or compare text holding NUL (U+0000); a search or filter with ``%00``
would end in a database error. This rejects such a request before any view runs: a 400 in the
API's error shape under /api/, a plain 400 page elsewhere. (JSON bodies are checked where they
are validated: every text field refuses NUL, see peerwheel.hub.validation.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.request import QueryDict
from django.utils.html import format_html

NUL = "\x00"
API_PREFIX = "/api/"
FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _field_with_nul(data: QueryDict) -> str | None:
    for key, values in data.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "\\0")
    return None


def nul_field(request: HttpRequest) -> tuple[str, str] | None:
    """("query" or "form", the field's name) of the first field holding NUL, or None."""
    field = _field_with_nul(request.GET)
    if field is not None:
        return "query", field
    # Form fields only (an uploaded file's content is the importer's to judge). Django's CSRF
    # check parses the form before any view anyway; no view here sets its own upload handlers.
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        field = _field_with_nul(request.POST)
        if field is not None:
            return "form", field
    return None


def nul_rejected_response(request: HttpRequest, where: str, field: str) -> HttpResponse:
    message = (
        f"The {where} field {field!r} contains a NUL character (%00), which no text may hold; "
        "remove it."
    )
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"error": {"code": "invalid", "message": message, "details": [{"field": field}]}},
            status=400,
        )
    return HttpResponseBadRequest(
        format_html(
            "<!doctype html><title>Bad request</title><h1>Bad request</h1><p>{}</p>", message
        )
    )


def too_large_response(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than {limit:,} bytes, the most accepted."
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"error": {"code": "too_large", "message": message, "details": {"limit_bytes": limit}}},
            status=413,
        )
    return HttpResponse(
        format_html("<!doctype html><title>Too large</title><h1>Too large</h1><p>{}</p>", message),
        status=413,
    )


class RejectNulMiddleware:
    """400 for a NUL character in any query-string or url-encoded form field (name or value)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = nul_field(request)
        except RequestDataTooBig:  # a form past DATA_UPLOAD_MAX_MEMORY_SIZE
            return too_large_response(request)
        if found is not None:
            return nul_rejected_response(request, *found)
        return self.get_response(request)
