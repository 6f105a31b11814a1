"""The hub's errors: each carries an HTTP status, a machine code and a message for people."""

from __future__ import annotations

from typing import Any

from peerwheel.core.errors import ForbiddenError, NotFoundError


class HubError(Exception):
    """Base of the hub's errors; the API turns one into the shared error shape."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details if details is not None else ([{"field": field}] if field else None)


class HubInputError(HubError):
    """A field that cannot be stored as given (empty, too long, unknown choice)."""

    status = 422
    code = "invalid"


class HubNotAllowedError(HubError):
    """A documented rule says no (a trial on one's own post, an answer on a deleted post)."""

    status = 422
    code = "not_allowed"


class HubForbiddenError(HubError, ForbiddenError):
    """The person may not do this to this object (edit someone else's post); a core
    ForbiddenError, so pages and the API answer it as every getter's 403."""

    status = 403
    code = "forbidden"


class HubNotFoundError(HubError, NotFoundError):
    """A core NotFoundError: pages and the API answer it as every getter's 404."""

    status = 404
    code = "not_found"


class HubGoneError(HubError):
    """The post was deleted (soft): nothing can be added to it any more."""

    status = 410
    code = "deleted"


class HubRateLimitedError(HubError):
    status = 429
    code = "rate_limited"


class GuardrailBlockedError(HubError):
    """The guardrails found something that must be fixed before publishing; nothing was stored.

    `findings` is a list of dicts: field, kind, severity, start, end, message, replacement.
    """

    status = 422
    code = "guardrails"

    def __init__(self, findings: list[dict[str, Any]]) -> None:
        blocking = [f for f in findings if f["severity"] == "block"]
        first = blocking[0]["message"] if blocking else ""
        super().__init__(
            f"Not published: {len(blocking)} thing(s) to fix first. {first}".strip(),
            details=findings,
        )
        self.findings = findings
