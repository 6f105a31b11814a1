from django.urls import path

from peerwheel.study import views

app_name = "study"

urlpatterns = [
    path("", views.home, name="home"),
    path("survey/", views.survey, name="survey"),
    path("waves/new/", views.wave_create, name="wave_create"),
    path("waves/<int:wave_id>/", views.report, name="report"),
    path("waves/<int:wave_id>/<slug:action>/", views.wave_action, name="wave_action"),
    path("upload/", views.upload, name="upload"),
    path("instrument/", views.instrument, name="instrument"),
]
