"""Identity links (from identity maps) and re-linking the records they now match.

Called inside the import's transaction by `services.usage_import`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from peerwheel.core.models import Import
from peerwheel.engine.usage_formats import UsageFileError
from peerwheel.engine.usage_formats.identity_map import IdentityRow, IdKind
from peerwheel.engine.usage_series import merge_ranked
from peerwheel.org.models import Person
from peerwheel.usage.identities import IdentityIndex, normalise_identity
from peerwheel.usage.models import IdentityKind, IdentityLink, UsageSeries, subject_for
from peerwheel.usage.store import SeriesRows, load_series, write_series
from peerwheel.usage.unmatched import unmatched_forget

_UPN_SOURCES = ("upn", "entra", "azure", "microsoft", "m365", "office")


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
    """Move the records of unmatched ids that now match a person onto that person; return how
    many weekly records moved.

    When the person already has a record for the same week and tool, the one from the later
    import is kept (from the same import: the one the person already had).
    """
    index = index or IdentityIndex.load()
    unmatched_ids = UsageSeries.objects.filter(person__isnull=True).values_list(
        "external_id", flat=True
    )
    person_of = {
        external_id: person_id
        for external_id in set(unmatched_ids)
        if (person_id := index.person_for(external_id)) is not None
    }
    if not person_of:  # the usual case: no blob is read
        return 0
    unmatched_forget(list(person_of))  # their people's HR data count now
    unmatched = load_series(
        subjects=[subject_for(person_id=None, external_id=external) for external in person_of]
    )
    moving = [
        (person_of[e], tool)
        for e, tool in zip(unmatched.external_ids, unmatched.tools, strict=True)
    ]
    targets = sorted(set(moving))
    code_of = {target: code for code, target in enumerate(targets)}
    held = load_series(
        subjects={subject_for(person_id=person_id, external_id="") for person_id, _ in targets}
    )
    pieces = [(unmatched, i, target) for i, target in enumerate(moving)]
    for i, (person_id, tool) in enumerate(zip(held.person_ids, held.tools, strict=True)):
        if person_id is not None and (person_id, tool) in code_of:
            pieces.append((held, i, (person_id, tool)))
    keys, entries, ranks, moved = [], [], [], []
    external_ids: dict[int, str] = {}
    last_sources: dict[int, int] = {}
    for series, row, (person_id, tool) in pieces:  # the person's own rows come last
        part = series.entries_of(row)
        is_held = series is held
        code = code_of[(person_id, tool)]
        keys.append(np.full(len(part), code, dtype=np.int64))
        entries.append(part)
        ranks.append(part["source"].astype(np.int64) * 2 + is_held)  # later import; tie: held
        moved.append(np.full(len(part), not is_held))
        external_ids[code] = series.external_ids[row]  # the person's own id, when they have one
        last_sources[code] = max(last_sources.get(code, 0), series.last_sources[row] or 0)
    all_keys, all_entries = np.concatenate(keys), np.concatenate(entries)
    kept = merge_ranked(all_keys, all_entries["week"], np.concatenate(ranks))
    write_series(
        delete_ids=[series.ids[row] for series, row, _ in pieces],
        rows=SeriesRows(
            subjects=[subject_for(person_id=p, external_id="") for p, _ in targets],
            person_ids=[p for p, _ in targets],
            external_ids=[external_ids[code] for code in range(len(targets))],
            tools=[tool for _, tool in targets],
            last_sources=[last_sources[code] or None for code in range(len(targets))],
        ),
        key_codes=np.arange(len(targets), dtype=np.int64),
        entry_keys=all_keys[kept],
        entries=all_entries[kept],
    )
    return int(np.concatenate(moved)[kept].sum())
