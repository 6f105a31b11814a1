"""The catalogue's demo: six tools with a policy, questions over the demo's weeks, three open
reviews of which one is past its deadline."""

from __future__ import annotations

import pytest
from django.utils import timezone

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.catalog.demo import catalog_demo
from peerwheel.catalog.models import PolicyRule, Tool, UseRequest
from peerwheel.catalog.selectors import queue_counts
from peerwheel.core.models import Import
from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import demo_week_zero
from peerwheel.org.demo import DemoContext, demo_organisation_load

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_tells_its_story() -> None:
    org = generate_demo_org(DemoOrgConfig(people=120, seed=7))
    people = demo_organisation_load(org)
    user_create(
        username=Role.LEAD.value,
        role=Role.LEAD,
        person_employee_id=people[1].employee_id,
        password="x" * 20,
        check_password=False,
    )
    context = DemoContext(org=org, people=people, seed=7)
    catalog_demo(context)

    assert Tool.objects.count() == 6
    assert set(Tool.objects.values_list("status", flat=True)) == {
        "approved",
        "pilot",
        "not_approved",
    }
    assert Import.objects.get(kind="tool-policy").status == Import.Status.SUCCEEDED
    requests = UseRequest.objects.all()
    weeks = {r.asked_at.isocalendar()[:2] for r in requests}
    assert len(weeks) >= 20  # spread over the demo's half year
    assert min(r.asked_at for r in requests) >= demo_week_zero()
    assert {"yes", "conditions", "no"} <= set(requests.values_list("answer", flat=True))
    reviewed = requests.filter(reviewed=True, resolved_at__isnull=False)
    assert reviewed.count() >= 5
    assert reviewed.filter(breach=True).exists() and reviewed.filter(breach=False).exists()
    assert all(r.resolved_at >= r.asked_at for r in reviewed)
    # Answers made into policy: the rules now cover what was reviewed.
    assert PolicyRule.objects.filter(source_import__isnull=True).exists()
    assert queue_counts(today=timezone.localdate()) == {"open": 3, "overdue": 1}
    assert requests.filter(resolved_at__isnull=True, breach=True).count() == 1
    assert any(note.startswith("catalogue: 6 tools") for note in context.notes)
