from django.urls import path

from peerwheel.hub import views, views_profiles, views_questions, views_stages

app_name = "hub"

urlpatterns = [
    path("", views.feed, name="feed"),
    path("new/", views.post_new, name="new"),
    path("check/", views.guardrails_check, name="check"),
    path("redact/", views.guardrails_redact, name="redact"),
    path("similar/", views_questions.similar, name="similar"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="delete"),
    path("posts/<int:post_id>/trial/", views.post_trial, name="trial"),
    path("posts/<int:post_id>/answer/", views.post_answer, name="answer"),
    path("posts/<int:post_id>/react/", views.post_react, name="react"),
    path("posts/<int:post_id>/reveal/", views.post_reveal, name="reveal"),
    path("posts/<int:post_id>/stage/", views_stages.post_stage, name="stage"),
    path("posts/<int:post_id>/duplicate/", views_questions.post_duplicate, name="duplicate"),
    path("answers/<int:answer_id>/accept/", views.answer_accept, name="accept"),
    path("library/", views.library, name="library"),
    path("questions/", views.questions, name="questions"),
    path("search/", views.search, name="search"),
    path("mine/", views.mine, name="mine"),
    path("people/<int:person_id>/", views_profiles.person, name="person"),
]
