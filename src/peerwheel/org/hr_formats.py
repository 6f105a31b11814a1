"""Reading HR files into plain person records: CSV (Viva, BambooHR-like, any via --map) and SCIM.

Pure parsing: nothing here touches the database. `services.people_import` validates the records
against each other and the database and writes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from peerwheel.engine.tabular import Column, TabularError, read_rows
from peerwheel.org.hr_values import LEAVER_FIELDS, parse_day, parse_leaver, scim_active
from peerwheel.org.models import RoleFamily

PERSON_COLUMNS = (
    Column(
        "employee_id",
        (
            "PersonId",
            "EmployeeId",
            "Employee ID",
            "Employee #",
            "EmployeeNumber",
            "Employee Number",
            "EID",
            "HashedEmail",
            "StaffId",
            "WorkerId",
        ),
        required=True,
    ),
    Column("name", ("Full Name", "Display Name", "DisplayName", "Employee Name", "Name")),
    Column("first_name", ("First Name", "FirstName", "GivenName", "Preferred Name")),
    Column("last_name", ("Last Name", "LastName", "Surname", "FamilyName")),
    Column("email", ("Email", "Work Email", "WorkEmail", "Mail", "UserPrincipalName", "UPN")),
    Column("department", ("Organization", "Organisation", "Department", "Dept", "Division")),
    Column("team", ("Team", "TeamName", "Group", "SubDepartment")),
    Column(
        "site",
        ("Site", "Location", "Office", "Work Location", "Area", "City", "WorkLocation"),
    ),
    Column("role_family", ("FunctionType", "Function", "Job Family", "JobFamily", "RoleFamily")),
    Column("job_title", ("Job Title", "JobTitle", "Title", "LevelDesignation", "Position")),
    Column(
        "manager_id",
        (
            "ManagerId",
            "Manager ID",
            "Supervisor EID",
            "SupervisorId",
            "Reports To ID",
            "Reporting To ID",
            "Manager Employee ID",
        ),
    ),
    Column("manager_email", ("Manager Email", "Supervisor Email", "ManagerEmail")),
    Column("is_leader", ("IsLeader", "Leader", "SupervisorIndicator", "People Manager")),
    # Viva org data: one row per person per month; the latest month is the current one.
    Column("effective_date", ("EffectiveDate", "Effective Date")),
    # Leavers. BambooHR: `Status` is Active or Inactive; `Employment Status` (the API's
    # employmentHistoryStatus) is the account's own list, "Terminated" among them.
    Column(
        "status",
        ("Status", "Employee Status", "Worker Status", "Active", "IsActive", "Account Status"),
    ),
    Column(
        "employment_status",
        ("Employment Status", "EmploymentStatus", "employmentHistoryStatus"),
    ),
    Column(
        "termination_date",
        (
            "Termination Date",
            "TerminationDate",
            "Term Date",
            "Date Left",
            "Leaving Date",
            "left_on",
        ),
    ),
)

_ROLE_FAMILY_ALIASES: dict[str, RoleFamily] = {
    "sales": RoleFamily.SALES,
    "business development": RoleFamily.SALES,
    "account management": RoleFamily.SALES,
    "finance": RoleFamily.FINANCE,
    "accounting": RoleFamily.FINANCE,
    "engineering": RoleFamily.ENGINEERING,
    "r&d": RoleFamily.ENGINEERING,
    "research and development": RoleFamily.ENGINEERING,
    "it": RoleFamily.ENGINEERING,
    "technology": RoleFamily.ENGINEERING,
    "software": RoleFamily.ENGINEERING,
    "hr": RoleFamily.HR,
    "human resources": RoleFamily.HR,
    "people": RoleFamily.HR,
    "operations": RoleFamily.OPERATIONS,
    "ops": RoleFamily.OPERATIONS,
    "manufacturing": RoleFamily.OPERATIONS,
    "supply chain": RoleFamily.OPERATIONS,
    "legal": RoleFamily.LEGAL,
    "compliance": RoleFamily.LEGAL,
    "marketing": RoleFamily.MARKETING,
    "communications": RoleFamily.MARKETING,
    "support": RoleFamily.SUPPORT,
    "customer support": RoleFamily.SUPPORT,
    "customer success": RoleFamily.SUPPORT,
    "customer service": RoleFamily.SUPPORT,
    "executive": RoleFamily.EXECUTIVE,
    "leadership": RoleFamily.EXECUTIVE,
    "other": RoleFamily.OTHER,
}
_TRUE = {"1", "true", "yes", "y", "manager", "manager+", "leader", "x"}
_FALSE = {"0", "false", "no", "n", "ic", "individual contributor", ""}


@dataclass(frozen=True)
class PersonRecord:
    """One person as an HR file describes them. Empty strings mean "not given"."""

    line: int
    employee_id: str
    name: str = ""
    email: str = ""
    department: str = ""
    team: str = ""
    site: str = ""
    role_family: str = ""
    job_title: str = ""
    manager_id: str = ""
    manager_email: str = ""
    is_leader: bool | None = None
    given: frozenset[str] = frozenset()
    """The fields the file actually has: absent ones are left as they are on re-import."""
    effective_date: date | None = None
    """The month this row describes (Viva's EffectiveDate); None when the file has no dates."""
    active: bool | None = None
    """False: a leaver (BambooHR Status Inactive or Terminated, SCIM `active: false`); None: the
    row does not say, and the person stays as they are."""
    left_on: date | None = None
    """A leaver's termination date, when the file gives one."""


def parse_role_family(value: str) -> RoleFamily | None:
    """`Human Resources` → HR; None when the value names no family we know."""
    key = value.strip().lower()
    if not key:
        return None
    if key in RoleFamily.values:
        return RoleFamily(key)
    return _ROLE_FAMILY_ALIASES.get(key)


def parse_bool(value: str, *, file: str, line: int, column: str) -> bool:
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise TabularError(
        f"{value!r} is not yes/no (use true/false, yes/no, 1/0, or Manager/IC)",
        file=file,
        line=line,
        column=column,
    )


def parse_effective_date(value: str, *, file: str, line: int, column: str) -> date:
    """Viva's EffectiveDate: ISO `2026-09-01` or the US `9/1/2026` (month first) Viva exports."""
    return parse_day(value, file=file, line=line, column=column, what="effective date")


def _is_email(value: str) -> bool:
    if "@" not in value:
        return False
    try:
        validate_email(value.strip().lower())
    except ValidationError:
        return False
    return True


def latest_snapshots(
    records: list[PersonRecord], *, file: str, date_column: str = "EffectiveDate"
) -> tuple[list[PersonRecord], list[TabularError], int]:
    """Keep each person's latest row by effective date (Viva's monthly history).

    Returns the kept records (in file order), errors and the number of people. Earlier months
    are history, not errors; two different rows for one person and one date are an error
    naming both lines (and, at the latest date, leave the person out). Records without dates
    pass through unchanged.
    """
    if not any(r.effective_date for r in records):
        return records, [], len(records)
    by_person: dict[str, list[PersonRecord]] = {}
    for record in records:
        by_person.setdefault(record.employee_id, []).append(record)
    errors: list[TabularError] = []
    kept: list[PersonRecord] = []
    for employee_id, rows in by_person.items():
        rows = sorted(rows, key=lambda r: (r.effective_date or date.min, r.line))
        conflicted: set[date | None] = set()
        for earlier, later in pairwise(rows):
            if earlier.effective_date != later.effective_date:
                continue
            if replace(earlier, line=0) == replace(later, line=0):
                continue  # the same row twice: nothing to choose between
            conflicted.add(later.effective_date)
            errors.append(
                TabularError(
                    f"employee id {employee_id!r} has two different rows for "
                    f"{later.effective_date} (lines {earlier.line} and {later.line})",
                    file=file,
                    line=later.line,
                    column=date_column,
                )
            )
        if rows[-1].effective_date not in conflicted:
            kept.append(rows[-1])
    kept.sort(key=lambda r: r.line)
    return kept, errors, len(by_person)


def read_people_csv(
    source: str | Path | IO[bytes] | IO[str],
    *,
    mapping: Mapping[str, str] | None = None,
    file_name: str | None = None,
    today: date | None = None,
) -> tuple[list[PersonRecord], list[TabularError], list[str]]:
    """Parse an HR CSV into records, row errors (with lines) and warnings.

    A missing required column raises TabularError at once: there is nothing to read then.
    `today` decides whether a termination date has passed (default: the local date).
    """
    today = today or timezone.localdate()
    header_map, rows = read_rows(source, PERSON_COLUMNS, overrides=mapping, file_name=file_name)
    name = file_name or str(getattr(source, "name", source))
    given = frozenset(header_map.positions)
    if "first_name" in given or "last_name" in given:
        given = given | {"name"}
    if "manager_email" in given:
        given = given | {"manager_id"}
    records: list[PersonRecord] = []
    errors: list[TabularError] = []
    warnings = [f"ignored columns: {', '.join(header_map.unknown)}"] if header_map.unknown else []
    for row in rows:
        try:
            records.append(_record_from_row(row.values, row.line, name, header_map, given, today))
        except TabularError as exc:
            errors.append(exc)
    return records, errors, warnings


def _record_from_row(
    values: Mapping[str, str],
    line: int,
    file: str,
    header_map: Any,
    given: frozenset[str],
    today: date,
) -> PersonRecord:
    employee_id = values.get("employee_id", "").strip()
    if not employee_id:
        raise TabularError(
            "the employee id is empty",
            file=file,
            line=line,
            column=header_map.header_for("employee_id"),
        )
    name = values.get("name", "")
    if not name and (values.get("first_name") or values.get("last_name")):
        name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    is_leader = None
    if "is_leader" in values:
        is_leader = parse_bool(
            values["is_leader"],
            file=file,
            line=line,
            column=header_map.header_for("is_leader") or "is_leader",
        )
    effective_date = None
    if "effective_date" in values:
        effective_date = parse_effective_date(
            values["effective_date"],
            file=file,
            line=line,
            column=header_map.header_for("effective_date") or "EffectiveDate",
        )
    active, left_on = parse_leaver(
        values,
        file=file,
        line=line,
        header_for={f: header_map.header_for(f) or f for f in LEAVER_FIELDS if f in values},
        today=today,
    )
    email = values.get("email", "").strip()
    if not email and _is_email(employee_id):
        # Viva's PersonId is often the person's email: keep it as their email too.
        email, given = employee_id, given | {"email"}
    return PersonRecord(
        line=line,
        employee_id=employee_id,
        name=name,
        email=email,
        department=values.get("department", ""),
        team=values.get("team", ""),
        site=values.get("site", ""),
        role_family=values.get("role_family", ""),
        job_title=values.get("job_title", ""),
        manager_id=values.get("manager_id", ""),
        manager_email=values.get("manager_email", ""),
        is_leader=is_leader,
        given=given,
        effective_date=effective_date,
        active=active,
        left_on=left_on,
    )


SCIM_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def read_people_scim(
    source: str | Path | IO[bytes] | IO[str], *, file_name: str | None = None
) -> tuple[list[PersonRecord], list[TabularError], list[str]]:
    """Parse SCIM 2.0 Users (a ListResponse, a list, or one User) with the enterprise extension.

    The manager reference in SCIM is the manager's SCIM `id`; it is translated to their
    employee number through the same file (or kept as given when the file lacks them).
    """
    name = file_name or str(getattr(source, "name", source))
    try:
        if isinstance(source, str | Path):
            document = json.loads(Path(source).read_text(encoding="utf-8-sig"))
        else:
            raw = source.read()
            document = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except json.JSONDecodeError as exc:
        raise TabularError(
            f"not valid JSON: {exc.msg} (column {exc.colno}); is the file complete?",
            file=name,
            line=exc.lineno,
        ) from exc
    except UnicodeDecodeError as exc:
        raise TabularError("the file is not UTF-8 text", file=name) from exc
    resources = _scim_resources(document, name)
    scim_id_to_employee: dict[str, str] = {}
    for resource in resources:
        enterprise = resource.get(SCIM_ENTERPRISE) or {}
        number = str(enterprise.get("employeeNumber") or resource.get("externalId") or "")
        if resource.get("id") and number:
            scim_id_to_employee[str(resource["id"])] = number
    records: list[PersonRecord] = []
    errors: list[TabularError] = []
    for index, resource in enumerate(resources):
        try:
            records.append(_record_from_scim(resource, index, name, scim_id_to_employee))
        except TabularError as exc:
            errors.append(exc)
    return records, errors, _scim_paging(document, len(resources))


def _scim_paging(document: Any, listed: int) -> list[str]:
    """A ListResponse is one page when `totalResults` counts more Users than it lists."""
    total = document.get("totalResults") if isinstance(document, dict) else None
    if isinstance(total, int) and not isinstance(total, bool) and total > listed:
        return [
            f"totalResults is {total} but the file lists {listed}: it holds only a page; "
            "fetch every page (startIndex=1, 101, ... with count=100) and join their Resources"
        ]
    return []


def _scim_resources(document: Any, file: str) -> list[dict[str, Any]]:
    if isinstance(document, dict) and "Resources" in document:
        resources = document["Resources"]
    elif isinstance(document, dict) and "userName" in document:
        resources = [document]
    elif isinstance(document, list):
        resources = document
    else:
        raise TabularError(
            "this is not SCIM Users JSON: expected a ListResponse with 'Resources', "
            "a list of Users, or one User",
            file=file,
        )
    if not all(isinstance(r, dict) for r in resources):
        raise TabularError("every SCIM resource must be a JSON object", file=file)
    return list(resources)


def _record_from_scim(
    resource: dict[str, Any], index: int, file: str, scim_ids: Mapping[str, str]
) -> PersonRecord:
    where = f"Resources[{index}]"
    enterprise = resource.get(SCIM_ENTERPRISE) or {}
    if not isinstance(enterprise, dict):
        raise TabularError(
            "the enterprise extension must be an object", file=file, line=index + 1, column=where
        )
    employee_id = str(enterprise.get("employeeNumber") or resource.get("externalId") or "").strip()
    if not employee_id:
        raise TabularError(
            "no employee number (enterprise extension employeeNumber, or externalId)",
            file=file,
            line=index + 1,  # "resource N" (see `org.services`): SCIM has no lines
            column=f"{where}.{SCIM_ENTERPRISE}.employeeNumber",
        )
    names = resource.get("name") or {}
    display = (
        resource.get("displayName")
        or names.get("formatted")
        or f"{names.get('givenName', '')} {names.get('familyName', '')}".strip()
    )
    emails = resource.get("emails") or []
    email = ""
    if isinstance(emails, list) and emails:
        primary = next((e for e in emails if isinstance(e, dict) and e.get("primary")), emails[0])
        email = str(primary.get("value", "")) if isinstance(primary, dict) else ""
    if not email and "@" in str(resource.get("userName", "")):
        email = str(resource["userName"])
    site = ""
    for address in resource.get("addresses") or []:
        if isinstance(address, dict) and address.get("locality"):
            site = str(address["locality"])
            break
    manager = enterprise.get("manager") or {}
    manager_ref = str(manager.get("value", "")) if isinstance(manager, dict) else str(manager)
    manager_id = scim_ids.get(manager_ref, manager_ref)
    given = frozenset({"name", "email", "department", "site", "job_title", "manager_id"})
    active = scim_active(resource.get("active"), file=file, index=index)
    return PersonRecord(
        line=index + 1,
        employee_id=employee_id,
        name=str(display or ""),
        email=email,
        department=str(enterprise.get("department") or enterprise.get("division") or ""),
        site=site,
        job_title=str(resource.get("title") or ""),
        manager_id=manager_id,
        given=given,
        active=active,
    )
