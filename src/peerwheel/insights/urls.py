from django.urls import path

from peerwheel.insights import views

app_name = "insights"

urlpatterns = [
    path("flywheel/", views.flywheel, name="flywheel"),
]
