"""Response headers for pages that show one person's own data."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Pages that show the signed-in person's own data: never kept by a browser or a shared cache
# (Cache-Control: no-store), so the back button on a shared computer, or a proxy, cannot show
# them to someone else.
PERSONAL_PAGES = frozenset({"usage:me", "usage:person", "study:survey"})


class PersonalPagesNotStoredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in PERSONAL_PAGES:
            add_never_cache_headers(response)
        return response
