from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "peerwheel.catalog"
    label = "catalog"
    verbose_name = "Tool catalogue"
