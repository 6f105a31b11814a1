"""What the momentum measures read, once, on an as-of date (docs/metrics.md, "Momentum").

Weeks are ISO weeks (Mondays). The measured weeks are the complete weeks before the as-of date's
Monday; nothing on or after the as-of date is read. Other apps are read through their selectors
(program, usage, org) and the hub's activity reads (hub/activity.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from peerwheel.catalog.selectors import demand_requests
from peerwheel.hub.activity import (
    HubActivity,
    hub_activity,
    influence_event_rows,
    visible_first_use,
)
from peerwheel.insights.models import Nudge
from peerwheel.org.selectors import people_current
from peerwheel.program.selectors import (
    champion_person_ids,
    program_actions,
    scope_person_ids,
    trained_person_ids,
)
from peerwheel.usage.selectors import HEAVY_SEGMENTS, segments_for, usage_frame

#: weeks of the organic-demand series, the leaders' consistency and the safety signals
WEEKS = 12
#: the invisible-success rule: heavy use in the last 4 weeks, nothing visible in the last 12
HEAVY_WEEKS = 4
#: months of the question-stage mix (the as-of date's month is the last, partial)
MONTHS = 6
#: how long after a nudge a share counts as its answer
NUDGE_WINDOW = timedelta(weeks=4)
NO_GROUP = "(not set)"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class PersonRow:
    id: int
    department_id: int | None
    department: str
    site: str
    role_family: str
    is_leader: bool


@dataclass(frozen=True)
class MomentumData:
    """The organisation on `as_of`, as the momentum measures need it. Days are `date`s; hub
    times are aware datetimes, all before `as_of`."""

    as_of: date
    #: the Monday of the as-of week: the measured weeks are the WEEKS before it
    week: date
    people: dict[int, PersonRow]
    #: in the rollout scope on the as-of date (None: no scope set, everyone is in it)
    scope: set[int] | None
    trained: set[int]
    #: week (Monday) → the active champions on it
    champions: dict[date, set[int]]
    #: (department id or None for the organisation, day) of every program push
    actions: list[tuple[int | None, date]]
    hub: HubActivity
    #: (source, target, kind as the flywheel names it, day) of influence events
    events: list[tuple[int, int, str, date]]
    #: person → the day of their first AI use (usage week or visible hub use)
    first_use: dict[int, date]
    #: Power or Habitual (the 4-week rule) at the last complete week with usage data
    heavy: set[int]
    #: person → the tool with most actions over the last HEAVY_WEEKS weeks
    top_tool: dict[int, str]
    #: (person id, created) of every nudge before the as-of date
    nudges: list[tuple[int, datetime]]
    #: (person, day, reason) of catalogue use requests that count as demand (asked from
    #: outside the scope, or refused: catalog.selectors.demand_requests) in the measured weeks
    access_requests: list[tuple[int, date, str]] = field(default_factory=list)

    @property
    def weeks(self) -> list[date]:
        """The measured weeks, oldest first."""
        return [self.week - timedelta(weeks=WEEKS - k) for k in range(WEEKS)]

    @property
    def since(self) -> date:
        return self.week - timedelta(weeks=WEEKS)

    def in_scope(self, person: int) -> bool:
        return self.scope is None or person in self.scope

    def scope_count(self, members: set[int]) -> int:
        return len(members) if self.scope is None else len(members & self.scope)


def momentum_since_until(as_of: date) -> tuple[date, date]:
    """The measured weeks of `as_of`: from the Monday WEEKS weeks before its week's Monday to
    that Monday (exclusive)."""
    week = monday(as_of)
    return week - timedelta(weeks=WEEKS), week


def months_start(as_of: date) -> date:
    """The first day of the first of the MONTHS months shown (the as-of month is the last)."""
    year, month = as_of.year, as_of.month - (MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _people() -> dict[int, PersonRow]:
    rows = people_current().values_list(
        "pk", "department_id", "department__name", "site__name", "role_family", "is_leader"
    )
    return {
        pk: PersonRow(pk, dept_id, dept or NO_GROUP, site or NO_GROUP, family or "", leader)
        for pk, dept_id, dept, site, family, leader in rows
    }


def _usage(week: date) -> tuple[set[int], dict[int, str], dict[int, date]]:
    """Heavy users at the last complete week before `week`, each person's top tool over the
    HEAVY_WEEKS weeks before it, and each person's first week with an AI action."""
    frame = usage_frame(with_tool=True)
    if frame.empty:
        return set(), {}, {}
    frame = frame[frame["week"] < pd.Timestamp(week)]
    frame = frame[frame["person_id"].notna()]
    used = frame[(frame["actions"] > 0) | (frame["agent_actions"] > 0)]
    first = {
        int(person): stamp.date()
        for person, stamp in used.groupby("person_id")["week"].min().items()
    }
    if frame.empty:
        return set(), {}, first
    last = frame["week"].max()
    if last < pd.Timestamp(week - timedelta(weeks=HEAVY_WEEKS)):
        return set(), {}, first  # no usage data in the last weeks: nobody is heavy now
    # The 4-week rule reads the last four weeks only (a person with fewer rows there cannot
    # have four active weeks, with or without the zeros before), so only they are segmented.
    window = frame[frame["week"] > last - pd.Timedelta(weeks=HEAVY_WEEKS)]
    weekly = window.groupby(["subject", "person_id", "week"], as_index=False)[
        ["actions", "agent_actions"]
    ].sum()
    segments = segments_for(weekly, until=last.date(), four_weeks=True)
    latest = segments[segments["week"] == last]
    heavy = {
        int(person)
        for person, segment in zip(latest["person"], latest["segment_4w"], strict=True)
        if segment in HEAVY_SEGMENTS and person > 0
    }
    recent = frame[frame["week"] >= pd.Timestamp(week - timedelta(weeks=HEAVY_WEEKS))]
    totals = recent.groupby(["person_id", "tool"])["actions"].sum().reset_index()
    totals = totals[totals["actions"] > 0].sort_values(
        ["person_id", "actions", "tool"], ascending=[True, False, True]
    )
    top = {
        int(p): str(t)
        for p, t in totals.drop_duplicates("person_id")[["person_id", "tool"]].itertuples(
            index=False
        )
    }
    return heavy, top, first


def momentum_data(*, as_of: date) -> MomentumData:
    """Read everything the momentum measures use, strictly before `as_of`."""
    week = monday(as_of)
    since = week - timedelta(weeks=WEEKS)
    until = midnight(as_of)
    hub_since = min(midnight(months_start(as_of)), midnight(since))
    heavy, top_tool, first_use = _usage(week)
    hub = hub_activity(since=hub_since, until=until)
    for person, at in visible_first_use(until=until).items():
        day = at.astimezone(UTC).date()
        if day < first_use.get(person, date.max):
            first_use[person] = day
    events = [
        (s, t, kind, at.astimezone(UTC).date())
        for s, t, kind, at in influence_event_rows(until=until, since=midnight(since))
    ]
    weeks = [since + timedelta(weeks=k) for k in range(WEEKS)]
    return MomentumData(
        as_of=as_of,
        week=week,
        people=_people(),
        scope=scope_person_ids(on=as_of),
        trained=trained_person_ids(),
        champions={w: champion_person_ids(on=w) for w in weeks},
        actions=program_actions(since=since - timedelta(days=28), until=as_of - timedelta(days=1)),
        hub=hub,
        events=events,
        first_use=first_use,
        heavy=heavy,
        top_tool=top_tool,
        nudges=list(Nudge.objects.filter(created__lt=until).values_list("person_id", "created")),
        access_requests=[
            (person, day, reason)
            for person, _department, day, reason in demand_requests(
                since=since, until=as_of - timedelta(days=1)
            )
        ],
    )
