"""Identity links (from identity maps) and re-linking the records they now match.

Called inside the import's transaction by `services.usage_import`.
"""

from __future__ import annotations

from collections.abc import Sequence

from peerwheel.core.models import Import
from peerwheel.engine.usage_formats import UsageFileError
from peerwheel.engine.usage_formats.identity_map import IdentityRow, IdKind
from peerwheel.org.models import Person
from peerwheel.usage.identities import IdentityIndex, normalise_identity
from peerwheel.usage.models import IdentityKind, IdentityLink, UsageRecord, subject_for

_UPN_SOURCES = ("upn", "entra", "azure", "microsoft", "m365", "office")
_BATCH = 900


def _link_kind(row: IdentityRow) -> str:
    if row.kind is IdKind.EMAIL:
        upn = any(word in row.source for word in _UPN_SOURCES)
        return IdentityKind.UPN if upn else IdentityKind.EMAIL
    if row.kind is IdKind.LOGIN:
        return IdentityKind.LOGIN
    return IdentityKind.OPAQUE


def identity_links_write(
    identities: Sequence[IdentityRow], *, file: str, source_import: Import
) -> tuple[int, int, int]:
    """Upsert the links; (created, updated, unchanged). Every employee id must be a person."""
    usable = [row for row in identities if row.kind is not IdKind.ANONYMISED]
    people = Person.objects.in_bulk({row.employee_id for row in usable}, field_name="employee_id")
    unknown = [row for row in usable if row.employee_id not in people]
    if unknown:
        more = f" (and {len(unknown) - 1} more rows like it)" if len(unknown) > 1 else ""
        raise UsageFileError(
            file,
            unknown[0].line,
            "employee_id",
            f"no person has the employee id {unknown[0].employee_id!r}{more}; "
            "import people first (peerwheel import people HR_FILE)",
        )
    existing = {
        (kind, value): person_id
        for kind, value, person_id in IdentityLink.objects.values_list("kind", "value", "person")
    }
    links: dict[tuple[str, str], IdentityLink] = {}
    created = updated = unchanged = 0
    for row in usable:
        kind = _link_kind(row)
        value = normalise_identity(row.external_id, kind)
        person = people[row.employee_id]
        before = existing.get((kind, value))
        if before == person.pk:
            unchanged += 1
            continue
        if before is None:
            created += 1
        else:
            updated += 1
        links[(kind, value)] = IdentityLink(
            kind=kind, value=value, person=person, source=row.source[:60], created_by=source_import
        )
    IdentityLink.objects.bulk_create(
        list(links.values()),
        update_conflicts=True,
        unique_fields=["kind", "value"],
        update_fields=["person", "source", "created_by"],
        batch_size=1000,
    )
    return created, updated, unchanged


def usage_relink(index: IdentityIndex | None = None) -> int:
    """Link unmatched records whose external id now matches a person; return how many.

    When the person already has a record for the same week and tool, the one from the later
    import is kept (records from the same import: the later-written one).
    """
    index = index or IdentityIndex.load()
    unmatched_ids = UsageRecord.objects.filter(person__isnull=True).values_list(
        "external_id", flat=True
    )
    targets = {}
    for external_id in set(unmatched_ids):
        person_id = index.person_for(external_id)
        if person_id is not None:
            targets[external_id] = person_id
    if not targets:
        return 0
    ids = sorted(targets)
    rows = []
    for start in range(0, len(ids), _BATCH):
        rows += list(
            UsageRecord.objects.filter(
                person__isnull=True, external_id__in=ids[start : start + _BATCH]
            ).values_list("id", "external_id", "week", "tool", "source_id")
        )
    people = sorted(set(targets.values()))
    held: dict[tuple[int, object, str], tuple[int, int]] = {}
    for start in range(0, len(people), _BATCH):
        for pk, person_id, week, tool, source_id in UsageRecord.objects.filter(
            person_id__in=people[start : start + _BATCH]
        ).values_list("id", "person_id", "week", "tool", "source_id"):
            held[(person_id, week, tool)] = (source_id or 0, pk)
    losers: list[int] = []
    winners: dict[int, int] = {}  # record id → person id
    for pk, external_id, week, tool, source_id in sorted(rows, key=lambda r: (r[4] or 0, r[0])):
        key = (targets[external_id], week, tool)
        rank = (source_id or 0, pk)
        current = held.get(key)
        if current is not None:
            if current >= rank:
                losers.append(pk)
                continue
            losers.append(current[1])
            winners.pop(current[1], None)
        held[key] = rank
        winners[pk] = targets[external_id]
    for start in range(0, len(losers), _BATCH):
        UsageRecord.objects.filter(id__in=losers[start : start + _BATCH]).delete()
    relinked = [
        UsageRecord(
            id=pk, person_id=person_id, subject=subject_for(person_id=person_id, external_id="")
        )
        for pk, person_id in winners.items()
    ]
    UsageRecord.objects.bulk_update(relinked, ["person", "subject"], batch_size=_BATCH)
    return len(relinked)
