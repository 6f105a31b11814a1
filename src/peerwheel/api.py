"""The JSON API (django-ninja) under /api/: bearer tokens for integrations, sessions for pages.

Each app adds its router here. Every error answers the same shape: {"error": {"code", "message",
"details"}}, written once, in the exception handlers registered on the NinjaAPI below (the
routers raise; they never build an error answer). The rate limit is ninja's throttling
(`core.ratelimit.RateLimitThrottle`, the page forms' counter): its refusal is a 429 in the same
shape with `Retry-After`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from peerwheel.accounts.permissions import capabilities_of, role_of
from peerwheel.accounts.selectors import user_for_token
from peerwheel.catalog.api import router as catalog_router
from peerwheel.core.errors import GetterError
from peerwheel.core.ratelimit import rate_limited_error_of
from peerwheel.hub.api import router as hub_router
from peerwheel.hub.errors import GuardrailBlockedError, HubError
from peerwheel.notifications.api import router as notifications_router
from peerwheel.program.api import router as program_router
from peerwheel.program.api_sessions import router as program_sessions_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="Peerwheel API",
    version="1",
    description="Share what works with AI, and measure how it spreads.",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    urls_namespace="api",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    **extra: Any,
) -> HttpResponse:
    """The one error envelope; `extra` adds top-level keys (a guardrails block's findings)."""
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "details": details}, **extra},
        status=status,
    )


def _first_problem(errors: list[dict[str, Any]]) -> str:
    """ "title: String should have at most 200 characters" for the first error (the field's
    name without ninja's "body"/"payload"/"query" prefix)."""
    if not errors:
        return ""
    error = errors[0]
    location = [str(part) for part in error.get("loc", ())]
    # ninja's locations: ["body", "payload", "title"] for a body field, ["query", "q"] else.
    if location[:1] == ["body"] and len(location) > 2:
        location = location[2:]
    elif location[:1] and location[0] in {"query", "path", "header", "cookie", "form"}:
        location = location[1:]
    field = ".".join(location)
    message = str(error.get("msg", "not valid"))
    return f"{field}: {message}" if field else message


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problem = _first_problem(list(exc.errors))
    message = "The request is not valid" + (f": {problem}." if problem else ".")
    return error_response(request, 422, "invalid", message, exc.errors)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        request,
        413,
        "too_large",
        f"The request body is larger than {limit:,} bytes, the most accepted.",
        {"limit_bytes": limit},
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthenticated", "Sign in, or send 'Authorization: Bearer <token>'."
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or "Not allowed.")


@api.exception_handler(GetterError)
def _getter_error(request: HttpRequest, exc: GetterError) -> HttpResponse:
    """A getter's NotFoundError (404) or ForbiddenError (403), core.errors."""
    return error_response(request, exc.status, exc.code, exc.message)


@api.exception_handler(HubError)
def _hub_error(request: HttpRequest, exc: HubError) -> HttpResponse:
    """The hub's typed errors (404, 410, 403, 422 ...); a guardrails block adds "findings"."""
    extra = {"findings": exc.findings} if isinstance(exc, GuardrailBlockedError) else {}
    return error_response(request, exc.status, exc.code, exc.message, exc.details, **extra)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """Past the per-user limit (ninja adds `Retry-After` from the throttle's wait)."""
    refused = rate_limited_error_of(request)
    message = refused.message if refused is not None else "Too many requests; try again later."
    return error_response(request, 429, "rate_limited", message)


HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Every other refusal (ninja's CSRF check is a 403 here) in the same shape."""
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, str(exc))


class MeOut(Schema):
    username: str
    role: str | None
    capabilities: list[str]
    employee_id: str | None


@api.get("/me", response=MeOut, summary="Who the token or session belongs to")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    person = getattr(user, "person", None)
    role = role_of(user)
    return {
        "username": user.get_username(),
        "role": role.value if role else None,
        "capabilities": sorted(c.value for c in capabilities_of(user)),
        "employee_id": person.employee_id if person else None,
    }


api.add_router("/", hub_router)
api.add_router("/", catalog_router)
api.add_router("/", program_router)
api.add_router("/", program_sessions_router)
api.add_router("/", notifications_router)
