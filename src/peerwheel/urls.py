from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from peerwheel.api import api
from peerwheel.web import views as web_views

admin.site.site_header = "Peerwheel administration"
admin.site.site_title = "Peerwheel admin"

urlpatterns = [
    path("", web_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(extra_context={"oidc_enabled": settings.OIDC_ENABLED}),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("catalog/", include("peerwheel.catalog.urls")),
    path("digest/", include("peerwheel.digest.urls")),
    path("hub/", include("peerwheel.hub.urls")),
    path("insights/", include("peerwheel.insights.urls")),
    path("notifications/", include("peerwheel.notifications.urls")),
    path("program/", include("peerwheel.program.urls")),
    path("s/<slug:key>/", web_views.section_placeholder, name="section"),
    path("simulate/", include("peerwheel.simulate.urls")),
    path("study/", include("peerwheel.study.urls")),
    path("usage/", include("peerwheel.usage.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
