from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "peerwheel.usage"
    label = "usage"
    verbose_name = "AI usage"
