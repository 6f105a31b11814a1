from django.urls import path

from peerwheel.program import views, views_network
from peerwheel.program.urls_sessions import urlpatterns as sessions_urlpatterns

app_name = "program"

urlpatterns = [
    path("", views.home, name="home"),
    path("stage/", views.stage, name="stage"),
    path("stage/move/", views.stage_move, name="stage_move"),
    path("gates/add/", views.gate_add, name="gate_add"),
    path("gates/<int:gate_id>/", views.gate_edit, name="gate_edit"),
    path("scope/", views.scope, name="scope"),
    path("scope/<int:entry_id>/end/", views.scope_end, name="scope_end"),
    path("champions/", views_network.champion_network, name="champions"),
    path("champions/invite/", views_network.champion_invite, name="champion_invite"),
    path(
        "champions/<int:champion_id>/respond/",
        views_network.champion_respond,
        name="champion_respond",
    ),
    path(
        "champions/<int:champion_id>/step-down/",
        views_network.champion_step_down,
        name="champion_step_down",
    ),
    path("buddies/", views_network.buddy_overview, name="buddies"),
    path("buddies/opt/", views_network.buddy_opt, name="buddy_opt"),
    path("buddies/pair/", views_network.buddy_pair, name="buddy_pair"),
    path("waves/", views_network.waves, name="waves"),
    path("waves/plan/", views_network.wave_plan, name="wave_plan"),
]

# Show-and-tell, cohorts and promptathons, the calendar feed (program/views_sessions.py).
urlpatterns += sessions_urlpatterns
