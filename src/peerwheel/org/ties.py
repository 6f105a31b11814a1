"""Writes of the collaboration network (`Tie`): a source's ties replaced by a new set.

`ties_replace` is the one home of imported tie writes (the demo writes its own network). It
makes each named source's ties exactly the given pairs, touching only what differs: new pairs
created, changed weights updated, pairs no longer there deleted, the rest left as they are, so
the same file twice changes nothing. Other sources are never touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from peerwheel.org.models import Tie

#: Pairs are keyed (person_a_id, person_b_id) with person_a_id < person_b_id, as stored.
Pair = tuple[int, int]
_BATCH = 900  # ids per `IN (...)`: under SQLite's variable limit on any build


@dataclass(frozen=True)
class TieCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def ties_replace(*, ties: Mapping[str, Mapping[Pair, float]]) -> TieCounts:
    """Make each source in `ties` hold exactly its pairs (`{source: {(a, b): weight}}`, a < b),
    in one transaction. A source with no pairs loses all its ties: the caller decides that."""
    for source, pairs in ties.items():
        unordered = next(((a, b) for a, b in pairs if a >= b), None)
        if unordered is not None:
            raise ValueError(f"{source}: pair {unordered} is not stored as (smaller, larger)")
    created = updated = unchanged = removed = 0
    with transaction.atomic():
        existing: dict[tuple[str, int, int], tuple[int, float]] = {
            (source, a, b): (pk, weight)
            for pk, source, a, b, weight in Tie.objects.filter(source__in=list(ties))
            .values_list("pk", "source", "person_a_id", "person_b_id", "weight")
            .iterator(chunk_size=5000)
        }
        new: list[Tie] = []
        changed: list[Tie] = []
        for source, pairs in ties.items():
            for (a, b), weight in pairs.items():
                old = existing.pop((source, a, b), None)
                if old is None:
                    new.append(Tie(person_a_id=a, person_b_id=b, weight=weight, source=source))
                elif old[1] != weight:
                    changed.append(Tie(pk=old[0], weight=weight))
                else:
                    unchanged += 1
        gone = [pk for pk, _ in existing.values()]
        for start in range(0, len(gone), _BATCH):
            Tie.objects.filter(pk__in=gone[start : start + _BATCH]).delete()
        Tie.objects.bulk_update(changed, ["weight"], batch_size=500)
        Tie.objects.bulk_create(new, batch_size=2000)
        created, updated, removed = len(new), len(changed), len(gone)
    return TieCounts(created=created, updated=updated, unchanged=unchanged, removed=removed)
