"""Build the whole demo: the organisation, then each part's content, then one login per role.

Each part of the product adds its own step to DEMO_STEPS; a step receives the DemoContext and
writes its content through that part's services.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from django.db import transaction

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.catalog.demo import catalog_demo
from peerwheel.digest.demo import digest_demo
from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import hub_demo
from peerwheel.hub.stages_demo import stages_demo
from peerwheel.insights.demo import insights_demo, momentum_demo
from peerwheel.notifications.demo import notifications_demo
from peerwheel.org.demo import DemoContext, DemoStep, demo_organisation_load
from peerwheel.org.models import Person
from peerwheel.program.demo import program_demo, program_scope_demo
from peerwheel.program.demo_sessions import sessions_demo
from peerwheel.simulate.demo import simulate_demo
from peerwheel.study.demo import demo_survey_wave
from peerwheel.usage.demo import usage_demo
from peerwheel.usage.selectors import segments_all

DEMO_PASSWORD = "peerwheel-demo"  # noqa: S105 - a documented password for the local demo only


def _member_pick(frame: pd.DataFrame, people: dict[int, Person]) -> int:
    """A salesperson who has taken up AI (the highest usage segment now), so that the member's
    own "My usage" page has a story to show; the first one when nobody has usage."""
    candidates = frame.index[(frame["role_family"] == "sales") & (frame["level"] == 3)]
    segments = segments_all()
    if segments.empty:
        return int(candidates[0])
    latest = segments[segments["week"] == segments["week"].max()]
    rank = dict(zip(latest["person_id"], latest["segment"].cat.codes, strict=True))
    return int(max(candidates, key=lambda node: rank.get(people[int(node)].pk, -1)))


def _demo_logins(context: DemoContext) -> None:
    """One login per role, each linked to a plausible person in the demo organisation."""
    frame = context.org.people
    picks = {
        Role.MEMBER: _member_pick(frame, context.people),
        Role.CHAMPION: frame.index[(frame["role_family"] == "engineering") & (frame["level"] == 3)][
            0
        ],
        Role.LEAD: frame.index[frame["department"] == "People"][0],
        Role.ANALYST: frame.index[(frame["role_family"] == "finance") & (frame["level"] == 3)][0],
        Role.ADMIN: frame.index[(frame["role_family"] == "operations") & (frame["level"] == 3)][0],
    }
    for role, node in picks.items():
        person = context.people[int(node)]
        user_create(
            username=role.value,
            role=role,
            email=person.email,
            password=DEMO_PASSWORD,
            person_employee_id=person.employee_id,
            check_password=False,
        )
        context.logins[role.value] = f"{person.display_name}, {person.job_title}"


#: Logins after usage, so the member can be someone with usage of their own to look at.
DEMO_STEPS: list[DemoStep] = [
    hub_demo,
    usage_demo,
    _demo_logins,
    notifications_demo,  # follows and the preferences, after the hub and the logins
    stages_demo,  # champions' stage corrections: after the logins
    demo_survey_wave,
    simulate_demo,
    program_scope_demo,  # the rollout's scope and the move to Walk, before the catalogue
    catalog_demo,  # after the logins (the lead answers reviews) and the program's scope
    insights_demo,
    program_demo,  # champions, buddies, gates and a wave plan: after insights' ties and events
    sessions_demo,  # a promptathon, a cohort, show-and-tell: pushes before momentum's
    momentum_demo,  # nudges to invisible successes, before the digest that carries them
    digest_demo,  # last week's digest, after everything it reads (nudges included)
]


def demo_build(
    *, people: int = 600, seed: int = 42, on_step: Callable[[str], None] | None = None
) -> DemoContext:
    """Generate and load the demo into an empty database, in one transaction."""
    if Person.objects.exists():
        raise ValueError(
            "the database already has people; the demo loads into an empty database "
            "(use a new --db path)"
        )
    with transaction.atomic():
        if on_step:
            on_step("organisation")
        org = generate_demo_org(DemoOrgConfig(people=people, seed=seed))
        context = DemoContext(org=org, people=demo_organisation_load(org), seed=seed)
        for step in DEMO_STEPS:
            if on_step:
                on_step(step.__name__.strip("_").replace("_", " "))
            step(context)
    return context
