from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "peerwheel.study"
    verbose_name = "Peer-influence study"
