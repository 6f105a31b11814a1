"""Running an uploaded import in the background, so the page can show its progress.

The upload is saved under `PEERWHEEL_HOME/imports/` (the folder 0700, the file 0600: readable
by the server's own user only), an `Import` row is made (the page polls it), and a task is
queued (Django's tasks interface, `peerwheel.core.tasks`): the worker runs
`run_import` (the kind's importer: `services.usage_import`, `ties_import`, or the hub's
`slack_import` or `influence_events_import`) with
that row; its `ImportRun` writes the progress onto the row as it reads.
Whatever happens the file is removed when the import ends (or fails to start) and the row says
how it ended; a worker killed mid-import leaves a row that the next worker to start fails
("interrupted by a restart", `imports_interrupted_fail`).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django_tasks import task

from peerwheel.core.imports import IMPORT_KINDS, ImportFailed, ImportReport, import_record_start
from peerwheel.core.models import Import
from peerwheel.core.tasks import INTERRUPTED, stale_task_targets, task_kwargs
from peerwheel.hub.events_import import influence_events_import
from peerwheel.hub.slack_import import slack_import
from peerwheel.usage.services import usage_import
from peerwheel.usage.ties_import import ties_import

logger = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: Kinds with an importer of their own (the others: `usage_import`, or the hub's `slack_import`).
_OWN_IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    "ties": ties_import,
    "influence-events": influence_events_import,
}


def upload_folder() -> Path:
    folder = Path(settings.PEERWHEEL_HOME) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # a folder made by an older version was 0755
    return folder


def _save_owner_only(upload: UploadedFile, path: Path) -> None:
    """Write the upload to a new file created 0600 (never readable by others, even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)


def import_in_background(
    *,
    kind: str,
    upload: UploadedFile,
    actor: User,
    channels: tuple[str, ...] = (),
    dry_run: bool = False,
    create_people: bool = False,
) -> Import:
    """Save the upload, make its Import row and start the import; return the row to poll.
    `create_people`: the command's --create-people, for the usage kinds read per person."""
    name = Path(upload.name or "upload").name
    path = upload_folder() / f"{uuid.uuid4().hex}-{_SAFE_NAME.sub('_', name)[:80]}"
    try:
        _save_owner_only(upload, path)
        record = import_record_start(kind=kind, file_name=name, actor=actor)
        import_task.enqueue(
            record_id=record.pk,
            kind=kind,
            path=str(path),
            name=name,
            actor_id=actor.pk,
            channels=list(channels),
            dry_run=dry_run,
            create_people=create_people,
        )
    except BaseException:
        path.unlink(missing_ok=True)  # the import never started: nothing must stay behind
        raise
    return record


@task()
def import_task(
    *,
    record_id: int,
    kind: str,
    path: str,
    name: str,
    actor_id: int,
    channels: list[str],
    dry_run: bool,
    create_people: bool = False,  # absent from tasks queued by an older version
) -> None:
    """The queued import (its arguments are JSON: the queue stores them)."""
    _run(
        record_id=record_id,
        kind=kind,
        path=Path(path),
        name=name,
        actor_id=actor_id,
        channels=tuple(channels),
        dry_run=dry_run,
        create_people=create_people,
    )


def run_import(
    *,
    kind: str,
    path: Path,
    name: str,
    record: Import,
    actor: User | None,
    channels: tuple[str, ...],
    dry_run: bool,
    create_people: bool = False,
) -> None:
    """Run the page's import of `path` into `record` with the kind's importer."""
    own = _OWN_IMPORTERS.get(kind)
    if own is not None:
        own(path, dry_run=dry_run, actor=actor, file_name=name, record=record)
        return
    known = IMPORT_KINDS.get(kind)
    if known is not None and known.family == "hub":
        slack_import(
            path, channels=channels, dry_run=dry_run, actor=actor, file_name=name, record=record
        )
        return
    usage_import(
        kind,
        path,
        dry_run=dry_run,
        actor=actor,
        file_name=name,
        record=record,
        create_people=create_people,
    )


def _run(
    *,
    record_id: int,
    kind: str,
    path: Path,
    name: str,
    actor_id: int,
    channels: tuple[str, ...],
    dry_run: bool,
    create_people: bool = False,
) -> None:
    try:
        run_import(
            kind=kind,
            path=path,
            name=name,
            record=Import.objects.get(pk=record_id),
            actor=User.objects.filter(pk=actor_id).first(),
            channels=channels,
            dry_run=dry_run,
            create_people=create_people,
        )
    except ImportFailed:
        pass  # recorded on the Import row, with every error
    except Exception:
        logger.exception("import %s failed", record_id)
        _fail(
            record_id,
            name,
            "the import stopped on an internal error; nothing was written "
            "(the server log has the details)",
        )
    finally:
        path.unlink(missing_ok=True)


def _fail(record_id: int, name: str, message: str) -> None:
    Import.objects.filter(pk=record_id, status=Import.Status.RUNNING).update(
        status=Import.Status.FAILED,
        finished=timezone.now(),
        errors=[{"file": name, "line": None, "column": None, "message": message}],
        summary={"progress": {"phase": "done", "done": 1, "total": 1}},
    )


def imports_interrupted_fail() -> int:
    """Fail every RUNNING import whose queued task died with its worker (a killed process):
    its page would otherwise poll for ever. Its upload is removed. Returns how many."""
    running = dict(
        Import.objects.filter(status=Import.Status.RUNNING).values_list("pk", "file_name")
    )
    stale = stale_task_targets(task_path=import_task.module_path, key="record_id", ids=running)
    folder = upload_folder()  # uploads go first: a row reads failed only once its file is gone
    for kwargs in task_kwargs(task_path=import_task.module_path, key="record_id", ids=stale):
        upload = Path(str(kwargs.get("path", "")))
        if upload.parent == folder:  # the upload it left behind, and never anything else
            upload.unlink(missing_ok=True)
    for record_id in sorted(stale):
        _fail(
            record_id,
            running[record_id],
            f"the import was {INTERRUPTED}; nothing was written: upload the file again",
        )
    return len(stale)
