from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "peerwheel.insights"
    label = "insights"
    verbose_name = "Insights"
