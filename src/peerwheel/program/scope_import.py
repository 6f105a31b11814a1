"""The `rollout-scope` importer: the people, departments and sites the rollout covers, in the
import family's one shape (`peerwheel.core.imports`): read and check
(`engine.rollout_scope`), match every row to a current person (by employee id), a department or
a site (by name, any case), write in one transaction, report.

The file is the whole scope: units in it are added (or their stage and day updated), units in
the scope but not in the file leave it today (an entry that had not started yet is dropped).
An unknown employee id, department or site, a leaver, a bad stage or date, a unit twice: the
file is refused with every problem (file, line, column) and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from peerwheel.core.imports import Actor, ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine import rollout_scope as scope_format
from peerwheel.engine.tabular import TabularError
from peerwheel.org.models import Department, Person, Site
from peerwheel.program.models import ScopeEntry

KIND = scope_format.FORMAT
_UNIT = {
    "employee_id": ScopeEntry.Unit.PERSON,
    "department": ScopeEntry.Unit.DEPARTMENT,
    "site": ScopeEntry.Unit.SITE,
}
#: (unit, object id) → (stage, since, line)
Wanted = dict[tuple[str, int], tuple[str, date, int]]


def rollout_scope_import(
    source: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
    today: date | None = None,
) -> ImportReport:
    """Make the scope exactly the file's rows; see the module docstring. Raises `ImportFailed`
    (nothing written) on any problem."""
    path = Path(source)
    name = file_name or path.name
    day = today or timezone.localdate()
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
        read = scope_format.read(path, file_name=name, overrides=mapping)
        report.rows_read = read.rows_read
        run.progress(read.rows_read, read.rows_read, "matching")
        wanted = _match(read)
        report.errors.extend(read.problems.listed)
        if read.problems.unlisted:
            report.warnings.append(f"{read.problems.unlisted:,} more problems are not listed")
        run.refuse_if_errors()
        if not wanted:
            raise TabularError("no units to import: the file has a header and no rows", file=name)
        report.records = len(wanted)
        run.progress(0, report.records, "writing")
        with transaction.atomic():
            created, updated, unchanged, ended = _write(wanted, run.record, day)
            if dry_run:
                transaction.set_rollback(True)
        report.created, report.updated, report.unchanged = created, updated, unchanged
        if ended:
            verb = "would leave" if dry_run else "left"
            report.notes.append(f"{ended:,} units not in the file {verb} the scope on {day}")
        units = [unit for unit, _ in wanted]
        report.details["units"] = ", ".join(
            f"{unit} {units.count(unit)}" for unit in ScopeEntry.Unit.values if unit in units
        )
        report.data.update({"ended": ended})
    return run.finish()


def _match(read: scope_format.ScopeRead) -> Wanted:
    """Every good row as (unit, object id); unknown names and leavers become problems."""
    rows = read.rows
    people = {
        emp: (pk, active)
        for emp, pk, active in Person.objects.filter(
            employee_id__in=[r.name for r in rows if r.unit == "employee_id"]
        ).values_list("employee_id", "pk", "active")
    }
    departments = {n.casefold(): pk for pk, n in Department.objects.values_list("pk", "name")}
    sites = {n.casefold(): pk for pk, n in Site.objects.values_list("pk", "name")}
    wanted: Wanted = {}
    for row in rows:
        column = read.header(row.unit)
        found: int | None
        if row.unit == "employee_id":
            pk, active = people.get(row.name, (None, False))
            if pk is not None and not active:
                read.problems.add(
                    row.line, column, f"{row.name!r} has left the organisation: not in scope"
                )
                continue
            found = pk
            missing = f"no one in the organisation has the employee id {row.name!r}"
        else:
            names = departments if row.unit == "department" else sites
            found = names.get(row.name.casefold())
            known = ", ".join(sorted(names)[:8]) or "none yet"
            missing = f"no {row.unit} is called {row.name!r} (known: {known})"
        if found is None:
            read.problems.add(row.line, column, missing)
            continue
        wanted[(_UNIT[row.unit], found)] = (row.stage, row.since, row.line)
    return wanted


def _write(wanted: Wanted, record: Import, day: date) -> tuple[int, int, int, int]:
    """(created, updated, unchanged, ended)."""
    created = updated = unchanged = ended = 0
    open_entries = ScopeEntry.objects.select_for_update().filter(until__isnull=True)
    seen: set[tuple[str, int]] = set()
    for entry in open_entries:
        key = (entry.unit, entry.person_id or entry.department_id or entry.site_id or 0)
        if key in wanted and key not in seen:
            seen.add(key)
            stage, since, _ = wanted[key]
            if (entry.stage, entry.since) == (stage, since):
                unchanged += 1
            else:
                entry.stage, entry.since, entry.source_import = stage, since, record
                entry.save(update_fields=["stage", "since", "source_import"])
                updated += 1
        elif entry.since >= day:
            entry.delete()
            ended += 1
        else:
            entry.until = day
            entry.save(update_fields=["until"])
            ended += 1
    field = {"person": "person_id", "department": "department_id", "site": "site_id"}
    new = [
        ScopeEntry(
            unit=unit, stage=stage, since=since, source_import=record, **{field[unit]: object_id}
        )
        for (unit, object_id), (stage, since, _) in wanted.items()
        if (unit, object_id) not in seen
    ]
    ScopeEntry.objects.bulk_create(new)
    created = len(new)
    return created, updated, unchanged, ended
