"""The getters' two errors are answered in one place per face: 404 / 403 pages through the
middleware, the error envelope through the API's exception handler."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from peerwheel.api import api
from peerwheel.core.errors import ForbiddenError, GetterErrorMiddleware, NotFoundError
from peerwheel.hub.errors import HubForbiddenError, HubNotFoundError


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(NotFoundError("There is no thing 7."), 404, "not_found"),
     (ForbiddenError("This needs the 'Run study' permission."), 403, "forbidden")],
)  # fmt: skip
def test_the_api_answers_a_getter_error_in_the_error_shape(
    error: Exception, status: int, code: str
) -> None:
    response = api.on_exception(RequestFactory().get("/api/things/7"), error)
    assert response.status_code == status
    assert json.loads(response.content) == {
        "error": {"code": code, "message": str(error), "details": None}
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status"), [(NotFoundError("gone"), 404), (ForbiddenError("no"), 403)]
)
def test_pages_answer_a_getter_error_with_djangos_404_and_403(
    error: Exception, status: int
) -> None:
    middleware = GetterErrorMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(RequestFactory().get("/somewhere/"), error)
    assert response is not None and response.status_code == status


def test_the_middleware_leaves_every_other_error_to_django() -> None:
    middleware = GetterErrorMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None


def test_the_hubs_not_found_and_forbidden_are_the_core_pair() -> None:
    assert isinstance(HubNotFoundError("There is no post 1."), NotFoundError)
    assert isinstance(HubForbiddenError("Only the author can edit a post."), ForbiddenError)
