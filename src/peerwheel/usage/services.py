"""Writes for AI usage: every usage kind through one importer, in the family's one shape.

`usage_import(kind, source, ...)`: detect (for "auto"), read and check through the engine's
formats (each returns the standard frame itself; `readers.py` picks the format), match ids to
people (`identities.py`), merge into the stored series and write them in ONE transaction
(`store.py`), and report, all through `peerwheel.core.imports.ImportRun` (the Import row, the
hash, the progress, the end). A file with errors writes nothing; the Import row lists every
problem (file, line, column). The same file twice changes nothing; overlapping imports merge by
person, week and tool, the later import winning.

A usage import never creates or changes people: ids that match no one stay unmatched and are
linked later. Only `create_people` (the command's `--create-people`) creates people for them,
and pseudonymised ids never do once the organisation has people (`people.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction

from peerwheel.core.imports import (
    IMPORT_KINDS,
    Actor,
    ImportReport,
    ImportRun,
    ProgressCallback,
)
from peerwheel.core.models import Import
from peerwheel.engine.usage_formats import MAX_PROBLEMS, UsageFileError, UsageFileProblemsError
from peerwheel.usage import readers
from peerwheel.usage.identities import NO_PERSON, IdentityIndex
from peerwheel.usage.models import OrgUsageRecord
from peerwheel.usage.people import (
    NO_MATCH_REASON,
    PSEUDONYM_REASON,
    PeoplePlan,
    people_create,
    people_notes,
    people_plan,
)
from peerwheel.usage.relink import identity_links_write, usage_relink
from peerwheel.usage.store import import_records, upsert_usage
from peerwheel.usage.unmatched import unmatched_attributes_write

_MAX_TEXT = {"external_id": 254, "tool": 120}
_UNMATCHED_SAMPLE = 10


def usage_import(
    kind: str,
    source: str | Path,
    *,
    dry_run: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
    today: date | None = None,
    scope: str = "organisation",
    create_people: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import one usage export (any usage kind, or "auto" to detect it); see the module
    docstring.

    Raises `ImportFailed` (with the report and every problem; the Import row records them) when
    the file is bad. `record`: an Import row made beforehand by `import_record_start` (the page
    polls it). `scope`: what a GitHub metrics file covers. `create_people`: ids that match no
    one become people (never pseudonymised ids when there are people already). `mapping`:
    the file's column → our field (`--map COLUMN=FIELD`), for the CSV kinds.
    """
    path = Path(source)
    name = file_name or path.name
    run = ImportRun(
        kind=kind,
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
        report.kind = readers.kind_for(path, kind, file_name=name)
        if create_people and not IMPORT_KINDS[report.kind].create_people:
            report.warnings.append(
                f"--create-people does not apply to {report.kind} (it names no one to "
                "create): no people were created"
            )
            create_people = False
        read = readers.read_usage(
            path,
            report.kind,
            file_name=name,
            today=today,
            scope=scope,
            on_progress=run.progress,
            mapping=mapping,
        )
        _take_parse_report(report, read)
        run.progress(report.rows_read, report.rows_read, "writing")
        with transaction.atomic():
            _write(read, run.record, report, actor, create_people=create_people)
            if dry_run:
                transaction.set_rollback(True)
    return run.finish()


def identity_map_import(
    source: str | Path,
    *,
    dry_run: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Import an identity map, then link the unmatched records its ids now match."""
    return usage_import(
        "identity-map",
        source,
        dry_run=dry_run,
        actor=actor,
        on_progress=on_progress,
        file_name=file_name,
    )


def _take_parse_report(report: ImportReport, read: readers.UsageRead) -> None:
    parsed = read.report
    report.rows_read = parsed.rows_read
    report.skipped = parsed.skipped
    report.first_week, report.last_week = parsed.first_week, parsed.last_week
    report.warnings.extend(parsed.warnings)
    report.notes.extend(parsed.notes)
    if read.kind == "m365-copilot-usage" and parsed.anonymised_ids:
        report.details["anonymised users skipped"] = parsed.anonymised_ids
    if parsed.columns_ignored:
        report.details["columns ignored"] = ", ".join(parsed.columns_ignored[:20])


def _note_matches(report: ImportReport, matched: int, unmatched: int, sample: list[str]) -> None:
    report.data.update(
        {"matched_ids": matched, "unmatched_ids": unmatched, "unmatched_sample": sample}
    )
    if not (matched or unmatched):
        return
    line = f"ids matched to people: {matched:,}; unmatched: {unmatched:,}"
    if sample:
        line += " (e.g. " + ", ".join(sample[:5]) + ")"
    report.notes.append(line)
    if unmatched:
        report.notes.append(
            "unmatched ids are kept and linked later: import an identity map "
            "(peerwheel import identity-map FILE) or people with those emails"
        )


def _note_relinked(report: ImportReport, relinked: int) -> None:
    report.data["relinked"] = relinked
    if relinked:
        report.notes.append(f"earlier unmatched records now linked to people: {relinked:,}")


def _write(
    read: readers.UsageRead,
    record: Import,
    report: ImportReport,
    actor: Actor,
    *,
    create_people: bool = False,
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
        _note_relinked(report, usage_relink())
        return
    if read.org_rows:
        _write_org_usage(read, record, report)
        return
    plan = people_plan(pd.unique(read.usage["external_id"]).tolist(), IdentityIndex.load())
    created = 0
    if create_people:
        created, warnings = people_create(
            plan.candidates, read.report.people, file=report.file, actor=actor
        )
        report.warnings.extend(warnings)
    index = _write_usage(read, record, report)
    _keep_unmatched_groups(read, record, report, plan, index)
    _note_relinked(report, usage_relink(index))
    report.data.update(
        {
            "people_created": created,
            "people_updated": 0,
            "pseudonymous_ids_unmatched": len(plan.pseudonyms_kept),
        }
    )
    report.notes.extend(
        people_notes(plan, create_people=create_people, created=created, dry_run=report.dry_run)
    )


def _keep_unmatched_groups(
    read: readers.UsageRead,
    record: Import,
    report: ImportReport,
    plan: PeoplePlan,
    index: IdentityIndex,
) -> None:
    """Ids still unmatched keep the HR attributes the file gives for them (`unmatched.py`)."""
    if not read.report.people:
        return
    pseudonyms = set(plan.pseudonyms_kept)
    others = [i for i in plan.candidates if i not in pseudonyms and index.person_for(i) is None]
    kept = 0
    for ids, reason in ((plan.pseudonyms_kept, PSEUDONYM_REASON), (others, NO_MATCH_REASON)):
        if ids:
            kept += sum(
                unmatched_attributes_write(
                    ids, read.report.people, reason=reason, source_import=record
                )
            )
    report.data["unmatched_ids_with_groups"] = kept
    if kept:
        report.notes.append(
            f"{kept:,} unmatched ids keep the HR attributes the file gives (department, site, "
            "role family): the usage overview counts their usage in those groups until an "
            "identity map links them to people"
        )


def _write_usage(read: readers.UsageRead, record: Import, report: ImportReport) -> IdentityIndex:
    """Match and write the records; returns the identity index it used (for the relink)."""
    usage = read.usage.assign(tool=read.usage["tool"].astype("category"))  # hashed once
    codes, uniques = pd.factorize(usage["external_id"], sort=False)
    _check_lengths(usage, codes, uniques, report.file)
    index = IdentityIndex.load()
    unique_people = index.match(uniques.tolist())
    matched = unique_people != NO_PERSON
    _note_matches(
        report,
        int(matched.sum()),
        int((~matched).sum()),
        [str(u) for u in uniques[~matched][:_UNMATCHED_SAMPLE]],
    )
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
    lower_bound = read.kind in readers.LOWER_BOUND_KINDS
    counted = usage["tool"].isin(list(read.counted_tools)).to_numpy(dtype=bool)
    # A lower-bound kind's counted tools (M365's weekly prompts) merge as counts: later wins.
    for part, keep_existing in ((~counted, lower_bound), (counted, False)):
        if not part.any():
            continue
        records = import_records(
            subject=subject[part],
            person_id=person_id[part],
            usage=usage[part],
            source_id=record.pk,
        )
        counts = upsert_usage(records, keep_existing=keep_existing)
        report.created += counts.created
        report.updated += counts.updated
        report.unchanged += counts.unchanged
    return index


def _check_lengths(usage: pd.DataFrame, codes: np.ndarray, uniques: pd.Index, file: str) -> None:
    """Ids and tool names must fit their columns; the error names every line that does not."""
    tool_codes, tool_uniques = pd.factorize(usage["tool"])
    problems: list[UsageFileError] = []
    for column, values, where in (
        ("external_id", uniques, codes),
        ("tool", tool_uniques, tool_codes),
    ):
        too_long = np.flatnonzero(pd.Series(values, dtype=object).str.len() > _MAX_TEXT[column])
        if len(too_long):
            for row in np.flatnonzero(np.isin(where, too_long))[:MAX_PROBLEMS]:
                problems.append(
                    UsageFileError(
                        file,
                        int(usage["line"].iat[int(row)]),
                        column,
                        f"longer than {_MAX_TEXT[column]} characters",
                    )
                )
    if problems:
        raise UsageFileProblemsError(problems)


def _merge_same_person(
    usage: pd.DataFrame, subject: np.ndarray, person_id: np.ndarray, report: ImportReport
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


def _write_org_usage(read: readers.UsageRead, record: Import, report: ImportReport) -> None:
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
