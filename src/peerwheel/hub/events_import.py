"""The `influence-events` importer: events from other tools (a chat bot, the LMS, a meeting tool)
into `InfluenceEvent`, in the family's one shape (`peerwheel.core.imports`): read and check
(`engine.network_formats.influence_events`), match every id to a person as usage does
(`usage.identities.IdentityIndex`: employee id, email, the identity map), write in one
transaction, report.

Imported events are marked `origin=imported` with the Import that brought them; they have no
post. The same event twice (same source, target, kind and time, within a file or across imports)
is one event: a repeated row is counted once, an event already imported is left as it is (a
unique constraint on imported events holds it). An unknown kind or person, a self-event, a time
that cannot be read or lies in the future: the file is refused with every problem (file, line,
column) and nothing is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from peerwheel.core.imports import Actor, ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine.network_formats import Problems
from peerwheel.engine.network_formats import influence_events as events_format
from peerwheel.engine.tabular import TabularError
from peerwheel.hub.models import InfluenceEvent, InfluenceKind, InfluenceOrigin
from peerwheel.usage.identities import IdentityIndex

KIND = events_format.FORMAT
#: (source person id, target person id, kind, time): what makes an imported event itself.
EventKey = tuple[int, int, str, datetime]


def influence_events_import(
    source: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import influence events; see the module docstring. `now` (aware): later is the future
    (default: the current time). Raises `ImportFailed` (nothing written) on any problem."""
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
        run.check_size(path.stat().st_size)
        read = events_format.read(
            path,
            now=now or timezone.now(),
            zone=timezone.get_default_timezone(),
            file_name=name,
            overrides=mapping,
        )
        report.rows_read = read.rows_read
        run.progress(read.rows_read, read.rows_read, "matching")
        keys = _match(read)
        _take_problems(report, read.problems)
        run.refuse_if_errors()
        if not keys:
            raise TabularError("no events to import: the file has a header and no rows", file=name)
        report.records = len(set(keys))
        run.progress(0, report.records, "writing")
        with transaction.atomic():
            created, unchanged = _write(keys, run.record)
            if dry_run:
                transaction.set_rollback(True)
        report.created, report.unchanged = created, unchanged
        _report(report, read, keys)
    return run.finish()


def _match(read: events_format.EventRead) -> list[EventKey]:
    """Every good row as a key of person ids; unknown ids and self-events become problems."""
    index = IdentityIndex.load()
    problems = read.problems
    keys: list[EventKey] = []
    for row in read.rows:
        source = index.person_for(row.source_id)
        target = index.person_for(row.target_id)
        for person, text, field_name in (
            (source, row.source_id, "source_id"),
            (target, row.target_id, "target_id"),
        ):
            if person is None:
                problems.add(
                    row.line,
                    read.header(field_name),
                    f"{text!r} matches no one: not an employee id, an email or an id of the "
                    "identity map (import the people, or an identity map: peerwheel import "
                    "identity-map FILE)",
                )
        if source is None or target is None:
            continue
        if source == target:
            problems.add(
                row.line,
                read.header("target_id"),
                f"{row.source_id!r} and {row.target_id!r} are the same person: an event from a "
                "person to themselves",
            )
            continue
        keys.append((source, target, row.kind, row.occurred_at))
    return keys


def _take_problems(report: ImportReport, problems: Problems) -> None:
    report.errors.extend(problems.listed)
    if problems.unlisted:
        report.warnings.append(
            f"{problems.unlisted:,} more problems are not listed (the first "
            f"{len(problems.listed)} are)"
        )


def _write(keys: list[EventKey], record: Import) -> tuple[int, int]:
    """Create the events not imported before; (created, already there)."""
    wanted = set(keys)
    first = min(key[3] for key in wanted)
    last = max(key[3] for key in wanted)
    existing = {
        (s, t, k, at)
        for s, t, k, at in InfluenceEvent.objects.filter(
            origin=InfluenceOrigin.IMPORTED, created__range=(first, last)
        )
        .values_list("source_id", "target_id", "kind", "created")
        .iterator(chunk_size=5000)
    }
    new = sorted(wanted - existing, key=lambda key: (key[3], key[0], key[1], key[2]))
    InfluenceEvent.objects.bulk_create(
        [
            InfluenceEvent(
                source_id=s,
                target_id=t,
                kind=InfluenceKind(k),
                created=at,
                origin=InfluenceOrigin.IMPORTED,
                source_import=record,
            )
            for s, t, k, at in new
        ],
        batch_size=2000,
        ignore_conflicts=True,  # another import of the same events at the same moment
    )
    return len(new), len(wanted) - len(new)


def _report(report: ImportReport, read: events_format.EventRead, keys: list[EventKey]) -> None:
    distinct = set(keys)
    repeated = len(keys) - len(distinct)
    if repeated:
        report.notes.append(f"{repeated:,} rows repeat an event of the file: each counted once")
    if report.unchanged:
        report.notes.append(f"{report.unchanged:,} events were imported before: left as they are")
    by_kind = Counter(key[2] for key in distinct)
    report.details["events by kind"] = ", ".join(
        f"{kind} {count:,}" for kind, count in sorted(by_kind.items())
    )
    report.details["from"] = min(key[3] for key in distinct).date().isoformat()
    report.details["to"] = max(key[3] for key in distinct).date().isoformat()
    if read.columns_ignored:
        report.details["columns ignored"] = ", ".join(read.columns_ignored[:20])
    report.data.update({"repeated_rows": repeated, "by_kind": dict(sorted(by_kind.items()))})
