"""The show-and-tell and cohort pages' routes, added to program/urls.py (namespace "program")."""

from django.urls import path

from peerwheel.program import views_sessions as views

urlpatterns = [
    path("sessions/", views.sessions, name="sessions"),
    path("sessions.ics", views.feed, name="feed"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session, name="session"),
    path("sessions/<int:session_id>.ics", views.session_ics, name="session_ics"),
    path("sessions/<int:session_id>/signup/", views.presenter_signup, name="presenter_signup"),
    path(
        "sessions/<int:session_id>/withdraw/", views.presenter_withdraw, name="presenter_withdraw"
    ),
    path("sessions/<int:session_id>/rsvp/", views.rsvp, name="rsvp"),
    path("sessions/<int:session_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("sessions/<int:session_id>/attendance/", views.attendance, name="attendance"),
    path("calendar/token/", views.calendar_token, name="calendar_token"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_id>/", views.cohort, name="cohort"),
    path("cohorts/<int:cohort_id>/join/", views.cohort_join, name="cohort_join"),
    path("cohorts/<int:cohort_id>/leave/", views.cohort_leave, name="cohort_leave"),
    path("cohorts/<int:cohort_id>/members/", views.cohort_members, name="cohort_members"),
]
