"""Reads for AI usage: segments for everyone (one query, then the engine), one person's own
usage, the adoption ladder, and the suppressed overview by department and by site.

Segments are computed per subject (a person, or an unmatched id) with
`MissingWeeks.ZERO` up to the latest week in the data: most sources list only active weeks, so a
week with no record is a week without use. On a Viva person query (a row for every person-week)
this is the same as Viva's own rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
import psycopg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Max

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.core.models import Import
from peerwheel.engine.privacy import suppress_counts
from peerwheel.engine.segments import (
    FOUR_WEEKS,
    SEGMENT_DTYPE,
    TWELVE_WEEKS,
    MissingWeeks,
    UsageSegment,
    adoption_ladder,
    segment_codes,
    usage_segments,
)
from peerwheel.engine.usage_series import unpack
from peerwheel.org.models import Person
from peerwheel.org.selectors import leaving_days
from peerwheel.usage.models import UsageSeries, subject_for
from peerwheel.usage.unmatched import unmatched_groups

SEGMENT_ORDER: tuple[UsageSegment, ...] = tuple(UsageSegment)
HEAVY_SEGMENTS = frozenset({UsageSegment.POWER, UsageSegment.HABITUAL})
EXPORT_FIELDS = ("person_id", "week", "segment_12w", "segment_4w")
NO_GROUP = "(not set)"


SeriesRow = tuple[int | None, str, str, bytes | memoryview, int | None]


def _series_rows(person_id: int | None) -> list[SeriesRow]:
    """(person_id, external_id, tool, data, last_source_id) of every series, or of one
    person's. On PostgreSQL the rows come in psycopg's binary format: the packed weeks arrive as
    they are, not as hex."""
    series = UsageSeries.objects.all()
    if person_id is not None:
        series = series.filter(subject=subject_for(person_id=person_id, external_id=""))
    query = series.values_list("person_id", "external_id", "tool", "data", "last_source_id")
    if connection.vendor != "postgresql":
        return list(query)
    sql, params = query.query.sql_with_params()
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # server-side binding: binary allowed
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def _per_entry(
    rows: list[SeriesRow], position: int, lengths: npt.NDArray[np.int64]
) -> npt.NDArray[np.object_]:
    """A column of the series rows, repeated for each of their weekly entries."""
    return np.repeat(np.array([row[position] for row in rows], dtype=object), lengths)


def usage_records(*, person_id: int | None = None) -> pd.DataFrame:
    """Every weekly usage record (or one person's), one row each: person_id (nullable Int64),
    external_id (the id the latest import of the series used), week (datetime64, the Monday),
    tool, actions, agent_actions, active_days (nullable Int64), source_id (the import)."""
    rows = _series_rows(person_id)
    entries, lengths = unpack([row[3] for row in rows])

    def repeated(position: int) -> np.ndarray:
        return _per_entry(rows, position, lengths)

    days = entries["active_days"].astype(np.int64)
    return pd.DataFrame(
        {
            "person_id": pd.array(repeated(0), dtype="Int64"),
            "external_id": repeated(1),
            "week": entries["week"].astype("datetime64[D]").astype("datetime64[ns]"),
            "tool": repeated(2),
            "actions": entries["actions"].astype(np.int64),
            "agent_actions": entries["agent_actions"].astype(np.int64),
            "active_days": pd.arrays.IntegerArray(days, days < 0),  # -1: none given
            "source_id": entries["source"].astype(np.int64),
        }
    )


USAGE_EXPORT_FIELDS = (
    "employee_id",
    "unmatched_id",
    "week",
    "tool",
    "actions",
    "agent_actions",
    "active_days",
    "import_id",
)


def usage_export_frame() -> pd.DataFrame:
    """Every weekly usage record, one row per person, week and tool, for `peerwheel export
    usage`: employee_id (the matched person's), unmatched_id (the id the import used, only on a
    row no person matched: a matched person's external id, often an email, is not repeated),
    week (datetime64, the Monday), tool, actions, agent_actions, active_days (nullable) and
    import_id (the import that last wrote the series). Ordered by person, tool and week."""
    records = usage_records()
    matched = records["person_id"].notna().to_numpy(dtype=bool)
    people = records["person_id"].fillna(0).to_numpy(dtype=np.int64)
    known = pd.Series(dict(Person.objects.values_list("pk", "employee_id")), dtype=object)
    employee = known.reindex(people).to_numpy(dtype=object).copy()
    employee[~matched] = None
    unmatched = records["external_id"].to_numpy(dtype=object).copy()
    unmatched[matched] = None
    frame = pd.DataFrame(
        {
            "employee_id": employee,
            "unmatched_id": unmatched,
            "week": records["week"],
            "tool": records["tool"],
            "actions": records["actions"],
            "agent_actions": records["agent_actions"],
            "active_days": records["active_days"],
            "import_id": records["source_id"],
        },
        columns=list(USAGE_EXPORT_FIELDS),
    )
    order = ["employee_id", "unmatched_id", "tool", "week"]
    return frame.sort_values(order, kind="stable", na_position="last", ignore_index=True)


def usage_frame(*, person_id: int | None = None, with_tool: bool = False) -> pd.DataFrame:
    """Every usage record (or one person's) for segmenting: columns subject (an integer: the
    person id, or minus a number per unmatched external id), person_id (NaN when unmatched),
    week (datetime64), actions, agent_actions (and tool, when asked)."""
    return _usage_frame_of(_series_rows(person_id), with_tool=with_tool)


def _subjects(rows: list[SeriesRow]) -> npt.NDArray[np.int64]:
    """Each series' subject as a number: its person id, or minus a number per unmatched id."""
    people = np.array([row[0] if row[0] is not None else -1 for row in rows], dtype=np.int64)
    unmatched = people < 0
    codes, _ = pd.factorize(pd.Series([row[1] for row in rows], dtype=object)[unmatched])
    people[unmatched] = -1 - codes.astype(np.int64)
    return people


def _usage_frame_of(rows: list[SeriesRow], *, with_tool: bool = False) -> pd.DataFrame:
    entries, lengths = unpack([row[3] for row in rows])
    subject = _subjects(rows)
    frame = pd.DataFrame(
        {
            "subject": np.repeat(subject, lengths),
            "person_id": np.repeat(np.where(subject < 0, np.nan, subject), lengths),
            "week": entries["week"].astype("datetime64[D]").astype("datetime64[ns]"),
            "actions": entries["actions"].astype(np.int64),
            "agent_actions": entries["agent_actions"].astype(np.int64),
        }
    )
    if with_tool:
        frame["tool"] = _per_entry(rows, 2, lengths)
    return frame


def _external_ids(rows: list[SeriesRow]) -> pd.Series:
    """Subject → the external id its latest import used (for a person with several series,
    the one of the series changed last)."""
    chosen: dict[int, tuple[int, str]] = {}
    for subject, row in zip(_subjects(rows).tolist(), rows, strict=True):
        candidate = (row[4] or 0, row[1])
        if subject not in chosen or candidate > chosen[subject]:
            chosen[subject] = candidate
    return pd.Series({subject: external for subject, (_, external) in chosen.items()})


def latest_week() -> date | None:
    return UsageSeries.objects.aggregate(last=Max("last_week"))["last"]


def people_with_usage() -> set[int]:
    """The people with at least one usage series linked to them."""
    return set(UsageSeries.objects.filter(person__isnull=False).values_list("person_id", flat=True))


def segments_for(
    frame: pd.DataFrame, *, until: date | None = None, four_weeks: bool = False
) -> pd.DataFrame:
    """`engine.segments.usage_segments` on a `usage_frame`, per subject (both rules when asked)."""
    result = usage_segments(
        frame,
        person="subject",
        missing_weeks=MissingWeeks.ZERO,
        until=until,
        rule=TWELVE_WEEKS,
    )
    if four_weeks:  # the same person-weeks (zeros filled in), ranked by the 4-week rule
        person = result["person"].to_numpy()
        group = np.cumsum(np.r_[False, person[1:] != person[:-1]]).astype(np.int64)
        rank = segment_codes(group, result["actions"].to_numpy(dtype=np.int64), FOUR_WEEKS)[0]
        result["segment_4w"] = pd.Categorical.from_codes(rank, dtype=SEGMENT_DTYPE)
    return result


def segments_all(*, four_weeks: bool = False) -> pd.DataFrame:
    """Segments for every subject and week, with `person_id` (NaN when unmatched) and
    `external_id` (the id the latest import used for the subject)."""
    rows = _series_rows(None)
    result = segments_for(_usage_frame_of(rows), four_weeks=four_weeks)
    if result.empty:
        return result.assign(person_id=pd.Series(dtype="Int64"), external_id=pd.Series(dtype=str))
    subject = result["person"].to_numpy(dtype=np.int64)
    result["person_id"] = np.where(subject > 0, subject, np.nan)
    result["external_id"] = _external_ids(rows).reindex(subject).to_numpy()
    return result


def segments_export_frame() -> pd.DataFrame:
    """`person_id, week, segment_12w, segment_4w`: the id the import used, the ISO date, and
    Viva Insights' labels ("Power User", ..., "Non-user")."""
    result = segments_all(four_weeks=True)
    labels = np.array([segment.label for segment in SEGMENT_DTYPE.categories], dtype=object)
    days = result["week"].to_numpy().astype("datetime64[D]").astype(np.int64)
    first = int(days.min()) if len(days) else 0
    span = np.arange(first, int(days.max()) + 1 if len(days) else 0).astype("datetime64[D]")
    iso = np.datetime_as_string(span).astype(object)  # each date once, not once per row
    return pd.DataFrame(
        {
            "person_id": result["external_id"].to_numpy(),
            "week": iso[days - first],
            "segment_12w": labels[result["segment"].cat.codes.to_numpy()],
            "segment_4w": labels[result["segment_4w"].cat.codes.to_numpy()],
        },
        columns=list(EXPORT_FIELDS),
    )


def without_leavers(result: pd.DataFrame) -> pd.DataFrame:
    """Segment rows less the weeks after each leaver left (`org.selectors.leaving_days`): a
    leaver counts in the weeks they were there and in no denominator or group after."""
    leaving = leaving_days()
    if result.empty or not leaving:
        return result
    person = result["person_id"]
    left = person.map(
        {k: np.datetime64(v, "ns") if v else np.datetime64("NaT") for k, v in leaving.items()}
    )
    is_leaver = person.isin(list(leaving)).to_numpy()
    # A week is dropped when it starts after the day they left (or they left on no known day).
    after = is_leaver & ~(result["week"].to_numpy() <= left.to_numpy(dtype="datetime64[ns]"))
    return result[~after]


def ladder_all() -> pd.DataFrame:
    """People per week on each rung of the adoption ladder, with agent users (leavers counted
    until they left)."""
    return adoption_ladder(without_leavers(segments_all()))


@dataclass(frozen=True)
class PersonUsage:
    """One person's own usage, for that person's eyes only."""

    person: Person
    weekly: pd.DataFrame  # week, tool, actions, agent_actions
    segments: pd.DataFrame  # the engine's per-week rows for this person
    current: UsageSegment | None
    current_4w: UsageSegment | None
    agent_user: bool
    tools: list[str]


def person_usage_for_viewer(person_id: int, viewer: User | AnonymousUser) -> PersonUsage:
    """A person's usage, for that person only: anyone else (admins too) gets NotFoundError, not
    ForbiddenError, so the page does not even confirm that someone has usage."""
    own = getattr(viewer, "person", None) if viewer.is_authenticated else None
    if own is None or own.pk != person_id:
        raise NotFoundError("No such page")
    return _person_usage(own)


def import_for_viewer(import_id: int, viewer: User | AnonymousUser) -> Import:
    """An import's record (the Imports pages) for someone who may import data: ForbiddenError
    for anyone else, NotFoundError when there is none."""
    if not has_capability(viewer, Capability.IMPORT_DATA):
        raise ForbiddenError(f"This needs the '{Capability.IMPORT_DATA.label}' permission.")
    record = Import.objects.select_related("by").filter(pk=import_id).first()
    if record is None:
        raise NotFoundError(f"There is no import {import_id}.")
    return record


def _person_usage(person: Person) -> PersonUsage:
    frame = usage_frame(person_id=person.pk, with_tool=True)
    if frame.empty:
        empty = pd.DataFrame(columns=["week", "tool", "actions", "agent_actions"])
        return PersonUsage(person, empty, pd.DataFrame(), None, None, False, [])
    segments = segments_for(frame, until=latest_week(), four_weeks=True)
    last = segments.iloc[-1]
    weekly = frame[["week", "tool", "actions", "agent_actions"]].sort_values(["week", "tool"])
    return PersonUsage(
        person=person,
        weekly=weekly.reset_index(drop=True),
        segments=segments,
        current=last["segment"],
        current_4w=last["segment_4w"],
        agent_user=bool(last["agent_user"]),
        tools=sorted(frame["tool"].unique().tolist()),
    )


def overview(*, by: str) -> pd.DataFrame:
    """Segment counts and shares per week and group (`by`: "department" or "site"), with small
    groups suppressed (complementary suppression included) at `PEERWHEEL_MIN_GROUP`.

    People, and unmatched ids whose file gave their group (`usage.unmatched`: a hashed Viva
    PersonId with its Organization); leavers until they left. Columns: week, group, one per
    segment value, people, share_<segment>, suppressed.
    """
    if by not in ("department", "site"):
        raise ValueError("by must be 'department' or 'site'")
    result = without_leavers(segments_all())
    categories = [s.value for s in SEGMENT_ORDER]
    empty = pd.DataFrame(columns=["week", "group", *categories, "people", "suppressed"])
    if result.empty:
        return empty
    kept = unmatched_groups(by)
    is_person = result["person_id"].notna().to_numpy()
    counted = is_person | result["external_id"].isin(list(kept)).to_numpy()
    matched = result[counted]
    if matched.empty:
        return empty
    person = matched["person_id"].fillna(0).astype(np.int64)
    groups = dict(
        Person.objects.filter(pk__in=person[person > 0].unique().tolist()).values_list(
            "pk", f"{by}__name"
        )
    )
    names = pd.Series(
        np.where(
            is_person[counted],
            person.map(groups).to_numpy(dtype=object),
            matched["external_id"].map(kept).to_numpy(dtype=object),
        ),
        dtype=object,
    ).fillna(NO_GROUP)
    table = pd.crosstab(
        [matched["week"].to_numpy(), names.to_numpy()],
        pd.Categorical.from_codes(matched["segment"].cat.codes, categories=categories),
        dropna=False,
    )
    table = table.reset_index()
    table.columns = ["week", "group", *categories]
    return suppress_counts(
        table,
        period="week",
        group="group",
        categories=categories,
        min_group=settings.PEERWHEEL_MIN_GROUP,
    )


@dataclass(frozen=True)
class UsageOutcome:
    """A person's usage at their latest week of data, as the study's outcomes: heavy user (the
    Power or Habitual segment, 12-week rule) and agent user (any agent action in the last
    4 weeks)."""

    heavy_user: bool
    agent_user: bool


def usage_outcomes(person_ids: Sequence[int]) -> dict[int, UsageOutcome]:
    """Heavy and agent use of these people at each one's latest week of usage data; a person
    with no usage series linked is absent (the study then falls back to the self-report)."""
    wanted = [int(i) for i in person_ids]
    if not UsageSeries.objects.filter(person__in=wanted).exists():
        return {}
    frame = segments_all()
    frame = frame[frame["person_id"].isin(wanted)]
    latest = frame.sort_values("week", kind="stable").groupby("person_id").tail(1)
    return {
        int(person_id): UsageOutcome(segment in HEAVY_SEGMENTS, bool(agent))
        for person_id, segment, agent in zip(
            latest["person_id"], latest["segment"], latest["agent_user"], strict=True
        )
    }
