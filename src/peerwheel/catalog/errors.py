"""The catalogue's errors. Each is a core `GetterError` (status, code, message), so the API's
one exception handler answers it in the shared error shape; pages show the message."""

from __future__ import annotations

from peerwheel.core.errors import ForbiddenError, GetterError, NotFoundError


class CatalogError(GetterError):
    """Base: a message for people, and the field it is about (when there is one)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CatalogInputError(CatalogError):
    """A value the catalogue cannot take (an unknown data class, an empty note)."""

    status = 422
    code = "invalid"


class CatalogForbiddenError(CatalogError, ForbiddenError):
    status = 403
    code = "forbidden"


class CatalogNotFoundError(CatalogError, NotFoundError):
    status = 404
    code = "not_found"
