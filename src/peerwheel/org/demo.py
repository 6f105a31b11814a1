"""Write the demo organisation (from the engine) into the database, and the `DemoContext` that
every part's demo step receives (here, below the product apps, so that their `demo.py` modules
need not import the face's `peerwheel.demo`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from peerwheel.engine.demo_org import DemoOrganisation
from peerwheel.org.models import Department, Person, Site, Team, Tie


@dataclass
class DemoContext:
    """The demo being built: the engine's organisation, node → Person, the seed, the demo
    logins (role name → who) and notes for the command to print."""

    org: DemoOrganisation
    people: dict[int, Person]
    seed: int
    logins: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


DemoStep = Callable[[DemoContext], None]


@transaction.atomic
def demo_organisation_load(org: DemoOrganisation) -> dict[int, Person]:
    """Create the demo's departments, sites, teams, people and ties; return node → Person."""
    frame = org.people
    departments = {
        name: Department.objects.create(name=name) for name in sorted(frame["department"].unique())
    }
    sites = {name: Site.objects.create(name=name) for name in sorted(frame["site"].unique())}
    teams: dict[tuple[str, str], Team] = {}
    for team_name, department in sorted(
        {(t, d) for t, d in zip(frame["team"], frame["department"], strict=True) if t}
    ):
        teams[(team_name, department)] = Team.objects.create(
            name=team_name, department=departments[department]
        )
    people = [
        Person(
            employee_id=row.employee_id,
            name=row.name,
            email=row.email,
            department=departments[row.department],
            team=teams.get((row.team, row.department)),
            site=sites[row.site],
            role_family=row.role_family,
            job_title=row.job_title,
            is_leader=bool(row.is_leader),
        )
        for row in frame.itertuples(index=False)
    ]
    Person.objects.bulk_create(people, batch_size=1000)
    by_employee = Person.objects.in_bulk(list(frame["employee_id"]), field_name="employee_id")
    by_node = {node: by_employee[eid] for node, eid in enumerate(frame["employee_id"])}
    for node, manager in enumerate(frame["manager"].to_numpy()):
        if manager >= 0:
            by_node[node].manager = by_node[int(manager)]
    Person.objects.bulk_update(list(by_node.values()), ["manager"], batch_size=1000)
    ties = [
        Tie(
            person_a=by_node[int(a)],
            person_b=by_node[int(b)],
            weight=float(w),
            source=Tie.Source.DEMO,
        )
        for a, b, w in zip(org.ties["source"], org.ties["target"], org.ties["weight"], strict=True)
    ]
    Tie.objects.bulk_create(ties, batch_size=2000)
    return by_node
