"""The digest's demo step on the demo organisation's hub: last week goes to nearly everyone,
quietly, once."""

from __future__ import annotations

import pytest
from django.core import mail

from peerwheel.digest.demo import digest_demo
from peerwheel.digest.models import DigestSend
from peerwheel.digest.services import digest_build, digest_send
from peerwheel.digest.weeks import last_complete_week
from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import hub_demo
from peerwheel.org.demo import DemoContext, demo_organisation_load

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_sends_last_weeks_digest_quietly_and_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    org = generate_demo_org(DemoOrgConfig(people=200, seed=42))
    context = DemoContext(org=org, people=demo_organisation_load(org), seed=42)
    hub_demo(context)
    digest_demo(context)
    week = last_complete_week()
    sent = DigestSend.objects.filter(week=str(week), channel="email").count()
    assert sent >= 150  # the demo's last week is a busy one: nearly everyone has something
    assert context.notes[-1].startswith(f"Digest: {week} sent to {sent} of 200 people")
    assert capsys.readouterr().out == ""  # the console backend wrote into memory
    assert mail.outbox == []
    assert digest_send(week).sent == 0
    # Somebody's digest has colleagues close to them in it, with reasons.
    people = list(context.people.values())
    digests = [digest_build(person, week) for person in people[:40]]
    assert any(d.close for d in digests)
    assert all(item.why for d in digests for item in d.close)
