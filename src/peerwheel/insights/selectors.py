"""Reads for the flywheel math: the organisation's adoption, ties and influence events as the
engine's `AdoptionData`, with who each index stands for.

Adoption (docs/metrics.md): the week of a person's first AI action in any tool (usage
imports) or their first visible use on the hub (a post under their name that is not a question,
an "I tried this"), whichever is earlier. An influence event is evidence of who brought whom,
not of adoption: a hub trial writes both, on the same day. Only
data strictly before the as-of date is read. Leavers are not in the organisation's network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
from django.urls import reverse
from django.utils.http import urlencode

from peerwheel.engine.flywheel.data import (
    EVENT_KINDS,
    AdoptionData,
    csr_from_edges,
    seeded_first_week,
)
from peerwheel.hub.activity import (
    HubEvidence,
    champion_evidence,
    hub_activity,
    influence_event_rows,
    visible_first_use,
)
from peerwheel.insights.models import Nudge
from peerwheel.insights.momentum.data import momentum_data, momentum_since_until
from peerwheel.insights.momentum.people import (
    consistency,
    days_in_weeks,
    invisible_success_ids,
    visible_actions,
)
from peerwheel.org.models import Person, Tie
from peerwheel.org.selectors import people_current
from peerwheel.usage.selectors import usage_frame

#: the window of a champion's hub evidence (DESIGN.md: the last 12 weeks)
EVIDENCE_WEEKS = 12
NO_DEPARTMENT = "(not set)"


@dataclass(frozen=True)
class FlywheelInputs:
    """The organisation as the engine sees it on `as_of`, and who each index is."""

    as_of: date
    origin: date  # the Monday of day 0
    data: AdoptionData
    person_ids: npt.NDArray[np.int64]
    employee_ids: tuple[str, ...]
    names: tuple[str, ...]
    #: department code (as in data.department) → name
    departments: tuple[str, ...]
    #: index → that person's hub evidence over the last EVIDENCE_WEEKS weeks
    evidence: dict[int, HubEvidence] = field(default_factory=dict)
    ties: int = 0
    events: int = 0

    @property
    def headcount(self) -> int:
        return self.data.n_people

    @property
    def adopters(self) -> int:
        return int((self.data.adoption_day >= 0).sum())

    def day(self, when: date) -> int:
        return (when - self.origin).days

    def date_of(self, day: int) -> date:
        return self.origin + timedelta(days=int(day))


def _at_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _current_people() -> list[tuple[int, str, str, str]]:
    """(id, employee id, display name, department name) of everyone in the organisation."""
    rows = (
        people_current()
        .order_by("pk")
        .values_list("pk", "employee_id", "name", "email", "department__name")
    )
    return [
        (pk, emp, name or email or emp, dept or NO_DEPARTMENT)
        for pk, emp, name, email, dept in rows
    ]


def _first_usage(until: date) -> dict[int, date]:
    """Person id → the Monday of their first week with an AI action before `until`.

    Reads `usage_frame` (numbers only): `usage_records` would also build the external id and
    tool of every weekly record, strings that cost more than the rest of the read at scale."""
    records = usage_frame()
    if records.empty:
        return {}
    person = records["person_id"].to_numpy(dtype=np.float64)
    week = records["week"].to_numpy()
    used = (
        ~np.isnan(person)
        & ((records["actions"].to_numpy() > 0) | (records["agent_actions"].to_numpy() > 0))
        & (week < np.datetime64(until, "ns"))
    )
    first = pd.Series(week[used]).groupby(person[used].astype(np.int64)).min()
    return {int(p): w.date() for p, w in first.items()}


def flywheel_inputs(*, as_of: date) -> FlywheelInputs:
    """Everything the flywheel report reads, strictly before `as_of`."""
    until = _at_midnight(as_of)
    people = _current_people()
    person_ids = np.array([row[0] for row in people], dtype=np.int64)
    index = {pk: i for i, pk in enumerate(person_ids.tolist())}
    names_of_departments = sorted({row[3] for row in people})
    department_code = {name: code for code, name in enumerate(names_of_departments)}
    department = np.array([department_code[row[3]] for row in people], dtype=np.int32)

    first: dict[int, date] = {}
    for person, week in _first_usage(as_of).items():
        first[person] = week
    for person, at in visible_first_use(until=until).items():
        day = at.astimezone(UTC).date()
        if person not in first or day < first[person]:
            first[person] = day
    code_of = {kind: code for code, kind in enumerate(EVENT_KINDS)}
    ev_source, ev_target, ev_kind, ev_date = [], [], [], []
    for s, t, kind, at in influence_event_rows(until=until):
        source, target, code = index.get(s), index.get(t), code_of.get(kind)
        if source is not None and target is not None and code is not None:
            ev_source.append(source)
            ev_target.append(target)
            ev_kind.append(code)
            ev_date.append(at.astimezone(UTC).date())

    starts = [d for pk, d in first.items() if pk in index]
    if ev_date:
        starts.append(min(ev_date))
    origin = _monday(min(starts)) if starts else _monday(as_of)
    adoption_day = np.full(len(people), -1, dtype=np.int32)
    for person, day in first.items():
        if person in index:
            adoption_day[index[person]] = (day - origin).days
    indptr, indices, weights, tie_count = _tie_network(person_ids)
    data = AdoptionData(
        n_people=len(people),
        indptr=indptr,
        indices=indices,
        weights=weights,
        department=department,
        adoption_day=adoption_day,
        seeded=seeded_first_week(adoption_day),
        event_source=np.array(ev_source, dtype=np.int32),
        event_target=np.array(ev_target, dtype=np.int32),
        event_kind=np.array(ev_kind, dtype=np.int8),
        event_day=(np.array(ev_date, dtype="datetime64[D]") - np.datetime64(origin, "D")).astype(
            np.int32
        ),
        as_of_day=(as_of - origin).days,
    )
    department_by_person = {row[0]: department_code[row[3]] for row in people}
    hub = champion_evidence(
        since=until - timedelta(weeks=EVIDENCE_WEEKS),
        until=until,
        department_of=department_by_person,
    )
    return FlywheelInputs(
        as_of=as_of,
        origin=origin,
        data=data,
        person_ids=person_ids,
        employee_ids=tuple(row[1] for row in people),
        names=tuple(row[2] for row in people),
        departments=tuple(names_of_departments),
        evidence={index[pk]: ev for pk, ev in hub.items() if pk in index},
        ties=tie_count,
        events=len(ev_source),
    )


_TIE_ROW = np.dtype([("a", np.int64), ("b", np.int64), ("weight", np.float64)])


def _tie_network(
    person_ids: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float64] | None, int]:
    """The undirected tie network over the current people (`person_ids`, ascending: index i is
    person_ids[i]) as CSR (a pair tied through several sources keeps its strongest weight), and
    how many pairs it holds. Ties to anyone else (leavers) are left out."""
    rows = Tie.objects.values_list("person_a_id", "person_b_id", "weight")
    ties = np.fromiter(rows.iterator(chunk_size=20_000), dtype=_TIE_ROW)
    pa, pb, weight = ties["a"], ties["b"], ties["weight"]
    n = person_ids.shape[0]
    a = np.minimum(np.searchsorted(person_ids, pa), max(n - 1, 0))
    b = np.minimum(np.searchsorted(person_ids, pb), max(n - 1, 0))
    known = (person_ids[a] == pa) & (person_ids[b] == pb) if n else np.zeros(0, dtype=bool)
    indptr, indices, weights = csr_from_edges(n, a[known], b[known], weight[known])
    return indptr, indices, weights, int(indices.shape[0] // 2)


# --- momentum (docs/metrics.md, "Momentum"): invisible successes and their private nudges ---


def invisible_successes(as_of: date) -> list[int]:
    """THE definition: ids of the people who are Power or Habitual users now (4-week rule, at
    the last complete week before `as_of`) with no post, answer, trial or demo under their own
    name in the last 12 weeks. For counts and for `services.nudges_create` only: never shown."""
    return invisible_success_ids(momentum_data(as_of=as_of))


@dataclass(frozen=True)
class NudgeView:
    """A nudge as its person sees it (on their home page and in their digest)."""

    id: int
    kind: str
    created: datetime
    message: str
    title: str
    draft: str
    topic: str
    shared_at: datetime | None

    @property
    def draft_url(self) -> str:
        """The hub's new-post form, prefilled with the draft (a tip)."""
        fields = {"kind": "tip", "title": self.title, "body": self.draft}
        if self.topic:
            fields["tool"] = self.topic
        return f"{reverse('hub:new')}?{urlencode(fields)}"


#: a nudge is shown for four weeks, or until its person shares
NUDGE_SHOWN = timedelta(weeks=4)


def nudges_for_person(person: Person, *, now: datetime | None = None) -> tuple[NudgeView, ...]:
    """The person's own open nudges (the last four weeks', not yet answered by sharing),
    newest first. Only ever call it for the signed-in person themselves."""
    return nudges_for_people([person.pk], now=now or datetime.now(tz=UTC)).get(person.pk, ())


def nudges_for_people(
    person_ids: Iterable[int], *, now: datetime
) -> dict[int, tuple[NudgeView, ...]]:
    """THE definition of open nudges, for many people in one query: person id → their own open
    nudges at `now` (as `nudges_for_person`), newest first; people with none are absent. For a
    batch of digests, where each person's go to that person only."""
    rows = Nudge.objects.filter(
        person_id__in=list(person_ids),
        shared_at__isnull=True,
        created__gt=now - NUDGE_SHOWN,
        created__lte=now,
    ).order_by("person_id", "-created", "-id")
    found: dict[int, list[NudgeView]] = {}
    for n in rows:
        found.setdefault(n.person_id, []).append(
            NudgeView(
                id=n.pk,
                kind=n.kind,
                created=n.created,
                message=n.message,
                title=n.title,
                draft=n.draft,
                topic=n.topic,
                shared_at=n.shared_at,
            )
        )
    return {pk: tuple(views) for pk, views in found.items()}


def own_consistency(person: Person, *, as_of: date) -> dict[str, object]:
    """A leader's own consistency (docs/metrics.md, "Momentum"): visible AI actions in the 12
    complete weeks before `as_of`, active weeks, their share, burstiness. For that person only:
    leads see the organisation's distribution, never one leader's row."""
    since, until = momentum_since_until(as_of)
    hub = hub_activity(since=_at_midnight(since), until=_at_midnight(until), person=person.pk)
    times = visible_actions(hub).get(person.pk, [])
    return consistency(days_in_weeks(times, since=since, until=until))
