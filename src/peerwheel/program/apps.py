from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "peerwheel.program"
    label = "program"
    verbose_name = "Program"
