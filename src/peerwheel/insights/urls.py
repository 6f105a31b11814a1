from django.urls import path

from peerwheel.insights import dashboard_views, views

app_name = "insights"

urlpatterns = [
    path("flywheel/", views.flywheel, name="flywheel"),
    path("momentum/", dashboard_views.momentum, name="momentum"),
]
