from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _cache_table_create(**kwargs: Any) -> None:
    """With PEERWHEEL_CACHE_URL=db the cache lives in a table: made (if missing) on migrate."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


class CoreConfig(AppConfig):
    name = "peerwheel.core"
    verbose_name = "Imports and shared records"

    def ready(self) -> None:
        post_migrate.connect(_cache_table_create, sender=self)
