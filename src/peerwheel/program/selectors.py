"""What other apps (and the program's own pages) read from the rollout program.

The contract of the other parts (docs/architecture.md): `scope_person_ids`,
`champion_person_ids`, `program_actions` and `trained_person_ids`. With nothing recorded they
give the "nothing set" answers: no scope (None: everyone is in scope), no champions, no actions,
no one trained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from peerwheel.core.errors import NotFoundError
from peerwheel.org.selectors import people_current
from peerwheel.program.models import Champion, Gate, ScopeEntry, Stage, StageMove
from peerwheel.program.sessions_selectors import SessionView as SessionView
from peerwheel.program.sessions_selectors import (
    completed_cohort_person_ids,
    session_program_actions,
)
from peerwheel.program.sessions_selectors import next_session as next_session


def _today() -> date:
    return timezone.localdate()


def _entries_on(on: date) -> QuerySet[ScopeEntry]:
    return ScopeEntry.objects.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gt=on))


def scope_person_ids(*, on: date | None = None) -> set[int] | None:
    """People in the rollout scope on a day; None = no scope set (everyone is in scope).

    A person is in scope when they are named, or their department or site is, by an entry open
    on that day. Only current people (leavers out)."""
    if not ScopeEntry.objects.exists():
        return None
    entries = list(
        _entries_on(on or _today()).values_list("unit", "person_id", "department_id", "site_id")
    )
    people = {p for unit, p, _, _ in entries if unit == ScopeEntry.Unit.PERSON}
    departments = {d for unit, _, d, _ in entries if unit == ScopeEntry.Unit.DEPARTMENT}
    sites = {s for unit, _, _, s in entries if unit == ScopeEntry.Unit.SITE}
    found = people_current().filter(
        Q(pk__in=people) | Q(department_id__in=departments) | Q(site_id__in=sites)
    )
    return set(found.values_list("pk", flat=True))


def champion_person_ids(*, on: date | None = None) -> set[int]:
    """People who are active champions (accepted, not stepped down) on a day."""
    day = on or _today()
    rows = Champion.objects.filter(accepted_at__isnull=False, accepted_at__date__lte=day).filter(
        Q(stepped_down_at__isnull=True) | Q(stepped_down_at__date__gt=day)
    )
    return set(rows.values_list("person_id", flat=True))


def program_actions(*, since: date, until: date) -> list[tuple[int | None, date]]:
    """(department id or None for organisation-wide, day) of every program push in
    [since, until]: a stage move (organisation-wide), a department, site or person joining the
    scope (their department); a cohort or promptathon start, a show-and-tell session
    (program/sessions_selectors.py). Organic demand's "before any push"."""
    actions: set[tuple[int | None, date]] = set()
    for moved in StageMove.objects.filter(
        moved_at__date__gte=since, moved_at__date__lte=until
    ).values_list("moved_at", flat=True):
        actions.add((None, timezone.localdate(moved)))
    entries = ScopeEntry.objects.filter(since__gte=since, since__lte=until)
    for unit, department, site, person_department, day in entries.values_list(
        "unit", "department_id", "site_id", "person__department_id", "since"
    ):
        if unit == ScopeEntry.Unit.DEPARTMENT:
            actions.add((department, day))
        elif unit == ScopeEntry.Unit.PERSON:
            actions.add((person_department, day))
        else:
            for at_site in (
                people_current()
                .filter(site_id=site)
                .values_list("department_id", flat=True)
                .distinct()
            ):
                actions.add((at_site, day))
    actions |= session_program_actions(since=since, until=until)
    return sorted(actions, key=lambda action: (action[1], action[0] or 0))


def trained_person_ids() -> set[int]:
    """People recorded as trained (a cohort completed, a training import); empty if none."""
    return completed_cohort_person_ids()


# --- the program's own reads --------------------------------------------------------------------


def current_stage() -> tuple[str, datetime | None]:
    """The organisation's stage and when it moved there (Crawl, None before any move)."""
    latest = StageMove.objects.order_by("-moved_at", "-pk").first()
    if latest is None:
        return Stage.CRAWL.value, None
    return latest.to_stage, latest.moved_at


def stage_history() -> list[StageMove]:
    """Every stage move, newest first, with who made it."""
    return list(StageMove.objects.select_related("by").order_by("-moved_at", "-pk"))


def gates_for(stage: str) -> list[Gate]:
    """A stage's gates (active and switched off), in order."""
    return list(Gate.objects.filter(stage=stage).order_by("position", "pk"))


@dataclass(frozen=True)
class ScopeEntryView:
    pk: int
    unit: str
    name: str
    stage: str
    since: date
    until: date | None


def scope_entries(*, on: date | None = None) -> list[ScopeEntryView]:
    """The scope's entries open on a day, people by name."""
    rows = _entries_on(on or _today()).select_related("person", "department", "site")
    return [
        ScopeEntryView(
            pk=e.pk,
            unit=e.unit,
            name=str(e.person.display_name if e.person else e.department or e.site),
            stage=e.stage,
            since=e.since,
            until=e.until,
        )
        for e in rows.order_by("unit", "since", "pk")
    ]


def site_stages(*, on: date | None = None) -> dict[str, str]:
    """Site name → its own stage, from the site entries of the scope open on a day."""
    rows = _entries_on(on or _today()).filter(unit=ScopeEntry.Unit.SITE).select_related("site")
    return {e.site.name: e.stage for e in rows.order_by("since", "pk") if e.site}


def champion_for_person(person_id: int) -> Champion | None:
    return Champion.objects.select_related("person").filter(person_id=person_id).first()


def champion_get(pk: int) -> Champion:
    """A champion row by id (the services decide who may act on it), else NotFoundError."""
    champion = Champion.objects.select_related("person").filter(pk=pk).first()
    if champion is None:
        raise NotFoundError("No such champion invitation.")
    return champion


def change_columns() -> list[tuple[type[Model], tuple[str, ...]]]:
    """The columns whose count and latest value change whenever the program's data does
    (scope, stage moves, champions), for the caches of reports that read it
    (insights.caching builds one query of them)."""
    return [
        (ScopeEntry, ("id", "until")),
        (StageMove, ("id",)),
        (Champion, ("id", "responded_at", "stepped_down_at", "invited_at")),
    ]
