"""The `slack-export` importer: a Slack workspace export (zip) into hub posts, in one shape
with every importer (`peerwheel.core.imports`): read (`slack_zip`), check, write in one
transaction (`slack.slack_write`), report. An import that writes nothing although the channels
hold people's messages is an error (nothing written, the Import row failed, the reasons said)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from peerwheel.core.imports import Actor, ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine.tabular import TabularError
from peerwheel.hub.slack import slack_write
from peerwheel.hub.slack_zip import read_slack_export

KIND = "slack-export"


def slack_import(
    source: str | Path,
    *,
    channels: Sequence[str],
    dry_run: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
) -> ImportReport:
    """Import the messages of `channels` from a Slack export; the same export twice adds nothing.

    Raises `ImportFailed` (nothing written; the Import row says why) on a bad file or no channels.
    """
    path = Path(source)
    name = file_name or path.name
    run = ImportRun(
        kind=KIND,
        file_name=name,
        source=path,
        actor=actor,
        dry_run=dry_run,
        on_progress=on_progress,
        record=record,
    )
    report = run.report
    with run.refusing():
        if not channels:
            raise TabularError(
                "name the channels to import, e.g. ai-tips,ai-questions",
                file=name,
                column="channels",
            )
        run.check_size(path.stat().st_size)
        export = read_slack_export(path, zip_name=name, channels=tuple(channels))
        report.rows_read = len(export.messages)
        run.progress(0, len(export.messages), "writing")
        with transaction.atomic():
            counts, skipped, warnings = slack_write(
                export, record=run.record, on_progress=lambda d, t: run.progress(d, t, "writing")
            )
            _refuse_if_nothing(export.messages, counts, warnings, name)
            if dry_run:
                transaction.set_rollback(True)
    written = counts["posts"] + counts["questions"] + counts["answers"]
    report.records = written + counts["unchanged"]
    report.created, report.unchanged, report.skipped = written, counts["unchanged"], skipped
    report.details.update(
        {
            "channels": ", ".join(channels),
            "posts": counts["posts"],
            "questions": counts["questions"],
            "answers": counts["answers"],
            "reactions": counts["reactions"],
            "system events skipped": counts["events"],
            "bot messages skipped": counts["bots"],
            "unmatched Slack users": counts["unmatched_users"],
        }
    )
    report.warnings.extend(warnings)
    return run.finish()


def _refuse_if_nothing(
    messages: Sequence[object], counts: dict[str, int], warnings: list[str], name: str
) -> None:
    """Nothing imported (or already there) from channels with people's messages: an error."""
    people_messages = len(messages) - counts["events"] - counts["bots"]
    kept = counts["posts"] + counts["questions"] + counts["answers"] + counts["unchanged"]
    if people_messages <= 0 or kept:
        return
    why = "; ".join(warnings[:3]) or "every message was empty or refused"
    raise TabularError(
        f"nothing was imported from {people_messages} messages in the named channels: {why}",
        file=name,
    )
