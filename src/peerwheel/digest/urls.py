from django.urls import path

from peerwheel.digest import views

app_name = "digest"

urlpatterns = [
    path("me/", views.my_digest, name="me"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
