"""Stage moves (gated, reasoned, audited, in the history) and the champions' consent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail

from peerwheel.accounts.models import AuditEntry
from peerwheel.accounts.permissions import role_of
from peerwheel.accounts.roles import Role
from peerwheel.core.errors import ForbiddenError
from peerwheel.hub.services import post_publish
from peerwheel.program import services
from peerwheel.program.evidence import Snapshot
from peerwheel.program.models import Champion, Gate, StageMove
from peerwheel.program.selectors import champion_person_ids, current_stage, program_actions
from tests.program.conftest import AS_OF, Company


@pytest.fixture(autouse=True)
def _no_r(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Snapshot, "weekly_r", lambda self, weeks: [])


def test_a_move_with_unmet_gates_needs_a_written_reason_and_is_audited(
    company: Company, cast: dict[str, User]
) -> None:
    assert current_stage() == ("crawl", None)
    with pytest.raises(services.ProgramError, match="write a reason: not every gate is met"):
        services.stage_move(to_stage="walk", actor=cast["carol"], as_of=AS_OF)
    assert not StageMove.objects.exists()

    move = services.stage_move(
        to_stage="walk", actor=cast["carol"], reason="The board asked to widen.", as_of=AS_OF
    )

    assert current_stage()[0] == "walk"
    assert not move.all_gates_met and move.reason == "The board asked to widen."
    assert {g["key"] for g in move.gates} == {
        "pilots_habitual",
        "wins",
        "ceo_shared",
        "fail_shared",
    }
    entry = AuditEntry.objects.get(action="program.stage_move")
    assert (entry.actor, entry.target) == (cast["carol"], "crawl->walk")
    assert entry.detail["reason"] == "The board asked to widen."
    assert entry.detail["all_gates_met"] is False
    assert program_actions(since=AS_OF - timedelta(days=400), until=AS_OF + timedelta(days=400))


def test_a_move_with_every_gate_met_needs_no_reason(
    company: Company, cast: dict[str, User]
) -> None:
    services.gates_ensure_defaults()
    Gate.objects.filter(stage="crawl").exclude(key="fail_shared").update(active=False)
    post_publish(
        author=company.people["p01"],
        kind="fail",
        title="Oops",
        body="Learned.",
        at=datetime.now(UTC) - timedelta(days=1),
    )
    move = services.stage_move(to_stage="walk", actor=cast["carol"])
    assert move.all_gates_met and move.reason == ""


def test_stages_are_not_skipped_and_going_back_needs_a_reason(
    company: Company, cast: dict[str, User]
) -> None:
    with pytest.raises(services.ProgramError, match="the next stage is Walk"):
        services.stage_move(to_stage="run", actor=cast["carol"], reason="Hurry.")
    services.stage_move(to_stage="walk", actor=cast["carol"], reason="Ready.")
    with pytest.raises(services.ProgramError, match="moving back to Crawl"):
        services.stage_move(to_stage="crawl", actor=cast["carol"])
    services.stage_move(to_stage="crawl", actor=cast["carol"], reason="A data incident.")
    assert current_stage()[0] == "crawl"
    assert StageMove.objects.count() == 2


@pytest.mark.parametrize("who", ["alice", "bob", "dan"])
def test_only_a_lead_moves_the_stage(company: Company, cast: dict[str, User], who: str) -> None:
    with pytest.raises(ForbiddenError):
        services.stage_move(to_stage="walk", actor=cast[who], reason="I think so.")
    assert not StageMove.objects.exists()


def test_nobody_is_a_champion_without_accepting(
    company: Company, cast: dict[str, User], settings: object
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    alice = company.people["alice"]
    champion = services.champion_invite(
        person_id=alice.pk, actor=cast["carol"], evidence="helped 4 people"
    )

    assert champion.status == Champion.Status.INVITED
    assert champion_person_ids() == set()
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert "your choice" in mail.outbox[-1].body
    for someone_else in ("bob", "carol", "erin"):  # a champion, the lead, the admin: not her
        with pytest.raises(ForbiddenError, match="Only the person invited"):
            services.champion_respond(champion=champion, user=cast[someone_else], accept=True)
    assert champion_person_ids() == set()

    services.champion_respond(champion=champion, user=cast["alice"], accept=True)

    assert champion_person_ids() == {alice.pk}
    assert role_of(cast["alice"]) is Role.CHAMPION  # a member's login gets the champion role
    actions = list(
        AuditEntry.objects.filter(action__startswith="program.champion")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["program.champion_invite", "program.champion_accept"]

    for someone_else in ("bob", "dan"):  # another champion, an analyst: not hers to end
        with pytest.raises(ForbiddenError, match="Only the champion or a program lead"):
            services.champion_step_down(champion=champion, actor=cast[someone_else])
    assert champion_person_ids() == {alice.pk}
    services.champion_step_down(champion=champion, actor=cast["alice"])
    assert champion_person_ids() == set()
    assert role_of(cast["alice"]) is Role.MEMBER
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    assert champion_person_ids(on=yesterday) == set()  # accepted today: not a champion before


def test_a_decline_is_kept_and_the_lead_role_is_left_alone(
    company: Company, cast: dict[str, User]
) -> None:
    carol = company.people["carol"]
    invite = services.champion_invite(person_id=carol.pk, actor=cast["erin"])
    services.champion_respond(champion=invite, user=cast["carol"], accept=False)
    assert Champion.objects.get(pk=invite.pk).status == Champion.Status.DECLINED
    with pytest.raises(services.ProgramError, match="declined, not open"):
        services.champion_respond(champion=invite, user=cast["carol"], accept=True)
    again = services.champion_invite(person_id=carol.pk, actor=cast["erin"])
    services.champion_respond(champion=again, user=cast["carol"], accept=True)
    assert role_of(cast["carol"]) is Role.LEAD  # a lead stays a lead


def test_an_invite_to_someone_outside_the_organisation_is_refused(
    company: Company, cast: dict[str, User]
) -> None:
    leaver = company.people["p05"]
    leaver.active = False
    leaver.save()
    with pytest.raises(services.ProgramError, match="not in the organisation"):
        services.champion_invite(person_id=leaver.pk, actor=cast["carol"])
    with pytest.raises(services.ProgramError, match="not in the organisation"):
        services.champion_invite(person_id=999_999, actor=cast["carol"])
    with pytest.raises(ForbiddenError):
        services.champion_invite(person_id=company.people["p01"].pk, actor=cast["alice"])
    services.champion_invite(person_id=company.people["p01"].pk, actor=cast["carol"])
    with pytest.raises(services.ProgramError, match="already invited"):
        services.champion_invite(person_id=company.people["p01"].pk, actor=cast["carol"])
    assert Champion.objects.count() == 1
