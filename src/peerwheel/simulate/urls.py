from django.urls import path

from peerwheel.simulate import views

app_name = "simulate"

urlpatterns = [
    path("", views.home, name="home"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
]
