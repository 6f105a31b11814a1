from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "peerwheel.org"
    verbose_name = "Organisation"
