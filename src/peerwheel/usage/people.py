"""People from the HR attribute columns of a Viva person query (Organization, FunctionType, ...).

Written through the organisation's own HR import (`org.services.people_import`), so the same
header aliases and rules apply: a PersonId that matches a person (by identity link, employee id
or email) updates that person; one that matches no one becomes a new person whose employee id is
the PersonId. Rows the HR import rejects (an unknown manager, say) are reported as warnings and
do not stop the usage import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from django.contrib.auth.models import AnonymousUser, User

from peerwheel.core.imports import ImportFailed
from peerwheel.engine.tabular import normalise_header
from peerwheel.org.hr_formats import PERSON_COLUMNS
from peerwheel.org.models import Person
from peerwheel.org.services import people_import
from peerwheel.usage.identities import IdentityIndex

_ID_FIELD = "employee_id"
_WARNINGS_SHOWN = 5


def _mapped_columns(columns: list[str]) -> list[str]:
    """The attribute columns the HR import understands (never a second id column)."""
    spellings = {
        normalise_header(s): c.field
        for c in PERSON_COLUMNS
        if c.field != _ID_FIELD
        for s in c.spellings()
    }
    return [c for c in columns if normalise_header(c) in spellings]


def people_from_attributes(
    people: Mapping[str, Mapping[str, str]],
    *,
    file: str,
    actor: User | AnonymousUser | None = None,
) -> tuple[int, int, list[str]]:
    """Create or update people from `{PersonId: {column: value}}`; (created, updated, warnings)."""
    columns = sorted({c for attributes in people.values() for c in attributes})
    mapped = _mapped_columns(columns)
    if not mapped:
        return 0, 0, []
    index = IdentityIndex.load()
    employee_of = dict(Person.objects.values_list("id", "employee_id"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["EmployeeId", *mapped])
    for person_id, attributes in sorted(people.items()):
        matched = index.person_for(person_id)
        employee_id = employee_of[matched] if matched is not None else person_id
        writer.writerow([employee_id, *(attributes.get(c, "") for c in mapped)])
    try:
        report = people_import(
            io.BytesIO(buffer.getvalue().encode("utf-8")),
            file_name=f"{file} (HR attributes)",
            file_format="csv",
            skip_invalid=True,
            actor=actor,
        )
    except ImportFailed as exc:
        return 0, 0, [f"HR attributes not applied: {e.message}" for e in exc.report.errors[:1]]
    warnings = [f"HR attributes: {w}" for w in report.warnings]
    warnings += [f"HR attributes not applied: {e.message}" for e in report.errors[:_WARNINGS_SHOWN]]
    if len(report.errors) > _WARNINGS_SHOWN:
        warnings.append(f"... and {len(report.errors) - _WARNINGS_SHOWN} more such rows")
    return report.created, report.updated, warnings
