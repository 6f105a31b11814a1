"""The project's URLs plus one view that fails, for the 500 page's test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from peerwheel.urls import urlpatterns as project_urls


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *project_urls]
