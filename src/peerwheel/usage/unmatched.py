"""Unmatched ids with the HR attributes their usage file carries (issue 13, item 10).

A Viva person query of hashed `PersonId`s, imported where people already came from an HR file,
creates no people (`people.py`): its usage stays unmatched until an identity map links it. The
file still says each id's `Organization`, `FunctionType` and so on; they are kept here
(`UnmatchedId`), mapped onto our group fields through the HR import's own header aliases, so the
usage overview counts that usage in its groups meanwhile. Called inside the import's
transaction; linking an id to a person removes its row (`unmatched_forget`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from peerwheel.core.models import Import
from peerwheel.engine.tabular import normalise_header
from peerwheel.org.hr_formats import PERSON_COLUMNS, parse_role_family
from peerwheel.usage.models import UnmatchedId

#: Our group fields, and the header spellings (the HR import's) that give them.
GROUP_FIELDS = ("department", "site", "role_family")
_SPELLINGS = {
    normalise_header(spelling): column.field
    for column in PERSON_COLUMNS
    if column.field in GROUP_FIELDS
    for spelling in column.spellings()
}
_LIMITS = {"department": 120, "site": 120, "role_family": 20}
_BATCH = 900  # SQLite's limit on query parameters, with room to spare


def group_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    """`{"Organization": "Sales", "FunctionType": "Human Resources"}` → `{"department":
    "Sales", "role_family": "hr"}` (a family we do not know is "other", as for people)."""
    found: dict[str, str] = {}
    for column, value in attributes.items():
        field = _SPELLINGS.get(normalise_header(column))
        text = str(value).strip()
        if field is None or not text or field in found:
            continue
        if field == "role_family":
            family = parse_role_family(text)
            text = family.value if family else "other"
        found[field] = text[: _LIMITS[field]]
    return found


def unmatched_attributes_write(
    external_ids: Sequence[str],
    attributes: Mapping[str, Mapping[str, str]],
    *,
    reason: str,
    source_import: Import,
) -> tuple[int, int, int]:
    """Keep the group attributes of these unmatched ids (those the file gives any for); an id
    already kept is updated when the file says something else. (created, updated, unchanged)."""
    wanted: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for external_id in external_ids:
        given = {str(k): str(v) for k, v in attributes.get(external_id, {}).items()}
        groups = group_attributes(given)
        if groups:
            wanted[external_id] = (groups, given)
    existing = UnmatchedId.objects.in_bulk(list(wanted), field_name="external_id")
    created = updated = unchanged = 0
    rows: list[UnmatchedId] = []
    for external_id, (groups, given) in wanted.items():
        row = existing.get(external_id)
        values = {f: groups.get(f, "") for f in GROUP_FIELDS}
        if row is not None and (
            all(getattr(row, f) == v for f, v in values.items())
            and row.attributes == given
            and row.reason == reason
        ):
            unchanged += 1
            continue
        created += row is None
        updated += row is not None
        rows.append(
            UnmatchedId(
                external_id=external_id,
                attributes=given,
                reason=reason[:300],
                last_source=source_import,
                **values,
            )
        )
    UnmatchedId.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[*GROUP_FIELDS, "attributes", "reason", "last_source"],
        batch_size=1000,
    )
    return created, updated, unchanged


def unmatched_groups(by: str) -> dict[str, str]:
    """Unmatched external id → its group (`by`: a field of GROUP_FIELDS), where the file gave
    one."""
    if by not in GROUP_FIELDS:
        raise ValueError(f"by must be one of {', '.join(GROUP_FIELDS)}")
    return dict(UnmatchedId.objects.exclude(**{by: ""}).values_list("external_id", by))


def unmatched_forget(external_ids: Sequence[str]) -> int:
    """Drop the kept attributes of ids now linked to people (the person's HR data counts)."""
    ids, deleted = list(external_ids), 0
    for start in range(0, len(ids), _BATCH):
        gone, _ = UnmatchedId.objects.filter(external_id__in=ids[start : start + _BATCH]).delete()
        deleted += gone
    return deleted
