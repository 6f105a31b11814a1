from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peerwheel.core"
    verbose_name = "Imports and shared records"
