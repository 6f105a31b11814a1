"""The demo shows every momentum measure: nudges made, demand, maturing questions, leaders,
safety; the lead's dashboard tells the flywheel's story in one sentence."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from peerwheel.demo import demo_build
from peerwheel.insights.models import Nudge
from peerwheel.insights.momentum import momentum_blocks, momentum_data
from peerwheel.insights.selectors import invisible_successes

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_shows_each_momentum_measure() -> None:
    context = demo_build()
    assert any(note.startswith("Momentum:") for note in context.notes)
    today = timezone.localdate()
    data = momentum_data(as_of=today)
    blocks = momentum_blocks(data, set(data.people))
    assert sum(sum(w["signals"].values()) for w in blocks["organic_demand"]) > 0
    stages = blocks["question_stages"]
    assert not stages["mix"]["suppressed"] and stages["mix"]["questions"] > 0
    assert any(not m["suppressed"] and m["questions"] for m in stages["monthly"])
    # everyone invisible now holds a nudge made today or in the last four weeks
    nudged = set(Nudge.objects.values_list("person_id", flat=True))
    assert set(invisible_successes(today)) <= nudged
    invisible = blocks["invisible_successes"]
    assert invisible["count"] > 0 and invisible["nudged"] > 0
    assert not blocks["leader_consistency"]["suppressed"]
    assert not blocks["psychological_safety"]["organisation"]["suppressed"]
    assert blocks["training_completions"]["vanity_metric"] is True

    lead = Client()
    lead.force_login(User.objects.get(username="lead"))
    html = lead.get("/", {"panel": "dashboard"}).content.decode()
    assert "The flywheel is spinning in" in html
    assert "Engineering" in html and "Marketing" in html
    assert 'data-plotly-figure="dash-stages"' in html
