from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "peerwheel.web"
    verbose_name = "Web pages"
