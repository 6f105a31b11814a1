"""A ground-truth cascade on the real email-Eu-core network, loaded into the database the way an
organisation's data arrives: people from HR, ties, weekly usage from a usage import, and
influence events. Who brought whom is known, so the report is tested against the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from peerwheel.engine.flywheel.cascades import GroundTruthCascade, ground_truth_cascade
from peerwheel.hub.models import InfluenceEvent
from peerwheel.org.models import Department, Person, Tie
from peerwheel.usage.services import usage_import

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
#: the Monday that is day 0 of the cascade
ORIGIN = date(2026, 1, 5)
HUB_KIND = {"attended": "attended_demo"}


@dataclass(frozen=True)
class LoadedCascade:
    cascade: GroundTruthCascade
    people: list[Person]
    as_of: date

    @property
    def as_of_day(self) -> int:
        return (self.as_of - ORIGIN).days


def load_cascade(cascade: GroundTruthCascade, tmp_path: Path, *, as_of_day: int) -> LoadedCascade:
    """People, ties, usage and events of `cascade` in the database."""
    data = cascade.data
    departments = {
        code: Department.objects.create(name=f"Department {code:02d}")
        for code in np.unique(data.department).tolist()
    }
    Person.objects.bulk_create(
        Person(
            employee_id=f"E{i:04d}",
            name=f"Person {i}",
            email=f"p{i}@example.com",
            department=departments[int(data.department[i])],
        )
        for i in range(data.n_people)
    )
    people = list(Person.objects.order_by("employee_id"))
    rows = np.repeat(np.arange(data.n_people), np.diff(data.indptr))
    upper = rows < data.indices
    weights = data.tie_weights[upper]
    Tie.objects.bulk_create(
        Tie(person_a=people[a], person_b=people[b], weight=float(w), source=Tie.Source.EMAIL)
        for a, b, w in zip(rows[upper], data.indices[upper], weights, strict=True)
    )
    usage = tmp_path / "usage.csv"
    with usage.open("w") as out:
        out.write("person,week,tool,actions\n")
        for i, day in enumerate(data.adoption_day.tolist()):
            if day >= 0:
                week = ORIGIN + timedelta(days=7 * (day // 7))
                out.write(f"p{i}@example.com,{week.isoformat()},ChatGPT,4\n")
    usage_import("usage-csv", usage)
    InfluenceEvent.objects.bulk_create(
        InfluenceEvent(
            source=people[int(s)],
            target=people[int(t)],
            kind=HUB_KIND.get(kind, kind),
            created=datetime.combine(ORIGIN, datetime.min.time(), tzinfo=UTC)
            + timedelta(days=int(d), hours=12),
        )
        for s, t, kind, d in zip(
            data.event_source.tolist(),
            data.event_target.tolist(),
            [
                ("tried", "answered", "attended", "adapted", "commented", "reacted", "mentioned")[k]
                for k in data.event_kind.tolist()
            ],
            data.event_day.tolist(),
            strict=True,
        )
    )
    return LoadedCascade(cascade, people, ORIGIN + timedelta(days=as_of_day))


@pytest.fixture
def loaded(db: None, tmp_path: Path) -> LoadedCascade:
    cascade = ground_truth_cascade(SHARED_DATA, seed=7)
    return load_cascade(cascade, tmp_path, as_of_day=cascade.mid_growth_day())
