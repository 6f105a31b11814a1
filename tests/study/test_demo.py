"""The demo's survey wave: two thirds answered, and peer influence follows the network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.services import post_publish
from peerwheel.org.demo import DemoContext, demo_organisation_load
from peerwheel.org.models import Person
from peerwheel.study import demo as study_demo
from peerwheel.study.analysis import wave_frame
from peerwheel.study.keys import response_locator
from peerwheel.study.models import Participation, PendingAnswers, Response, SurveyWave
from peerwheel.study.snapshots import published_snapshot, snapshot_report
from peerwheel.usage.services import usage_import

pytestmark = pytest.mark.django_db


def _organisation(people: int, seed: int = 42) -> DemoContext:
    org = generate_demo_org(DemoOrgConfig(people=people, seed=seed))
    return DemoContext(org=org, people=demo_organisation_load(org), seed=seed)


def _org_and_survey(people: int, seed: int = 42) -> DemoContext:
    """The demo organisation and this part's step alone (the hub's and usage's steps are
    theirs to test; without their activity the exposure comes from the peer model)."""
    context = _organisation(people, seed)
    study_demo.demo_survey_wave(context)
    return context


def test_the_demo_has_one_closed_wave_that_tells_the_peer_story() -> None:
    context = _org_and_survey(600)

    wave = SurveyWave.objects.get(name=study_demo.WAVE_NAME)
    people = Person.objects.count()
    n = Response.objects.filter(wave=wave).count()
    snapshot = published_snapshot(wave)
    assert snapshot is not None and snapshot.taken is not None
    report, data = snapshot_report(snapshot, n_boot=200)

    assert wave.status == SurveyWave.Status.CLOSED and wave.invited == people
    assert 0.6 <= n / people <= 0.7
    assert Participation.objects.filter(wave=wave).count() == n
    assert not PendingAnswers.objects.exists()  # closing wrote the last batch
    assert data.frame["team"].notna().all() and data.frame["department"].notna().all()
    for outcome in ("heavy_user", "agent_user"):
        peer = report.effect(outcome, "peer_influence")
        mandate = report.effect(outcome, "leader_mandate")
        assert peer.ci_low > 0, outcome  # peer influence matters ...
        assert mandate.ci_low < 0 < mandate.ci_high, outcome  # ... mandates do not
    # Each respondent's peer-influence answers follow their exposure in the demo network.
    exposure = study_demo.peer_exposure(context, study_demo.demo_network(context))
    node_of = {p.pk: node for node, p in context.people.items()}
    by_locator = {
        response_locator(person_id=person_id, wave_id=wave.pk, user_id=user_id): node_of[person_id]
        for person_id, user_id in Participation.objects.values_list("person_id", "answered_as")
    }
    pairs = [
        (
            exposure[by_locator[r.locator]],
            np.mean([r.answers[f"peer_influence_{k}"] for k in "1234"]),
        )
        for r in Response.objects.filter(wave=wave)
    ]
    x, y = np.array(pairs).T
    assert np.corrcoef(x, y)[0, 1] > 0.4
    assert len(wave_frame(wave).frame) == n


def test_peer_exposure_uses_visible_activity_from_the_database_when_there_is_some(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = _organisation(60, seed=1)
    network = study_demo.demo_network(context)
    visible = np.zeros(context.org.size, dtype=bool)
    visible[::3] = True
    monkeypatch.setattr(study_demo, "_visible_from_database", lambda _: visible)

    exposure = study_demo.peer_exposure(context, network)

    adjacency = network.adjacency.toarray()
    expected = (adjacency * visible[:, None]).sum(axis=0) / adjacency.sum(axis=0)
    np.testing.assert_allclose(exposure, expected)


def test_visible_ai_users_are_the_named_hub_authors_read_through_the_hub_selectors() -> None:
    context = _organisation(60)
    named, hidden = list(range(10)), list(range(10, 20))
    for node in named + hidden:
        post_publish(
            author=context.people[node],
            kind="win",
            title=f"A win {node}",
            body="It saved an hour.",
            anonymous=node in hidden,
        )

    visible = study_demo._visible_from_database(context)

    assert visible is not None
    assert np.flatnonzero(visible).tolist() == named  # an anonymous author is never visible


def test_without_hub_posts_visible_ai_users_are_the_people_with_usage(tmp_path: Path) -> None:
    context = _organisation(60)
    users = list(range(5, 17))
    lines = ["email,week,tool,actions,agent_actions"]
    lines += [f"{context.people[node].email},2025-01-06,ChatGPT Enterprise,3,0" for node in users]
    lines.append("nobody@example.com,2025-01-06,ChatGPT Enterprise,3,0")  # unmatched: no node
    path = tmp_path / "usage.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    usage_import("usage-csv", path)

    visible = study_demo._visible_from_database(context)

    assert visible is not None
    assert np.flatnonzero(visible).tolist() == users


def test_the_demo_also_has_an_open_wave_a_member_can_answer() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from peerwheel.accounts.roles import Role
    from peerwheel.accounts.services import user_create
    from peerwheel.study.selectors import open_wave
    from tests.study.conftest import form_data

    context = _org_and_survey(120)
    wave = open_wave()
    assert wave is not None and wave.name == study_demo.OPEN_WAVE_NAME
    assert not Participation.objects.filter(wave=wave).exists()  # nobody has answered it yet
    assert any(study_demo.OPEN_WAVE_NAME in note for note in context.notes)
    member = user_create(
        username="member",
        role=Role.MEMBER,
        person_employee_id=context.people[5].employee_id,
        password="x" * 20,
    )
    client = Client()
    client.force_login(User.objects.get(pk=member.pk))
    page = client.get("/study/survey/").content.decode()
    assert "It stays open until" in page and "peer_influence_1" in page
    assert client.post("/study/survey/", form_data(4)).status_code == 302
    assert Participation.objects.filter(wave=wave, person=context.people[5]).exists()
