"""`peerwheel program status [--json]` and the program's part of the demo."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from peerwheel.demo import demo_build
from peerwheel.program import services
from peerwheel.program.champions import coverage, natural_ranking
from peerwheel.program.evidence import Snapshot
from peerwheel.program.models import Champion, StageMove, WavePlan
from peerwheel.program.status import snapshot_on
from tests.program.conftest import Company


def test_the_status_as_json_and_in_sentences(
    company: Company,
    cast: dict[str, User],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Snapshot, "weekly_r", lambda self, weeks: [])
    services.scope_entry_add(
        unit="department",
        name="Sales",
        stage="crawl",
        since=timezone.localdate(),
        actor=cast["carol"],
    )
    services.stage_move(to_stage="walk", actor=cast["carol"], reason="Widening.")
    call_command("program", "status", "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"stage", "scope", "gates", "halts", "history"}
    assert data["stage"] == "walk" and data["next_stage"] == "run"
    sales = [p for p in company.people.values() if p.department.name == "Sales"]
    assert data["scope"] == {"everyone": False, "people": len(sales), "departments": 1, "sites": 2}
    assert [g["key"] for g in data["gates"]] == [
        "champion_coverage", "habitual", "r_or_demand", "stage3_questions",
    ]  # fmt: skip
    assert set(data["gates"][0]) == {
        "key", "label", "measure", "value", "target", "met", "met_since", "evidence",
    }  # fmt: skip
    assert data["history"][0]["reason"] == "Widening." and data["history"][0]["by"] == "carol"

    call_command("program", "status")
    text = capsys.readouterr().out
    assert "Stage: Walk" in text and "Gates to Run:" in text and "crawl -> walk by carol" in text
    with pytest.raises(CommandError, match="not a date"):
        call_command("program", "status", "--as-of", "yesterday")


def test_the_api_answers_the_same_status_to_an_analyst(
    company: Company, client_for: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Snapshot, "weekly_r", lambda self, weeks: [])
    response = client_for("dan").get("/api/program/status")  # type: ignore[operator]
    assert response.status_code == 200
    assert response.json()["stage"] == "crawl"
    refused = client_for("alice").get("/api/program/status")  # type: ignore[operator]
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_is_in_walk_with_twelve_champions_two_gaps_and_a_wave_plan() -> None:
    demo_build()
    today = timezone.localdate()
    move = StageMove.objects.get()
    assert (move.from_stage, move.to_stage) == ("crawl", "walk") and move.reason
    status = services.program_status_refresh()
    met = [g.met for g in status.gates]
    assert status.stage == "walk" and any(met) and not all(met)  # partly met
    snapshot = snapshot_on(today)
    assert len(snapshot.champions) == 12
    assert Champion.objects.filter(status="invited").exists()  # the member's, not answered
    gaps = [row for row in coverage(snapshot, natural_ranking(as_of=today)) if row.gap]
    assert len(gaps) == 2 and all(row.best is not None for row in gaps)
    plan = WavePlan.objects.get()
    assert [p["key"] for p in plan.result["plans"]] == ["demand", "largest", "random"]
    assert all(len(p["by_wave"]) == 3 for p in plan.result["plans"])
