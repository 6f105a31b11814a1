from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(**_: object) -> None:
    from peerwheel.accounts.services import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "peerwheel.accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # The role groups need the permissions that post_migrate creates, so they follow it.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="peerwheel.accounts.roles")
