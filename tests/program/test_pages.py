"""The Program pages per role (Django client), and the lead's way through them in the browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from peerwheel.accounts.models import AuditEntry
from peerwheel.program import services
from peerwheel.program.evidence import Snapshot
from peerwheel.program.models import Champion, ScopeEntry, StageMove
from tests.conftest import sign_in
from tests.program.conftest import Company


@pytest.fixture(autouse=True)
def _no_r(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Snapshot, "weekly_r", lambda self, weeks: [])


def test_a_member_sees_the_stage_and_answers_their_own_invitation(
    company: Company, cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    invite = services.champion_invite(person_id=company.people["alice"].pk, actor=cast["carol"])
    alice = client_for("alice")
    page = alice.get("/program/").content.decode()
    assert "The rollout is in Crawl" in page
    assert 'data-testid="my-champion"' in page and "It is your choice" in page
    assert "Stage and gates" not in page  # no aggregates for a member
    for url in ("/program/stage/", "/program/champions/", "/program/scope/", "/program/waves/"):
        assert alice.get(url).status_code == 403

    # someone else answering her invitation: refused, nothing changes
    assert (
        client_for("carol")
        .post(f"/program/champions/{invite.pk}/respond/", {"answer": "accept"})
        .status_code
        == 403
    )
    assert (
        alice.post(f"/program/champions/{invite.pk}/respond/", {"answer": "maybe"}).status_code
        == 400
    )
    response = alice.post(
        f"/program/champions/{invite.pk}/respond/", {"answer": "accept"}, follow=True
    )
    assert "Welcome to the champions network" in response.content.decode()
    assert Champion.objects.get(pk=invite.pk).status == "active"
    assert 'data-testid="impact"' in alice.get("/program/").content.decode()


def test_an_analyst_reads_the_gates_but_has_no_controls(
    company: Company, client_for: Callable[[str], Client]
) -> None:
    page = client_for("dan").get("/program/stage/").content.decode()
    assert 'data-testid="gates"' in page and "Pilots habitual for 4 weeks" in page
    assert 'data-testid="move-form"' not in page
    assert (
        client_for("dan")
        .post("/program/stage/move/", {"to_stage": "walk", "reason": "x"})
        .status_code
        == 403
    )


def test_a_lead_moves_the_stage_with_a_reason_and_sees_it_in_the_history(
    company: Company, cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    carol = client_for("carol")
    refused = carol.post("/program/stage/move/", {"to_stage": "walk", "reason": ""}, follow=True)
    assert "write a reason" in refused.content.decode()
    assert not StageMove.objects.exists()
    moved = carol.post(
        "/program/stage/move/", {"to_stage": "walk", "reason": "Board decision."}, follow=True
    )
    page = moved.content.decode()
    assert "The organisation is in Walk now" in page and "Board decision." in page
    assert AuditEntry.objects.filter(action="program.stage_move", actor=cast["carol"]).count() == 1


def test_a_lead_edits_the_scope_and_a_bad_file_names_its_lines(
    company: Company, client_for: Callable[[str], Client]
) -> None:
    carol = client_for("carol")
    today = timezone.localdate().isoformat()
    added = carol.post(
        "/program/scope/",
        {"unit": "department", "name": "sales", "stage": "walk", "since": today},
        follow=True,
    )
    assert "sales is in the scope" in added.content.decode()
    assert ScopeEntry.objects.filter(unit="department", department__name="Sales").exists()
    bad = SimpleUploadedFile(
        "scope.csv", b"employee_id,stage,since\nE1,crawl,2026-01-05\nZZ9,jog,soon\n"
    )
    response = carol.post("/program/scope/", {"file": bad})
    page = response.content.decode()
    assert response.status_code == 422
    assert "nothing was written" in page and "scope.csv" in page
    assert "<td>3</td><td>stage</td>" in page and "<td>3</td><td>since</td>" in page
    assert ScopeEntry.objects.count() == 1  # the file changed nothing


def test_a_lead_sees_coverage_gaps_and_invites_the_best_person(
    company: Company, cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    from peerwheel.hub.services import post_publish, trial_record

    p = company.people
    tip = post_publish(
        author=p["p11"],
        kind="tip",
        title="Summaries",
        body="Paste and ask.",
        at=timezone.now() - timedelta(days=3),
    )
    for key in ("p12", "p13", "alice"):
        trial_record(
            post=tip, person=p[key], outcome="worked", at=timezone.now() - timedelta(days=2)
        )
    services.scope_entry_add(
        unit="department",
        name="Support",
        stage="walk",
        since=timezone.localdate() - timedelta(days=30),
        actor=cast["carol"],
    )
    page = client_for("carol").get("/program/champions/").content.decode()
    assert 'data-gap="Support"' in page and "Person 11" in page
    response = client_for("carol").post(
        "/program/champions/invite/", {"person_id": p["p11"].pk}, follow=True
    )
    assert "is invited; they are a champion once they accept" in response.content.decode()
    assert Champion.objects.get(person=p["p11"]).status == "invited"


def test_the_waves_page_says_why_it_cannot_plan_without_a_network(
    company: Company, client_for: Callable[[str], Client]
) -> None:
    carol = client_for("carol")
    response = carol.post("/program/waves/plan/", {"unit": "site", "per_wave": 1}, follow=True)
    page = response.content.decode()
    assert "The next waves are planned" in page
    assert "every site is live already" in page  # no scope: everyone is in scope


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_lead_and_the_member_in_the_browser(
    company: Company, cast: dict[str, User], live_server: Any, browser_page: Any
) -> None:
    services.champion_invite(person_id=company.people["alice"].pk, actor=cast["carol"])
    page = browser_page
    sign_in(page, live_server.url, "carol")
    page.click("nav[aria-label=Main] >> text=Program")
    page.click("text=Stage and gates")
    page.wait_for_selector("[data-testid=gates] tr[data-gate=pilots_habitual]")
    page.fill("#id_reason", "The board asked us to widen.")
    page.click("[data-testid=move-form] button")
    page.wait_for_selector("text=The organisation is in Walk now")
    assert "The board asked us to widen." in page.inner_text("[data-testid=history]")
    page.click("text=Sign out")
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/program/")
    page.click("[data-testid=my-champion] button[value=accept]")
    page.wait_for_selector("[data-testid=impact]")
    assert "The rollout is in Walk" in page.inner_text("[data-testid=stage]")
