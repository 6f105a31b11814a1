from django.urls import path

from peerwheel.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("ask/", views.ask, name="ask"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("queue/resolve/", views.resolve, name="resolve"),
    path("policy/", views.policy, name="policy"),
    path("policy/tool/", views.tool_save, name="tool_save"),
    path("policy/rule/", views.rule_save, name="rule_save"),
    path("policy/rule/delete/", views.rule_delete, name="rule_delete"),
]
