from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "peerwheel.simulate"
    label = "simulate"
    verbose_name = "Simulations"
