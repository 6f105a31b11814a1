from django.urls import path

from peerwheel.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.page, name="page"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.mark_read, name="read"),
    path("preference/", views.preference, name="preference"),
    path("follow/", views.follow, name="follow"),
]
