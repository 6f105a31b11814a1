"""Django's SQLite backend, with the database file readable by its owner only.

SQLite creates a missing database file with the process's umask (0644 as a rule) and gives its
-wal, -shm and -journal files the database file's mode. So the file is created 0600 here, at the
first connection and not before (a command that never touches the database creates nothing),
and a file left 0644 by an older version is tightened, companions included.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _owner_only(name: str) -> None:
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except FileNotFoundError:
        return  # no such folder: let SQLite say so, as it would have
    for suffix in _COMPANIONS:
        path = Path(name + suffix)
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        _owner_only(str(conn_params.get("database") or ""))
        return super().get_new_connection(conn_params)
