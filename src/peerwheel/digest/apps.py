from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "peerwheel.digest"
    label = "digest"
    verbose_name = "Weekly digest"
