"""Writes for the organisation: the HR import (one home for every people write)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from peerwheel.core.imports import Actor, ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine.tabular import TabularError
from peerwheel.org.hr_formats import (
    PersonRecord,
    latest_snapshots,
    parse_role_family,
    read_people_csv,
    read_people_scim,
)
from peerwheel.org.models import Department, Person, Site, Team

PeopleFormat = Literal["auto", "csv", "scim"]


def _detect_format(path_name: str, head: bytes) -> Literal["csv", "scim"]:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if path_name.lower().endswith(".json") or stripped[:1] in (b"{", b"["):
        return "scim"
    return "csv"


def normalise_email(value: str) -> str:
    return value.strip().lower()


def people_import(
    source: str | Path | IO[bytes],
    *,
    file_name: str | None = None,
    file_format: PeopleFormat = "auto",
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    record: Import | None = None,
) -> ImportReport:
    """Import people from an HR file; upsert by employee id, in one transaction.

    Any bad row means nothing is written (raises `ImportFailed` with the report and every
    problem) unless `skip_invalid`, which writes the good rows and reports the rest (the run
    ends as partial). `dry_run` writes nothing and reports what would change. Every run leaves
    its Import row, a file that cannot be read included; a run that changes nothing keeps its
    row too (the record of who imported which file, and when) and says "no changes".
    """
    name = file_name or (str(source) if isinstance(source, str | Path) else "<upload>")
    unreadable: OSError | None = None
    try:
        data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    except OSError as exc:  # still a run: the Import row records the failure
        data, unreadable = b"", exc
    run = ImportRun(
        kind="people",
        file_name=name,
        source=None if unreadable else data,
        actor=actor,
        dry_run=dry_run,
        on_progress=on_progress,
        record=record,
    )
    report = run.report
    with run.refusing():
        if unreadable is not None:
            raise TabularError(
                f"cannot read the file: {unreadable.strerror or unreadable}", file=name
            )
        run.check_size(len(data))
        records = _read_and_check(data, name, file_format, mapping, report)
        if not skip_invalid:
            run.refuse_if_errors()
        bad_lines = {e.line for e in report.errors}
        good = [r for r in records if r.line not in bad_lines]
        report.skipped = report.records - len(good)
        run.progress(0, len(good), "writing")
        with transaction.atomic():
            moves = _upsert(good, report, on_progress=lambda d, t: run.progress(d, t, "writing"))
            if dry_run:
                transaction.set_rollback(True)
        _note_leavers(report, good, moves)
        if not (report.created or report.updated or report.errors):
            # The Import row stays: it records who ran which file (its hash) and when.
            report.notes.append("no changes: every person is already as the file says")
    return run.finish()


def _read_and_check(
    data: bytes,
    name: str,
    file_format: PeopleFormat,
    mapping: Mapping[str, str] | None,
    report: ImportReport,
) -> list[PersonRecord]:
    """Parse the file and check every row; every problem goes into `report.errors`."""
    kind = file_format if file_format != "auto" else _detect_format(name, data[:256])
    if kind == "scim":
        records, errors, warnings = read_people_scim(io.BytesIO(data), file_name=name)
    else:
        records, errors, warnings = read_people_csv(
            io.BytesIO(data), mapping=mapping, file_name=name
        )
    report.warnings.extend(warnings)
    report.rows_read = len(records) + len(errors)
    rows = len(records)
    records, history_errors, people = latest_snapshots(records, file=name)
    errors = [*errors, *history_errors]
    report.records = people + len(errors) - len(history_errors)
    if people < rows:
        # Viva org data: a row per person per month. Earlier months are history, not errors.
        report.notes.append(
            f"{people:,} people, {rows:,} monthly rows: the latest month per person is kept"
        )
        latest = max((r.effective_date for r in records if r.effective_date), default=None)
        report.data["effective_date"] = str(latest) if latest else ""
    unknown_families = sorted(
        {r.role_family for r in records if r.role_family and not parse_role_family(r.role_family)}
    )
    if unknown_families:
        # Not an error: Viva's FunctionType holds whatever HR uses; such people count as "other".
        report.warnings.append(
            "role families kept as 'other': " + ", ".join(repr(f) for f in unknown_families[:10])
        )
    records, more_errors = _validate(records, name)
    report.errors = sorted([*errors, *more_errors], key=lambda e: e.line or 0)
    if kind == "scim":
        _as_resources(report.errors)
    return records


def _as_resources(errors: list[TabularError]) -> None:
    """SCIM JSON has no lines: a record's `line` is its place among the Users (1 = the first
    in `Resources`), so its errors say "resource N", never "line N"."""
    for error in errors:
        error.line_label = "resource"
        error.message = error.message.replace("on line ", "in resource ")


def _validate(
    records: list[PersonRecord], file: str
) -> tuple[list[PersonRecord], list[TabularError]]:
    """Check each record alone, then against the others and the database."""
    errors: list[TabularError] = []
    seen: dict[str, int] = {}
    clean: list[PersonRecord] = []
    for record in records:
        problem = None
        column = None
        if record.employee_id in seen:
            problem = (
                f"employee id {record.employee_id!r} appears again "
                f"(first on line {seen[record.employee_id]})"
            )
            column = "employee_id"
        elif record.email:
            try:
                validate_email(normalise_email(record.email))
            except ValidationError:
                problem, column = f"{record.email!r} is not an email address", "email"
        if problem is None and record.manager_id and record.manager_id == record.employee_id:
            problem, column = "a person cannot be their own manager", "manager_id"
        if problem:
            errors.append(TabularError(problem, file=file, line=record.line, column=column))
            continue
        seen[record.employee_id] = record.line
        clean.append(record)

    clean, manager_errors = _resolve_managers(clean, file)
    return clean, errors + manager_errors


def _resolve_managers(
    records: list[PersonRecord], file: str
) -> tuple[list[PersonRecord], list[TabularError]]:
    """Managers must exist (in the file or already) and the chain must not loop."""
    from dataclasses import replace

    in_file = {r.employee_id for r in records}
    by_email = {normalise_email(r.email): r.employee_id for r in records if r.email}
    existing_ids = set(Person.objects.values_list("employee_id", flat=True))
    existing_email = dict(Person.objects.exclude(email="").values_list("email", "employee_id"))
    errors: list[TabularError] = []
    resolved: list[PersonRecord] = []
    for record in records:
        manager_id = record.manager_id
        if not manager_id and record.manager_email:
            key = normalise_email(record.manager_email)
            manager_id = by_email.get(key) or existing_email.get(key, "")
            if not manager_id:
                errors.append(
                    TabularError(
                        f"no person has the manager email {record.manager_email!r}",
                        file=file,
                        line=record.line,
                        column="manager_email",
                    )
                )
                continue
        if manager_id and manager_id not in in_file and manager_id not in existing_ids:
            errors.append(
                TabularError(
                    f"manager {manager_id!r} is neither in this file nor already imported",
                    file=file,
                    line=record.line,
                    column="manager_id",
                )
            )
            continue
        if manager_id == record.employee_id:
            errors.append(
                TabularError(
                    "a person cannot be their own manager",
                    file=file,
                    line=record.line,
                    column="manager_id",
                )
            )
            continue
        resolved.append(replace(record, manager_id=manager_id))

    # Cycles: the file's links override the database's for the people it names.
    manager_of: dict[str, str | None] = dict(
        Person.objects.values_list("employee_id", "manager__employee_id")
    )
    for record in resolved:
        if "manager_id" in record.given:
            manager_of[record.employee_id] = record.manager_id or None
    line_of = {r.employee_id: r.line for r in resolved}
    in_cycle: set[str] = set()
    for start in line_of:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in on_path and node not in in_cycle:
            path.append(node)
            on_path.add(node)
            node = manager_of.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node) :]
            if not in_cycle.intersection(cycle):
                in_cycle.update(cycle)
                chain = " → ".join([*cycle, cycle[0]])
                first = min((line_of[c] for c in cycle if c in line_of), default=None)
                errors.append(
                    TabularError(
                        f"manager links form a cycle: {chain}",
                        file=file,
                        line=first,
                        column="manager_id",
                    )
                )
    bad = {e.line for e in errors}
    cycle_free = [r for r in resolved if r.employee_id not in in_cycle and r.line not in bad]
    return cycle_free, errors


@dataclass
class _Moves:
    """People whose leaving changed in this import."""

    left: int = 0  # newly marked as leavers (created as leavers included)
    returned: int = 0  # leavers active again


def _note_leavers(report: ImportReport, records: list[PersonRecord], moves: _Moves) -> None:
    """The report's lines on leavers: how many the file holds, how many were newly marked."""
    read = sum(1 for r in records if r.active is False)
    report.data.update(
        {"leavers_read": read, "leavers_marked": moves.left, "people_returned": moves.returned}
    )
    verb = "would be" if report.dry_run else "were"
    if read:
        report.notes.append(
            f"leavers: {read:,} in the file (Status Inactive or Terminated, SCIM active "
            f"false); {moves.left:,} {verb} newly marked as left. Leavers are kept, with their "
            "usage and posts, and leave headcounts, denominators and privacy groups"
        )
    if moves.returned:
        report.notes.append(
            f"returned: {moves.returned:,} people marked as left {verb} made current again"
        )


def _upsert(
    records: list[PersonRecord],
    report: ImportReport,
    *,
    on_progress: ProgressCallback | None,
) -> _Moves:
    departments = _get_or_create_named(Department, {r.department for r in records})
    sites = _get_or_create_named(Site, {r.site for r in records})
    team_keys = {(r.team, r.department) for r in records if r.team}
    teams: dict[tuple[str, str], Team] = {}
    for team_name, department_name in sorted(team_keys):
        team, _ = Team.objects.get_or_create(
            name=team_name, department=departments.get(department_name)
        )
        teams[(team_name, department_name)] = team

    existing = Person.objects.in_bulk([r.employee_id for r in records], field_name="employee_id")
    to_create: list[Person] = []
    changed_ids: set[str] = set()
    moves = _Moves()
    today = timezone.localdate()
    for done, record in enumerate(records, start=1):
        person = existing.get(record.employee_id)
        was_active = person.active if person is not None else True
        if person is None:
            person = Person(employee_id=record.employee_id)
            _apply(person, record, departments, sites, teams, today)
            to_create.append(person)
        elif _apply(person, record, departments, sites, teams, today):
            changed_ids.add(record.employee_id)
        moves.left += int(was_active and not person.active)
        moves.returned += int(person.active and not was_active)
        if on_progress and done % 500 == 0:
            on_progress(done, len(records))
    Person.objects.bulk_create(to_create, batch_size=1000)
    now = timezone.now()
    to_update = [existing[e] for e in changed_ids]
    for person in to_update:
        person.updated = now
    Person.objects.bulk_update(
        to_update,
        [
            "name",
            "email",
            "department",
            "team",
            "site",
            "role_family",
            "job_title",
            "is_leader",
            "active",
            "left_on",
            "updated",
        ],
        batch_size=1000,
    )

    # Managers last, once everyone exists.
    people = Person.objects.in_bulk(
        {r.employee_id for r in records} | {r.manager_id for r in records if r.manager_id},
        field_name="employee_id",
    )
    managed: list[Person] = []
    for record in records:
        if "manager_id" not in record.given:
            continue
        person = people[record.employee_id]
        manager = people.get(record.manager_id) if record.manager_id else None
        if person.manager_id != (manager.pk if manager else None):
            person.manager = manager
            managed.append(person)
            if record.employee_id in existing:
                changed_ids.add(record.employee_id)
    Person.objects.bulk_update(managed, ["manager"], batch_size=1000)
    report.created = len(to_create)
    report.updated = len(changed_ids)
    report.unchanged = len(records) - report.created - report.updated
    if on_progress:
        on_progress(len(records), len(records))
    return moves


def _get_or_create_named(model: Any, names: set[str]) -> dict[str, Any]:
    names = {n for n in names if n}
    found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    missing = [model(name=n) for n in sorted(names - set(found))]
    model.objects.bulk_create(missing)
    found.update({obj.name: obj for obj in model.objects.filter(name__in=names)})
    return found


def _apply(
    person: Person,
    record: PersonRecord,
    departments: Mapping[str, Department],
    sites: Mapping[str, Site],
    teams: Mapping[tuple[str, str], Team],
    today: date,
) -> bool:
    """Copy the fields the file gives onto the person; say whether anything changed.

    A leaver keeps the day they left: the file's termination date, else the day they were first
    read as a leaver (`today`); someone who comes back is current again, with no leaving day."""
    wanted: dict[str, Any] = {}
    given = record.given
    if "name" in given:
        wanted["name"] = record.name
    if "email" in given:
        wanted["email"] = normalise_email(record.email)
    if "job_title" in given:
        wanted["job_title"] = record.job_title
    if "role_family" in given:
        family = parse_role_family(record.role_family)
        wanted["role_family"] = family.value if family else ("other" if record.role_family else "")
    if "is_leader" in given and record.is_leader is not None:
        wanted["is_leader"] = record.is_leader
    if "department" in given:
        wanted["department_id"] = departments[record.department].pk if record.department else None
    if "site" in given:
        wanted["site_id"] = sites[record.site].pk if record.site else None
    if "team" in given:
        team = teams.get((record.team, record.department)) if record.team else None
        wanted["team_id"] = team.pk if team else None
    if record.active is True:
        wanted["active"], wanted["left_on"] = True, None
    elif record.active is False:
        kept = person.left_on if not person.active else None
        wanted["active"], wanted["left_on"] = False, record.left_on or kept or today
    changed = False
    for attr, value in wanted.items():
        if getattr(person, attr) != value:
            setattr(person, attr, value)
            changed = True
    return changed
