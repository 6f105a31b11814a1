from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_files_owner_only(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A SQLite database file, and its -wal/-shm/-journal files, are readable by the owner only
    (settings creates the file 0600; this covers a file an older version or the test runner
    created with the default umask)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


class WebConfig(AppConfig):
    name = "peerwheel.web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        connection_created.connect(_sqlite_files_owner_only, dispatch_uid="peerwheel-sqlite-mode")
        from axes.signals import user_locked_out

        from peerwheel.web.lockout import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="peerwheel-login-lockout")
