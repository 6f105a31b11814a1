from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "peerwheel.hub"
    verbose_name = "Hub"
