"""Question stages from the outside: the API (`POST /api/posts/{id}/stage`), the page's htmx
control, imported Slack questions, and `peerwheel insights retrain` end to end."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from peerwheel.hub.models import Post, QuestionStageCorrection
from peerwheel.hub.slack_import import slack_import
from peerwheel.hub.stages import stage_model_forget
from peerwheel.org.models import Person
from tests.hub.test_slack_import import CHANNELS, USERS, export_zip

LICENCE = {"kind": "question", "title": "How do I get a Copilot licence?", "body": "Who do I ask?"}


@pytest.fixture(autouse=True)
def _fresh_model() -> Iterator[None]:
    stage_model_forget()
    yield
    stage_model_forget()


def _post_json(client: Client, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = client.post(path, data=body, content_type="application/json")
    return response.status_code, response.json()


def test_the_api_classifies_a_question_and_lets_the_right_people_correct_it(
    client_for: Callable[[str], Client],
) -> None:
    status, created = _post_json(client_for("alice"), "/api/posts", LICENCE)
    assert status == 201
    path = f"/api/posts/{created['id']}"
    detail = client_for("bob").get(path).json()
    assert (detail["question_stage"], detail["question_stage_source"]) == (2, "classifier")
    assert 0.25 <= detail["question_stage_confidence"] <= 1

    status, error = _post_json(client_for("dan"), f"{path}/stage", {"stage": 1})
    assert status == 403 and error["error"]["code"] == "forbidden"
    status, error = _post_json(client_for("bob"), f"{path}/stage", {"stage": 7})
    assert status == 422 and error["error"]["details"] == [{"field": "stage"}]
    assert not QuestionStageCorrection.objects.exists()

    for who, stage, role in [("bob", 1, "champion"), ("carol", 2, "lead"), ("alice", 3, "asker")]:
        status, body = _post_json(client_for(who), f"{path}/stage", {"stage": stage})
        assert status == 200 and body == {"id": created["id"], "stage": stage, "source": role}
    detail = client_for("dan").get(path).json()
    assert (detail["question_stage"], detail["question_stage_source"]) == (3, "asker")
    assert detail["question_stage_confidence"] is None
    assert list(QuestionStageCorrection.objects.values_list("old_stage", "new_stage", "role")) == [
        (2, 1, "champion"),
        (1, 2, "lead"),
        (2, 3, "asker"),
    ]

    status, _ = _post_json(client_for("bob"), "/api/posts/999999/stage", {"stage": 1})
    assert status == 404


def test_the_page_shows_the_control_only_to_who_may_use_it_and_it_saves_by_htmx(
    client_for: Callable[[str], Client], org: dict[str, Person]
) -> None:
    post_id = _post_json(client_for("alice"), "/api/posts", LICENCE)[1]["id"]
    page = f"/hub/posts/{post_id}/"
    control = f"/hub/posts/{post_id}/stage/"
    for who in ("alice", "bob", "carol"):
        html = client_for(who).get(page).content.decode()
        assert "Stage 2: How do I get access?" in html and "Suggested by the classifier" in html
        assert f'hx-post="{control}"' in html, who
    assert f'hx-post="{control}"' not in client_for("dan").get(page).content.decode()

    denied = client_for("dan").post(control, {"stage": "1"}, headers={"HX-Request": "true"})
    assert denied.status_code == 403

    bob = client_for("bob")
    swapped = bob.post(control, {"stage": "1"}, headers={"HX-Request": "true"})
    html = swapped.content.decode()
    assert swapped.status_code == 200 and html.startswith('<div id="question-stage"')
    assert "Stage 1: What is this?" in html and "Set by a champion" in html
    refused = bob.post(control, {"stage": "9"}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "stage must be 1, 2, 3 or 4" in refused.content.decode()
    plain = bob.post(control, {"stage": "3"})
    assert plain.status_code == 302 and plain["Location"] == page
    assert Post.objects.get(pk=post_id).question_stage == 3


def test_imported_slack_questions_get_a_stage(org: dict[str, Person], tmp_path: Path) -> None:
    def message(text: str, ts: str) -> dict[str, str]:
        return {"type": "message", "user": "UA", "text": text, "ts": ts}

    path = tmp_path / "slack.zip"
    path.write_bytes(
        export_zip(
            {
                "users.json": USERS,
                "channels.json": CHANNELS,
                "ai-questions/2025-03-04.json": [
                    message("how do I get access to ChatGPT Enterprise", "1741076400.000100"),
                    message("could we build an agent that files our tickets", "1741076500.0001"),
                ],
            }
        )
    )
    slack_import(path, channels=["ai-questions"])
    stages = sorted(
        Post.objects.filter(kind="question").values_list("question_stage", "question_stage_source")
    )
    assert stages == [(2, "classifier"), (4, "classifier")]


def test_retrain_end_to_end(client_for: Callable[[str], Client]) -> None:
    alice, carol = client_for("alice"), client_for("carol")
    roster = {"kind": "question", "title": "Roster planning with the bot",
              "body": "Our rota for the weekend."}  # fmt: skip
    similar = {"kind": "question", "title": "Roster planning with the assistant",
               "body": "Our rota for the night shift."}  # fmt: skip
    similar_id = _post_json(carol, "/api/posts", similar)[1]["id"]
    roster_id = _post_json(alice, "/api/posts", roster)[1]["id"]
    licence_id = _post_json(alice, "/api/posts", LICENCE)[1]["id"]
    assert Post.objects.get(pk=similar_id).question_stage == 4  # the corpus model's mistake
    Post.objects.filter(pk=licence_id).update(  # asked before stages existed
        question_stage=None, question_stage_confidence=None, question_stage_source=""
    )
    assert _post_json(client_for("bob"), f"/api/posts/{roster_id}/stage", {"stage": 3})[0] == 200

    out, err = io.StringIO(), io.StringIO()
    call_command("insights", "retrain", stdout=out, stderr=err)

    assert out.getvalue().strip() == (
        "Refitted on the corpus and 1 correction(s); classified 2 question(s) "
        "(stage 1: 0, stage 2: 1, stage 3: 1, stage 4: 0); 2 changed stage."
    )
    stages = dict(Post.objects.values_list("pk", "question_stage"))
    assert stages == {similar_id: 3, roster_id: 3, licence_id: 2}
    assert Post.objects.get(pk=roster_id).question_stage_source == "champion"
