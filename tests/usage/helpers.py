"""Reading the stored weekly records back, one object each, for assertions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from peerwheel.org.models import Person
from peerwheel.usage.selectors import usage_records


@dataclass(frozen=True)
class StoredRecord:
    person: Person | None
    external_id: str
    week: date
    tool: str
    actions: int
    agent_actions: int
    active_days: int | None
    source_id: int

    @property
    def person_id(self) -> int | None:
        return None if self.person is None else self.person.pk


def stored_records(
    *, person: Person | None = None, matched: bool | None = None
) -> list[StoredRecord]:
    """Every stored weekly record (one person's, or only (un)matched ones), oldest week first."""
    frame = usage_records(person_id=None if person is None else person.pk)
    people = Person.objects.in_bulk(frame["person_id"].dropna().astype(int).unique().tolist())
    records = [
        StoredRecord(
            person=None if pd.isna(row.person_id) else people[int(row.person_id)],
            external_id=row.external_id,
            week=row.week.date(),
            tool=row.tool,
            actions=int(row.actions),
            agent_actions=int(row.agent_actions),
            active_days=None if pd.isna(row.active_days) else int(row.active_days),
            source_id=int(row.source_id),
        )
        for row in frame.sort_values(["week", "tool"], kind="stable").itertuples(index=False)
    ]
    if matched is not None:
        records = [r for r in records if (r.person is not None) == matched]
    return records
