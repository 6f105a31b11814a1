"""Writes for AI usage: every import kind through one function, with one shape.

`usage_import(kind, source, ...)`: detect (for "auto"), parse and check through the engine's
parsers (`readers.py`), match ids to people (`identities.py`), merge into the stored series and
write them in ONE transaction (`store.py`), record the `Import` row, report. A file with an
error writes nothing; the Import row says why (file, line, column). The same file twice changes
nothing; overlapping imports merge by person, week and tool, the later import winning.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from peerwheel.core.models import Import
from peerwheel.engine.tabular import TabularError
from peerwheel.engine.usage_formats import UsageFileError
from peerwheel.usage import readers
from peerwheel.usage.identities import NO_PERSON, IdentityIndex
from peerwheel.usage.models import OrgUsageRecord
from peerwheel.usage.people import people_from_attributes
from peerwheel.usage.relink import identity_links_write, usage_relink
from peerwheel.usage.slack import slack_write
from peerwheel.usage.slack_zip import read_slack_export
from peerwheel.usage.store import import_records, upsert_usage

ProgressCallback = Callable[[int, int], None]
SLACK_EXPORT = "slack-export"
_MAX_TEXT = {"external_id": 254, "tool": 120}
_UNMATCHED_SAMPLE = 10


@dataclass
class UsageImportReport:
    """What an import read, matched and wrote (or would write, on a dry run)."""

    kind: str
    file: str
    dry_run: bool
    import_id: int | None = None
    rows_read: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    matched_ids: int = 0
    unmatched_ids: int = 0
    unmatched_sample: list[str] = field(default_factory=list)
    relinked: int = 0
    people_created: int = 0
    people_updated: int = 0
    first_week: date | None = None
    last_week: date | None = None
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[TabularError] = field(default_factory=list)

    @property
    def written(self) -> int:
        return 0 if self.dry_run else self.created + self.updated

    def summary(self) -> str:
        create, update = (
            ("would create", "would update") if self.dry_run else ("created", "updated")
        )
        lines = [
            f"{self.file} ({self.kind}): read {self.rows_read:,} rows into {self.records:,} "
            f"records; {create} {self.created:,}, {update} {self.updated:,}, "
            f"unchanged {self.unchanged:,}, skipped {self.skipped:,}."
        ]
        if self.first_week:
            lines.append(f"weeks {self.first_week} to {self.last_week}")
        if self.matched_ids or self.unmatched_ids:
            line = f"ids matched to people: {self.matched_ids:,}; unmatched: {self.unmatched_ids:,}"
            if self.unmatched_sample:
                line += " (e.g. " + ", ".join(self.unmatched_sample[:5]) + ")"
            lines.append(line)
        if self.unmatched_ids:
            lines.append(
                "unmatched ids are kept and linked later: import an identity map "
                "(peerwheel import identity-map FILE) or people with those emails"
            )
        if self.relinked:
            lines.append(f"earlier unmatched records now linked to people: {self.relinked:,}")
        if self.people_created or self.people_updated:
            lines.append(
                f"people from HR attributes: {create} {self.people_created:,}, "
                f"{update} {self.people_updated:,}"
            )
        lines += [f"{key}: {value}" for key, value in self.details.items()]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "matched_ids": self.matched_ids,
            "unmatched_ids": self.unmatched_ids,
            "unmatched_sample": self.unmatched_sample,
            "relinked": self.relinked,
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "first_week": self.first_week.isoformat() if self.first_week else None,
            "last_week": self.last_week.isoformat() if self.last_week else None,
            "details": self.details,
            "text": self.summary(),
        }


class UsageImportError(Exception):
    """The file had an error, so nothing was written. Carries the report (and its Import id)."""

    def __init__(self, report: UsageImportReport) -> None:
        self.report = report
        super().__init__(report.summary())


def import_record_start(
    *, kind: str, file_name: str, actor: User | AnonymousUser | None = None, sha256: str = ""
) -> Import:
    """The Import row an import reports into (created first, so a page can poll its progress)."""
    return Import.objects.create(
        kind=kind,
        file_name=file_name[:255],
        sha256=sha256,
        by=actor if isinstance(actor, User) else None,
        status=Import.Status.RUNNING,
        summary={"progress": {"phase": "queued", "done": 0, "total": 0}},
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _digest_or_blank(digest: Future[str]) -> str:
    """The file's hash; blank when it could not be read (the parse has said why)."""
    try:
        return digest.result()
    except OSError:
        return ""


class _Progress:
    """Reports progress to the caller and, at most every 0.3 s, onto the Import row."""

    def __init__(self, record: Import, on_progress: ProgressCallback | None) -> None:
        self.record, self.on_progress, self.last = record, on_progress, 0.0

    def __call__(self, done: int, total: int, phase: str = "reading") -> None:
        if self.on_progress is not None:
            self.on_progress(done, total)
        now = time.monotonic()
        if phase != "reading" or now - self.last > 0.3:
            self.last = now
            Import.objects.filter(pk=self.record.pk).update(
                summary={"progress": {"phase": phase, "done": done, "total": total}}
            )


def usage_import(
    kind: str,
    source: str | Path,
    *,
    dry_run: bool = False,
    actor: User | AnonymousUser | None = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
    today: date | None = None,
    scope: str = "organisation",
    channels: Sequence[str] = (),
) -> UsageImportReport:
    """Import one usage export (any kind, or "auto" to detect it); see the module docstring.

    Raises `UsageImportError` (with the report; the Import row records the errors) when the
    file is bad. `record`: an Import row made beforehand by `import_record_start` (the web page
    polls it). `scope`: what a GitHub metrics file covers. `channels`: for a Slack export.
    """
    path = Path(source)
    name = file_name or path.name
    report = UsageImportReport(kind=kind, file=name, dry_run=dry_run)
    if record is None:
        record = import_record_start(kind=kind, file_name=name, actor=actor)
    report.import_id = record.pk
    progress = _Progress(record, on_progress)
    try:
        size = path.stat().st_size
        if size > settings.PEERWHEEL_IMPORT_MAX_BYTES:
            raise UsageFileError(
                name,
                None,
                None,
                f"the file is {size:,} bytes, over the {settings.PEERWHEEL_IMPORT_MAX_BYTES:,} "
                "limit (PEERWHEEL_IMPORT_MAX_BYTES)",
            )
        if kind == SLACK_EXPORT:
            record.sha256 = _sha256(path)
            _import_slack(path, tuple(channels), record, report, progress)
        else:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as hasher:
                # hashlib and pandas' tokenizer both release the GIL: the hash costs no time
                digest = hasher.submit(_sha256, path)
                try:
                    kind = readers.kind_for(path, kind)
                    report.kind = kind
                    read = readers.read_usage(
                        path, kind, file_name=name, today=today, scope=scope, on_progress=progress
                    )
                finally:
                    record.sha256 = _digest_or_blank(digest)
            _take_parse_report(report, read)
            progress(report.rows_read, report.rows_read, "writing")
            with transaction.atomic():
                _write(read, record, report, actor)
                if dry_run:
                    transaction.set_rollback(True)
    except TabularError as exc:  # UsageFileError is one
        report.errors.append(exc)
        _finish(record, report, Import.Status.FAILED)
        raise UsageImportError(report) from None
    _finish(record, report, Import.Status.DRY_RUN if dry_run else Import.Status.SUCCEEDED)
    return report


def _import_slack(
    path: Path,
    channels: tuple[str, ...],
    record: Import,
    report: UsageImportReport,
    progress: _Progress,
) -> None:
    if not channels:
        raise UsageFileError(
            report.file, None, "channels", "name the channels to import, e.g. ai-tips,ai-questions"
        )
    export = read_slack_export(path, zip_name=report.file, channels=channels)
    report.rows_read = len(export.messages)
    progress(0, len(export.messages), "writing")
    with transaction.atomic():
        counts, skipped, warnings = slack_write(export, record=record)
        if report.dry_run:
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
        }
    )
    report.warnings.extend(warnings)


def identity_map_import(
    source: str | Path,
    *,
    dry_run: bool = False,
    actor: User | AnonymousUser | None = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
) -> UsageImportReport:
    """Import an identity map, then link the unmatched records its ids now match."""
    return usage_import(
        "identity-map",
        source,
        dry_run=dry_run,
        actor=actor,
        on_progress=on_progress,
        file_name=file_name,
    )


def _take_parse_report(report: UsageImportReport, read: readers.ReadResult) -> None:
    parsed = read.report
    report.rows_read = parsed.rows_read
    report.skipped = parsed.skipped
    report.first_week, report.last_week = parsed.first_week, parsed.last_week
    report.warnings.extend(parsed.warnings)
    if read.anonymised_skipped:
        report.details["anonymised users skipped"] = read.anonymised_skipped
    if parsed.columns_ignored:
        report.details["columns ignored"] = ", ".join(parsed.columns_ignored[:20])


def _finish(record: Import, report: UsageImportReport, status: str) -> None:
    record.kind = report.kind[:40]
    record.status = status
    record.finished = timezone.now()
    record.rows_read = report.rows_read
    record.rows_written = report.written if status != Import.Status.FAILED else 0
    record.rows_skipped = report.skipped
    record.errors = [e.as_dict() for e in report.errors]
    record.warnings = report.warnings
    record.summary = report.as_dict() | {"progress": {"phase": "done", "done": 1, "total": 1}}
    record.save()


def _write(
    read: readers.ReadResult,
    record: Import,
    report: UsageImportReport,
    actor: User | AnonymousUser | None,
) -> None:
    if read.kind == "identity-map":
        counts = identity_links_write(read.identities, file=report.file, source_import=record)
        report.records = len(read.identities)
        report.created, report.updated, report.unchanged = counts
        report.skipped += read.report.anonymised_ids
        if read.report.anonymised_ids:
            report.warnings.append(
                f"{read.report.anonymised_ids} anonymised ids (32 hex characters) were not "
                "linked: they cannot be traced to a person"
            )
        report.relinked = usage_relink()
        return
    if read.org_rows:
        _write_org_usage(read, record, report)
        return
    if read.report.people:
        created, updated, warnings = people_from_attributes(
            read.report.people, file=report.file, actor=actor
        )
        report.people_created, report.people_updated = created, updated
        report.warnings.extend(warnings)
    index = _write_usage(read, record, report)
    report.relinked = usage_relink(index)


def _write_usage(
    read: readers.ReadResult, record: Import, report: UsageImportReport
) -> IdentityIndex:
    """Match and write the records; returns the identity index it used (for the relink)."""
    usage = read.usage.assign(tool=read.usage["tool"].astype("category"))  # hashed once
    codes, uniques = pd.factorize(usage["external_id"], sort=False)
    _check_lengths(usage, codes, uniques, report.file)
    index = IdentityIndex.load()
    unique_people = index.match(uniques.tolist())
    matched = unique_people != NO_PERSON
    report.matched_ids = int(matched.sum())
    report.unmatched_ids = int((~matched).sum())
    report.unmatched_sample = [str(u) for u in uniques[~matched][:_UNMATCHED_SAMPLE]]
    unique_subjects = np.array(
        [
            f"p:{p}" if p != NO_PERSON else f"x:{u}"
            for p, u in zip(unique_people.tolist(), uniques.tolist(), strict=True)
        ],
        dtype=object,
    )
    person_id = unique_people[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    # Categorical: two ids of one person share a subject, and nothing below re-hashes strings.
    subject_codes, subject_values = pd.factorize(unique_subjects)
    subject = pd.Categorical.from_codes(subject_codes[codes], categories=subject_values)
    if len(set(unique_subjects.tolist())) < len(unique_subjects) or read.kind in (
        readers.LOWER_BOUND_KINDS
    ):
        usage, subject, person_id = _merge_same_person(usage, subject, person_id, report)
    report.records = len(usage)
    records = import_records(subject=subject, person_id=person_id, usage=usage, source_id=record.pk)
    counts = upsert_usage(records, keep_existing=read.kind in readers.LOWER_BOUND_KINDS)
    report.created, report.updated, report.unchanged = (
        counts.created,
        counts.updated,
        counts.unchanged,
    )
    return index


def _check_lengths(usage: pd.DataFrame, codes: np.ndarray, uniques: pd.Index, file: str) -> None:
    """Ids and tool names must fit their columns; the error names the first line."""
    tool_codes, tool_uniques = pd.factorize(usage["tool"])
    for column, values, where in (
        ("external_id", uniques, codes),
        ("tool", tool_uniques, tool_codes),
    ):
        too_long = np.flatnonzero(pd.Series(values, dtype=object).str.len() > _MAX_TEXT[column])
        if len(too_long):
            row = int(np.flatnonzero(np.isin(where, too_long))[0])
            raise UsageFileError(
                file,
                int(usage["line"].iat[row]),
                column,
                f"longer than {_MAX_TEXT[column]} characters",
            )


def _merge_same_person(
    usage: pd.DataFrame, subject: np.ndarray, person_id: np.ndarray, report: UsageImportReport
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows of one person, week and tool under different ids (an email and a login) add up."""
    frame = usage.assign(_subject=subject, _person=person_id)
    key = ["_subject", "week", "tool"]
    repeated = frame.duplicated(key, keep=False)
    if not repeated.any():
        return usage, subject, person_id
    merged = frame.groupby(key, sort=False, as_index=False).agg(
        external_id=("external_id", "first"),
        actions=("actions", "sum"),
        agent_actions=("agent_actions", "sum"),
        active_days=("active_days", "max"),
        line=("line", "min"),
        _person=("_person", "first"),
    )
    report.warnings.append(
        f"{int(repeated.sum()):,} rows give the same person, week and tool under different ids: "
        "they were added together"
    )
    return (
        merged[list(readers.FRAME_COLUMNS)],
        merged["_subject"].to_numpy(dtype=object),
        merged["_person"].to_numpy(dtype=np.int64),
    )


def _write_org_usage(read: readers.ReadResult, record: Import, report: UsageImportReport) -> None:
    existing = {
        (r.scope, r.week, r.tool): r
        for r in OrgUsageRecord.objects.filter(scope__in={row.scope for row in read.org_rows})
    }
    objects = []
    for row in read.org_rows:
        old = existing.get((row.scope, row.week, row.tool))
        values = (row.actions, row.engaged_users, row.active_users, row.days)
        if old is None:
            report.created += 1
        elif (old.actions, old.engaged_users, old.active_users, old.days) == values:
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        objects.append(
            OrgUsageRecord(
                scope=row.scope,
                week=row.week,
                tool=row.tool,
                actions=row.actions,
                engaged_users=row.engaged_users,
                active_users=row.active_users,
                days=row.days,
                source=record,
            )
        )
    OrgUsageRecord.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["scope", "week", "tool"],
        update_fields=["actions", "engaged_users", "active_users", "days", "source"],
        batch_size=1000,
    )
    report.records = len(read.org_rows)
