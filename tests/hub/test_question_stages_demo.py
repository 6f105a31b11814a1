"""The demo's question stages: classified on publish, a few asked with the asker's own stage,
maturing over the 26 weeks, and a few corrections by the champion and the lead that the
classifier is retrained on (hub/demo.py, hub/stages_demo.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import WEEKS, demo_week_zero, hub_demo
from peerwheel.hub.models import Post, QuestionStageCorrection
from peerwheel.hub.selectors import question_stage_mix
from peerwheel.hub.stages import stage_model_forget
from peerwheel.hub.stages_demo import stages_demo
from peerwheel.org.demo import DemoContext, demo_organisation_load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_questions_get_stages_mature_and_are_corrected(settings: object) -> None:
    stage_model_forget()
    org = generate_demo_org(DemoOrgConfig(people=400, seed=42))
    context = DemoContext(org=org, people=demo_organisation_load(org), seed=42)
    hub_demo(context)
    frame = org.people
    engineer = (frame["role_family"] == "engineering") & (frame["level"] == 3)
    for role, node in [
        (Role.CHAMPION, frame.index[engineer][0]),
        (Role.LEAD, frame.index[frame["department"] == "People"][0]),
    ]:
        person = context.people[int(node)]
        user_create(username=role.value, role=role, email=person.email,
                    person_employee_id=person.employee_id, check_password=False)  # fmt: skip

    questions = Post.objects.filter(kind="question")
    sources = {
        s: questions.filter(question_stage_source=s).count() for s in ("classifier", "asker")
    }
    assert questions.filter(question_stage__isnull=True).count() == 0
    assert sources["classifier"] > 4 * sources["asker"] > 0
    assert not QuestionStageCorrection.objects.exists()

    stages_demo(context)

    corrections = list(QuestionStageCorrection.objects.select_related("by"))
    assert 1 <= len(corrections) <= 6
    assert {c.role for c in corrections} <= {"champion", "lead"}
    assert all(c.old_stage != c.new_stage and c.by is not None for c in corrections)
    assert "Question stages:" in context.notes[-1]

    # The mix matures: the first eight weeks ask what it is and how to get it, the last eight
    # how to do and build things; month by month the mean climbs.
    start = demo_week_zero().date()
    first = question_stage_mix(since=start, until=start + timedelta(weeks=8))["mix"]
    last = question_stage_mix(since=start + timedelta(weeks=WEEKS - 8),
                              until=start + timedelta(weeks=WEEKS))["mix"]  # fmt: skip
    assert first["mean"] < 2.2 < 2.8 < last["mean"], (first, last)
    share_34 = [(m["counts"]["3"] + m["counts"]["4"]) / m["questions"] for m in (first, last)]
    assert share_34[0] < 0.35 and share_34[1] > 0.7, share_34
    monthly = question_stage_mix(since=start, until=start + timedelta(weeks=WEEKS))["monthly"]
    means = [m["mean"] for m in monthly if m["questions"]]
    assert means[0] == min(means) and max(means[:2]) < min(means[-2:]), means
