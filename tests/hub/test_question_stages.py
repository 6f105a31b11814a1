"""Question stages in the hub: classified on publish and edit, corrected by the asker, champions
and leads (nobody else), corrections kept, anonymous askers kept anonymous, the classifier
refitted on the corrections (hub/stages.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.hub.errors import HubForbiddenError, HubInputError, HubNotAllowedError
from peerwheel.hub.models import Post, QuestionStageCorrection
from peerwheel.hub.selectors import hub_viewer
from peerwheel.hub.services import post_edit
from peerwheel.hub.stages import (
    question_stage_correct,
    question_stages_retrain,
    stage_model,
    stage_model_forget,
)
from peerwheel.org.models import Person

TRAP = "how do I get access to the results of the pivot table with Copilot"
ROSTER = "Roster planning with the bot"  # stage 3; the corpus model says 4
ROSTER_BODY = "Our rota for the weekend."
SIMILAR = ("Roster planning with the assistant", "Our rota for the night shift.")


@pytest.fixture(autouse=True)
def _fresh_model() -> Iterator[None]:
    stage_model_forget()
    yield
    stage_model_forget()


def _ask(publish: Callable[..., Post], who: str = "alice", **fields: Any) -> Post:
    values = {"kind": "question", "title": TRAP, "body": "Any tips?"}
    values.update(fields)
    return publish(who, **values)


def test_a_question_is_classified_on_publish_and_the_access_trap_stays_at_3(
    publish: Callable[..., Post],
) -> None:
    post = _ask(publish, body="Copilot built the pivot table; I cannot get at the numbers.")
    post.refresh_from_db()
    assert post.question_stage == 3
    assert post.question_stage_source == "classifier"
    assert 0.25 <= post.question_stage_confidence <= 1
    access = _ask(publish, title="How do I get a Copilot licence?", body="Who do I ask?")
    access.refresh_from_db()
    assert (access.question_stage, access.question_stage_source) == (2, "classifier")
    # Other kinds have no stage, whatever was sent.
    win = publish("alice", question_stage=3)
    win.refresh_from_db()
    assert (win.question_stage, win.question_stage_confidence, win.question_stage_source) == (
        None,
        None,
        "",
    )


def test_the_askers_own_choice_is_kept_as_theirs(publish: Callable[..., Post]) -> None:
    post = _ask(publish, question_stage=4)
    post.refresh_from_db()
    assert (post.question_stage, post.question_stage_confidence) == (4, None)
    assert post.question_stage_source == "asker"
    assert not QuestionStageCorrection.objects.exists()  # a choice, not a correction


def test_an_edit_of_the_text_classifies_again_unless_a_person_set_the_stage(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = _ask(publish, title="How do I get a Copilot licence?", body="Who do I ask?")
    assert post.question_stage == 2
    post_edit(
        post=post,
        editor=org["alice"],
        title="Has anyone built an agent that files our expense reports end to end?",
        body="Gather receipts, draft, submit for review.",
    )
    post.refresh_from_db()
    assert (post.question_stage, post.question_stage_source) == (4, "classifier")

    # The asker changes the stage on the edit form: theirs, and kept as a correction.
    post_edit(post=post, editor=org["alice"], question_stage=3)
    post.refresh_from_db()
    assert (post.question_stage, post.question_stage_source) == (3, "asker")
    correction = QuestionStageCorrection.objects.get()
    assert (correction.old_stage, correction.new_stage, correction.role) == (4, 3, "asker")
    assert correction.by == org["alice"]

    # Now a person set it: a text edit leaves it alone.
    post_edit(post=post, editor=org["alice"], title="How do I get a Copilot licence?")
    post.refresh_from_db()
    assert (post.question_stage, post.question_stage_source) == (3, "asker")


@pytest.mark.parametrize(
    ("who", "role"), [("alice", "asker"), ("bob", "champion"), ("carol", "lead")]
)
def test_the_asker_a_champion_and_a_lead_correct_the_stage(
    who: str, role: str, publish: Callable[..., Post], cast: dict[str, User], org: dict[str, Person]
) -> None:
    post = _ask(publish)
    question_stage_correct(post=post, viewer=hub_viewer(cast[who]), stage="1")
    post.refresh_from_db()
    assert (post.question_stage, post.question_stage_confidence) == (1, None)
    assert post.question_stage_source == role
    correction = QuestionStageCorrection.objects.get()
    assert (correction.old_stage, correction.new_stage) == (3, 1)
    assert correction.by == org[who] and correction.role == role
    assert correction.text == f"{TRAP}\nAny tips?"


@pytest.mark.parametrize("who", ["dan", "charlie"])
def test_anyone_else_is_refused_and_nothing_is_written(
    who: str, publish: Callable[..., Post], cast: dict[str, User], org: dict[str, Person]
) -> None:
    post = _ask(publish)
    if who == "charlie":  # no role: not even a hub viewer
        with pytest.raises(HubForbiddenError):
            hub_viewer(cast[who])
        return
    with pytest.raises(HubForbiddenError):
        question_stage_correct(post=post, viewer=hub_viewer(cast[who]), stage=1)
    with pytest.raises(HubForbiddenError):  # refused before the input is even read
        question_stage_correct(post=post, viewer=hub_viewer(cast[who]), stage="nonsense")
    post.refresh_from_db()
    assert (post.question_stage, post.question_stage_source) == (3, "classifier")
    assert not QuestionStageCorrection.objects.exists()


def test_bad_stages_and_other_kinds_are_refused(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = _ask(publish)
    bob = hub_viewer(cast["bob"])
    for bad in (0, 5, "", None, "three"):
        with pytest.raises(HubInputError) as error:
            question_stage_correct(post=post, viewer=bob, stage=bad)
        assert error.value.field == "stage"
    with pytest.raises(HubNotAllowedError):
        question_stage_correct(post=publish("alice"), viewer=bob, stage=2)
    assert not QuestionStageCorrection.objects.exists()


def test_setting_the_same_stage_again_is_nothing_but_confirming_the_classifier_is_kept(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = _ask(publish)
    bob = hub_viewer(cast["bob"])
    question_stage_correct(post=post, viewer=bob, stage=3)  # the classifier said 3: confirmed
    question_stage_correct(post=post, viewer=bob, stage=3)
    assert QuestionStageCorrection.objects.count() == 1
    post.refresh_from_db()
    assert post.question_stage_source == "champion"


def test_the_anonymous_askers_correction_never_names_them(
    publish: Callable[..., Post], cast: dict[str, User], client_for: Callable[[str], Any]
) -> None:
    post = _ask(publish, who="bob", anonymous=True)  # bob, a champion, asked anonymously
    question_stage_correct(post=post, viewer=hub_viewer(cast["bob"]), stage=4)
    correction = QuestionStageCorrection.objects.get()
    assert correction.by is None and correction.role == "asker"
    post.refresh_from_db()
    assert post.question_stage_source == "asker"

    # Other people see the stage and that the asker set it, never who asked.
    for who in ("alice", "carol"):
        page = client_for(who).get(f"/hub/posts/{post.pk}/").content.decode()
        assert "Set by the asker" in page and "Bob Brown" not in page
        detail = client_for(who).get(f"/api/posts/{post.pk}").json()
        assert detail["author"] is None and detail["question_stage_source"] == "asker"

    # A named question's asker is recorded by name, as any corrector is.
    named = _ask(publish, who="bob")
    question_stage_correct(post=named, viewer=hub_viewer(cast["bob"]), stage=4)
    assert QuestionStageCorrection.objects.get(post=named).by is not None


def test_a_correction_moves_similar_questions_after_retrain(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    before = _ask(publish, who="carol", title=SIMILAR[0], body=SIMILAR[1])
    assert before.question_stage == 4  # the corpus model's mistake
    model = stage_model()

    corrected = _ask(publish, title=ROSTER, body=ROSTER_BODY)
    assert corrected.question_stage == 4
    question_stage_correct(post=corrected, viewer=hub_viewer(cast["bob"]), stage=3)

    report = question_stages_retrain()
    assert stage_model() is not model and stage_model().corrections == 1
    assert (report.corrections, report.questions, report.changed) == (1, 1, 1)
    before.refresh_from_db()
    assert (before.question_stage, before.question_stage_source) == (3, "classifier")
    after = _ask(publish, who="carol", title="Roster planning with the assistant",
                 body="Our rota for the Sunday shift.")  # fmt: skip
    assert after.question_stage == 3
    # The correction stands; a retrain never overrides a person.
    corrected.refresh_from_db()
    assert (corrected.question_stage, corrected.question_stage_source) == (3, "champion")


def test_the_model_is_refitted_only_when_the_corrections_change(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    first = stage_model()
    assert stage_model() is first  # kept, not refitted per call
    post = _ask(publish)
    assert stage_model() is first
    question_stage_correct(post=post, viewer=hub_viewer(cast["bob"]), stage=2)
    refitted = stage_model()
    assert refitted is not first and refitted.corrections == 1
    assert stage_model() is refitted


def test_retrain_backfills_questions_without_a_stage_and_leaves_people_alone(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    legacy = _ask(publish, title="How do I get a Copilot licence?", body="Who do I ask?")
    Post.objects.filter(pk=legacy.pk).update(
        question_stage=None, question_stage_confidence=None, question_stage_source=""
    )
    chosen = _ask(publish, question_stage=1)
    deleted = _ask(publish)
    Post.objects.filter(pk=deleted.pk).update(question_stage=None, deleted=deleted.created)
    seen: list[tuple[int, int]] = []

    report = question_stages_retrain(on_progress=lambda d, t: seen.append((d, t)))

    legacy.refresh_from_db()
    chosen.refresh_from_db()
    assert (legacy.question_stage, legacy.question_stage_source) == (2, "classifier")
    assert legacy.question_stage_confidence is not None
    assert (chosen.question_stage, chosen.question_stage_source) == (1, "asker")
    assert Post.objects.get(pk=deleted.pk).question_stage is None  # deleted: left as it was
    assert (report.questions, report.changed, report.stages) == (1, 1, {2: 1})
    assert seen[0] == (0, 1) and seen[-1] == (1, 1)
