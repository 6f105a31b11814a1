"""The demo's hub: realistic, timed by who adopted when, fast."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import NEVER, WEEKS, demo_adoption_plan, demo_week_zero, hub_demo
from peerwheel.hub.models import Answer, Post, PostVersion, Trial
from peerwheel.hub.selectors import hub_first_activity
from peerwheel.org.demo import DemoContext, demo_organisation_load

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def org_frame() -> object:
    return generate_demo_org(DemoOrgConfig(people=200, seed=7))


def test_the_plan_is_seeded_and_starts_with_pilots(org_frame: object) -> None:
    plan = demo_adoption_plan(org_frame, 7)  # type: ignore[arg-type]
    again = demo_adoption_plan(org_frame, 7)  # type: ignore[arg-type]

    assert (plan.weeks == again.weeks).all()
    assert plan.weeks[0] == 1  # the CEO
    assert set(plan.weeks[plan.pilots]) <= {0, 1, 2}
    adopted_by_week = [(plan.weeks[plan.weeks != NEVER] <= w).sum() for w in range(WEEKS)]
    assert adopted_by_week == sorted(adopted_by_week) and adopted_by_week[-1] < len(plan.weeks)


def test_the_demo_hub_is_realistic_and_timed_by_adoption(org_frame: object) -> None:
    people = demo_organisation_load(org_frame)  # type: ignore[arg-type]
    context = DemoContext(org=org_frame, people=people, seed=7)  # type: ignore[arg-type]

    hub_demo(context)

    kinds = Counter(Post.objects.values_list("kind", flat=True))
    assert set(kinds) == {"win", "prompt", "fail", "tip", "question"}
    stages = set(Post.objects.filter(kind="question").values_list("question_stage", flat=True))
    assert stages == {1, 2, 3, 4}
    assert Post.objects.filter(kind="win", minutes_saved__gt=0).exists()
    assert PostVersion.objects.exists()
    adaptation = Post.objects.filter(parent__isnull=False).select_related(
        "author", "parent__author"
    )
    assert any(p.author.team_id != p.parent.author.team_id for p in adaptation)
    assert Answer.objects.filter(accepted=True).exists() and Trial.objects.count() > 50
    assert Post.objects.filter(anonymous=True).exists()
    assert not Post.objects.filter(body__icontains="lorem").exists()
    # Every adopter's first post or trial falls in their planned week; nobody else acted.
    plan = demo_adoption_plan(org_frame, 7)  # type: ignore[arg-type]
    start = demo_week_zero()
    weeks = {pk: (at - start).days // 7 for pk, at in hub_first_activity().items()}
    planned = {people[n].pk: int(w) for n, w in enumerate(plan.weeks) if w != NEVER}
    assert weeks == planned
    assert Post.objects.latest("created").created < start + timedelta(weeks=WEEKS)
    assert context.notes and context.notes[0].startswith("Hub: ")
