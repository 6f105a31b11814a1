"""People from a usage file, only when the administrator asks (`--create-people`).

A usage import never creates or changes people on its own: ids that match no one stay unmatched
(`services.usage_import` reports them) and are linked later by an identity map or an HR file.
With `create_people`, each unmatched id becomes a new person through the organisation's own HR
import (`org.services.people_import`, so the same header aliases and rules apply): the id is
the employee id (and the email when it is one), with the attribute columns the file carries
(a Viva person query's `Organization`, `FunctionType`, ...; ChatGPT's `name`). People already
matched are never changed: a ChatGPT display name is not an HR name.

Pseudonymised ids (GUIDs, hex hashes: `identities.is_pseudonymous`) never create people in an
organisation that already has people: they would be nameless duplicates of the HR people. Rows
the HR import rejects are reported as warnings and do not stop the usage import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from peerwheel.core.imports import ImportFailed
from peerwheel.engine.tabular import normalise_header
from peerwheel.org.hr_formats import PERSON_COLUMNS
from peerwheel.org.hr_values import LEAVER_FIELDS
from peerwheel.org.models import Person
from peerwheel.org.services import people_import
from peerwheel.usage.identities import IdentityIndex, is_pseudonymous

#: Never taken from a usage file: ids, and whether someone left (a usage file's `Status` column
#: is not HR's).
_ID_FIELDS = frozenset({"employee_id", "email"}) | LEAVER_FIELDS
_WARNINGS_SHOWN = 5
_SAMPLE = 3


#: Why an id stayed unmatched (kept with its HR attributes: `unmatched.py`).
PSEUDONYM_REASON = (
    "pseudonymised id (a GUID or hash): the organisation already has people from an HR import, "
    "so it creates no person; linked when an identity map names it"
)
NO_MATCH_REASON = (
    "matches no person: linked when an identity map or an HR file names it "
    "(or import again with --create-people)"
)


@dataclass
class PeoplePlan:
    """The ids of a usage file that match no one, and what happens to them."""

    #: unmatched ids that may become people (with `create_people`)
    candidates: list[str] = field(default_factory=list)
    #: pseudonymised ids kept unmatched because the organisation already has people
    pseudonyms_kept: list[str] = field(default_factory=list)
    #: whether the organisation had people before this import
    had_people: bool = False


def people_plan(external_ids: Sequence[str], index: IdentityIndex) -> PeoplePlan:
    """Sort the file's distinct ids that match no one (see the module docstring)."""
    plan = PeoplePlan(had_people=Person.objects.exists())
    for external_id in dict.fromkeys(external_ids):
        if index.person_for(external_id) is not None:
            continue
        if plan.had_people and is_pseudonymous(external_id):
            plan.pseudonyms_kept.append(external_id)
        else:
            plan.candidates.append(external_id)
    return plan


def _mapped_columns(columns: list[str]) -> list[str]:
    """The attribute columns the HR import understands (never a second id or email column)."""
    spellings = {
        normalise_header(s): c.field
        for c in PERSON_COLUMNS
        if c.field not in _ID_FIELDS
        for s in c.spellings()
    }
    return [c for c in columns if normalise_header(c) in spellings]


def people_create(
    external_ids: Sequence[str],
    attributes: Mapping[str, Mapping[str, str]],
    *,
    file: str,
    actor: User | AnonymousUser | None = None,
) -> tuple[int, list[str]]:
    """Create a person for each id (none matches anyone), with the attributes the file gives
    (`{id: {column: value}}`); (created, warnings)."""
    if not external_ids:
        return 0, []
    columns = sorted({c for i in external_ids for c in attributes.get(i, {})})
    mapped = _mapped_columns(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["EmployeeId", "Email", *mapped])
    for external_id in sorted(external_ids):
        values = attributes.get(external_id, {})
        email = external_id if "@" in external_id else ""
        writer.writerow([external_id, email, *(values.get(c, "") for c in mapped)])
    try:
        report = people_import(
            io.BytesIO(buffer.getvalue().encode("utf-8")),
            file_name=f"{file} (people created by --create-people)",
            file_format="csv",
            skip_invalid=True,
            actor=actor,
        )
    except ImportFailed as exc:
        return 0, [f"people not created: {e.message}" for e in exc.report.errors[:1]]
    warnings = [f"people created: {w}" for w in report.warnings]
    warnings += [f"person not created: {e.message}" for e in report.errors[:_WARNINGS_SHOWN]]
    if len(report.errors) > _WARNINGS_SHOWN:
        warnings.append(f"... and {len(report.errors) - _WARNINGS_SHOWN} more such rows")
    return report.created, warnings


def people_notes(
    plan: PeoplePlan, *, create_people: bool, created: int, dry_run: bool
) -> list[str]:
    """The report's lines on people: what was (not) created and why."""
    notes = []
    if plan.pseudonyms_kept:
        sample = ", ".join(plan.pseudonyms_kept[:_SAMPLE])
        notes.append(
            f"{len(plan.pseudonyms_kept):,} ids are pseudonymised (GUIDs or hashes, e.g. "
            f"{sample}): the organisation already has people from an HR import, so they create "
            "no people (they would be nameless duplicates); their usage stays unmatched until "
            "an identity map links them"
        )
    if not create_people:
        if plan.candidates:
            notes.append(
                f"no people were created or changed: a usage import leaves the HR directory "
                f"alone; the {len(plan.candidates):,} unmatched ids stay unmatched (to create "
                "people for them, import again with --create-people)"
            )
        return notes
    verb = "would create" if dry_run else "created"
    line = f"people: {verb} {created:,} for unmatched ids (--create-people)"
    pseudonymous = sum(is_pseudonymous(i) for i in plan.candidates)
    if pseudonymous and not plan.had_people:
        line += (
            f"; {pseudonymous:,} of them are pseudonymous (hashed ids, no name or email): "
            "import the HR file and an identity map to know who they are"
        )
    notes.append(line)
    return notes
