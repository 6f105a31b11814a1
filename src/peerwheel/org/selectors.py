"""Reads for the organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from peerwheel.org.models import Person, Site

EXPORT_FIELDS = (
    "employee_id",
    "name",
    "email",
    "department",
    "team",
    "site",
    "role_family",
    "job_title",
    "manager_id",
    "is_leader",
    "active",
    "left_on",
)


def people_current() -> QuerySet[Person]:
    """The people still in the organisation: THE set every headcount, denominator and privacy
    group counts. Leavers (`active` False) are kept with their history but are not in it."""
    return Person.objects.filter(active=True)


def leaving_days() -> dict[int, date | None]:
    """Leavers' person ids → the day each left (None when not known)."""
    return dict(Person.objects.filter(active=False).values_list("pk", "left_on"))


@dataclass(frozen=True)
class OrgOverview:
    """The current organisation (leavers left out)."""

    people: int
    departments: int
    sites: int
    teams: int
    leaders: int


def org_overview() -> OrgOverview:
    current = people_current()
    counts = current.aggregate(
        people=Count("id"),
        departments=Count("department", distinct=True),
        sites=Count("site", distinct=True),
        teams=Count("team", distinct=True),
    )
    return OrgOverview(
        people=counts["people"],
        departments=counts["departments"],
        sites=counts["sites"],
        teams=counts["teams"],
        leaders=current.filter(is_leader=True).count(),
    )


def headcount_by_department_and_site() -> list[tuple[str, str, int]]:
    """(department, site, people) for every non-empty pair, in name order (current people)."""
    rows = (
        people_current()
        .values("department__name", "site__name")
        .annotate(n=Count("id"))
        .order_by("department__name", "site__name")
    )
    return [(r["department__name"] or "(none)", r["site__name"] or "(none)", r["n"]) for r in rows]


def site_names() -> list[str]:
    return list(Site.objects.values_list("name", flat=True))


def people_for_export() -> QuerySet[Person]:
    return Person.objects.select_related("department", "team", "site", "manager").order_by(
        "employee_id"
    )


def people_export_rows() -> Iterator[dict[str, str | bool]]:
    """One plain row per person, in the order of EXPORT_FIELDS."""
    for person in people_for_export().iterator(chunk_size=2000):
        yield {
            "employee_id": person.employee_id,
            "name": person.name,
            "email": person.email,
            "department": person.department.name if person.department else "",
            "team": person.team.name if person.team else "",
            "site": person.site.name if person.site else "",
            "role_family": person.role_family,
            "job_title": person.job_title,
            "manager_id": person.manager.employee_id if person.manager else "",
            "is_leader": person.is_leader,
            "active": person.active,
            "left_on": person.left_on.isoformat() if person.left_on else "",
        }


def person_for_user(user: object) -> Person | None:
    """The Person a login is linked to, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Person.objects.select_related("department", "team", "site")
        .filter(user=user)  # type: ignore[misc]
        .first()
    )
