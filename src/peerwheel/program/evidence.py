"""What the program reads about the organisation on a day, gathered once: the current people,
the scope, the active champions, usage segments, adoption days and the weekly R.

Each piece is read when first asked for (`functools.cached_property`), so a page that needs no
R never computes one. Every read goes through another part's selectors (org, usage, insights)
or the hub's program reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from django.core.cache import cache

from peerwheel.engine.flywheel.attribution import attribute
from peerwheel.engine.flywheel.reproduction import cori_rt, imported_adopters, weekly_new_adopters
from peerwheel.engine.segments import UsageSegment
from peerwheel.insights.caching import data_fingerprint
from peerwheel.insights.report import DEFAULT_GENERATION_PMF
from peerwheel.insights.selectors import FlywheelInputs, flywheel_inputs
from peerwheel.org.selectors import people_current
from peerwheel.usage.selectors import segments_all, usage_records

#: usage segments that count as habitual (DESIGN.md: Habitual or Power)
HABITUAL = frozenset({UsageSegment.HABITUAL, UsageSegment.POWER})
NOVICE_OR_ABOVE = frozenset({UsageSegment.NOVICE, UsageSegment.HABITUAL, UsageSegment.POWER})
AGENT_WEEKS = 4
CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class PersonRow:
    """One current person, as the program needs them."""

    pk: int
    employee_id: str
    name: str
    email: str
    department_id: int | None
    department: str
    site_id: int | None
    site: str
    team_id: int | None
    role_family: str
    manager_id: int | None
    is_leader: bool


def at_midnight(day: date) -> datetime:
    """The first instant of a day, in UTC (what the hub's `created` is compared with)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def current_people() -> dict[int, PersonRow]:
    """Everyone in the organisation now (leavers out), by person id."""
    rows = people_current().values_list(
        "pk",
        "employee_id",
        "name",
        "email",
        "department_id",
        "department__name",
        "site_id",
        "site__name",
        "team_id",
        "role_family",
        "manager_id",
        "is_leader",
    )
    return {
        row[0]: PersonRow(
            pk=row[0],
            employee_id=row[1],
            name=row[2] or row[3] or row[1],
            email=row[3],
            department_id=row[4],
            department=row[5] or "(no department)",
            site_id=row[6],
            site=row[7] or "(no site)",
            team_id=row[8],
            role_family=row[9],
            manager_id=row[10],
            is_leader=row[11],
        )
        for row in rows.order_by("pk")
    }


class Snapshot:
    """The organisation on `as_of` (data strictly before that day), read lazily."""

    def __init__(
        self,
        *,
        as_of: date,
        scope: set[int] | None,
        champions: set[int],
        people: dict[int, PersonRow],
    ) -> None:
        self.as_of = as_of
        self.people = people
        #: None: no scope set, everyone is in scope
        self.scope = scope
        self.champions = champions & set(people)

    @property
    def until(self) -> datetime:
        return at_midnight(self.as_of)

    @cached_property
    def in_scope(self) -> set[int]:
        """The current people in the rollout scope (everyone when no scope is set)."""
        return set(self.people) if self.scope is None else self.scope & set(self.people)

    @cached_property
    def segments(self) -> dict[int, tuple[UsageSegment, UsageSegment]]:
        """Person id → (12-week segment, 4-week segment) in the latest usage week before
        `as_of`; people without usage are not in it (non-users)."""
        frame = segments_all(four_weeks=True)
        if frame.empty:
            return {}
        frame = frame[frame["person_id"].notna() & (frame["week"] < pd.Timestamp(self.as_of))]
        if frame.empty:
            return {}
        latest = frame[frame["week"] == frame["week"].max()]
        return {
            int(person): (twelve, four)
            for person, twelve, four in zip(
                latest["person_id"], latest["segment"], latest["segment_4w"], strict=True
            )
            if int(person) in self.people
        }

    @cached_property
    def latest_usage_week(self) -> date | None:
        frame = segments_all()
        if frame.empty:
            return None
        weeks = frame["week"][frame["week"] < pd.Timestamp(self.as_of)]
        return None if weeks.empty else weeks.max().date()

    def segment_count(
        self, people: set[int], segments: frozenset[UsageSegment], *, four: bool
    ) -> int:
        """How many of `people` are in one of `segments` (the 4-week rule when `four`)."""
        index = 1 if four else 0
        return sum(1 for p in people if p in self.segments and self.segments[p][index] in segments)

    @cached_property
    def agent_users(self) -> set[int]:
        """People with an agent action in the last 4 weeks before `as_of`."""
        records = usage_records()
        if records.empty:
            return set()
        start = pd.Timestamp(self.as_of - timedelta(weeks=AGENT_WEEKS))
        recent = records[
            records["person_id"].notna()
            & (records["agent_actions"] > 0)
            & (records["week"] >= start)
            & (records["week"] < pd.Timestamp(self.as_of))
        ]
        return {int(p) for p in recent["person_id"].unique()} & set(self.people)

    @cached_property
    def inputs(self) -> FlywheelInputs:
        """The organisation as the flywheel math reads it on `as_of` (insights' one reading)."""
        return flywheel_inputs(as_of=self.as_of)

    @cached_property
    def adoption(self) -> dict[int, date]:
        """Person id → the day they adopted (insights' definition: first AI action or first
        visible use on the hub), before `as_of`."""
        inputs = self.inputs
        days = inputs.data.adoption_day
        adopted = np.flatnonzero(days >= 0)
        return {
            int(inputs.person_ids[i]): inputs.origin + timedelta(days=int(days[i]))
            for i in adopted.tolist()
        }

    @cached_property
    def r_series(self) -> list[dict[str, Any]]:
        """The weekly curve-only R (Cori) before `as_of`, as the Flywheel page's "R over time"
        computes it (cached until the data changes): {week, value, low, high}."""
        key = f"program:r:{self.as_of.isoformat()}:{data_fingerprint()}"
        found = cache.get(key)
        if found is None:
            found = weekly_r_points(self.inputs)
            cache.set(key, found, CACHE_SECONDS)
        return found

    def weekly_r(self, weeks: int) -> list[dict[str, Any]]:
        """The weekly R of the last `weeks` weeks before `as_of`."""
        start = self.as_of - timedelta(weeks=weeks)
        return [
            point
            for point in self.r_series
            if start <= date.fromisoformat(point["week"]) < self.as_of
            and point["value"] is not None
        ]


def weekly_r_points(inputs: FlywheelInputs) -> list[dict[str, Any]]:
    """Cori's R week by week from new adopters, the generation interval from the attribution
    (the default one without ties and events): the pieces of insights.report's R over time."""
    data = inputs.data
    incidence = weekly_new_adopters(data)
    if incidence.sum() == 0:
        return []
    attribution = attribute(data) if inputs.adopters and (inputs.ties or inputs.events) else None
    serial = attribution.realised_pmf if attribution is not None else DEFAULT_GENERATION_PMF
    series = cori_rt(incidence, serial, imported=imported_adopters(data, attribution))
    return [
        {
            "week": inputs.date_of(7 * int(week)).isoformat(),
            "value": round(float(mean), 3),
            "low": round(float(low), 3),
            "high": round(float(high), 3),
        }
        for week, mean, low, high in zip(
            series.t_end, series.mean, series.low, series.high, strict=True
        )
        if np.isfinite(mean)
    ]
