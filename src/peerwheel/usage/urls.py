from django.urls import path

from peerwheel.usage import views

app_name = "usage"

urlpatterns = [
    path("me/", views.my_usage, name="me"),
    path("people/<int:person_id>/", views.person_usage, name="person"),
    path("overview/", views.overview, name="overview"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
]
