"""The hub's writes: publishing through the guardrails, edits, trials, answers, influence."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from peerwheel.accounts.models import AuditEntry
from peerwheel.hub.errors import (
    GuardrailBlockedError,
    HubForbiddenError,
    HubGoneError,
    HubInputError,
    HubNotAllowedError,
)
from peerwheel.hub.models import (
    Answer,
    ConfidentialTerm,
    InfluenceEvent,
    Post,
    PostVersion,
    Trial,
)
from peerwheel.hub.selectors import hub_first_activity
from peerwheel.hub.services import (
    anonymous_reveal,
    answer_accept,
    answer_post,
    hub_counters_rebuild,
    post_delete,
    post_edit,
    prompt_adapt,
    reaction_add,
    trial_record,
)
from peerwheel.org.models import Person
from tests.hub.conftest import fake_openai_key

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_without_scripts_or_javascript_links(
    publish: Callable[..., Post],
) -> None:
    post = publish(
        "alice",
        body="**Bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> [ok](https://example.com)',
    )

    assert "<strong>Bold</strong>" in post.body_html
    assert "<script" not in post.body_html
    assert 'href="javascript' not in post.body_html.replace("'", '"')
    assert "<img" not in post.body_html  # shown as text, never as a tag
    assert "&lt;script&gt;" in post.body_html
    assert 'href="https://example.com"' in post.body_html
    assert 'rel="noopener noreferrer nofollow"' in post.body_html


def test_a_secret_blocks_publishing_and_nothing_is_stored(publish: Callable[..., Post]) -> None:
    with pytest.raises(GuardrailBlockedError) as caught:
        publish("alice", body=f"My key is {fake_openai_key()} and it works")

    finding = caught.value.findings[0]
    assert finding["field"] == "body" and finding["kind"] == "openai_key"
    assert finding["severity"] == "block"
    assert (finding["start"], finding["end"]) == (10, 10 + len(fake_openai_key()))
    assert "<API_KEY>" in finding["message"]
    assert Post.objects.count() == 0


def test_personal_data_warns_but_publishes(publish: Callable[..., Post]) -> None:
    post = publish("alice", body="Call Sam on +44 20 7946 0958 if stuck.")

    assert Post.objects.filter(pk=post.pk).exists()


def test_personal_data_can_be_set_to_block(publish: Callable[..., Post], settings: object) -> None:
    settings.PEERWHEEL_GUARDRAILS_PERSONAL_DATA = "block"  # type: ignore[attr-defined]

    with pytest.raises(GuardrailBlockedError):
        publish("alice", body="Call Sam on +44 20 7946 0958 if stuck.")


def test_confidential_terms_listed_by_an_admin_block(publish: Callable[..., Post]) -> None:
    ConfidentialTerm.objects.create(term="Project Nightjar")

    with pytest.raises(GuardrailBlockedError) as caught:
        publish("alice", title="Speeding up project nightjar reviews")

    assert caught.value.findings[0]["kind"] == "confidential_term"
    assert caught.value.findings[0]["field"] == "title"


def test_editing_a_prompt_keeps_its_version_history(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = publish("alice", kind="prompt", title="Summarise", prompt_text="Summarise this.")

    post_edit(post=post, editor=org["alice"], prompt_text="Summarise this in 3 bullets.")
    post_edit(post=post, editor=org["alice"], title="Summarise a thread")
    post.refresh_from_db()

    assert post.version == 3 and post.edited is not None
    history = list(PostVersion.objects.filter(post=post).order_by("version"))
    assert [(v.version, v.title, v.prompt_text) for v in history] == [
        (1, "Summarise", "Summarise this."),
        (2, "Summarise", "Summarise this in 3 bullets."),
    ]
    with pytest.raises(HubForbiddenError):
        post_edit(post=post, editor=org["bob"], title="Mine now")
    with pytest.raises(HubInputError, match="kind"):
        post_edit(post=post, editor=org["alice"], kind="win")


def test_an_edit_is_scanned_too(publish: Callable[..., Post], org: dict[str, Person]) -> None:
    post = publish("alice")

    with pytest.raises(GuardrailBlockedError):
        post_edit(post=post, editor=org["alice"], body="key " + fake_openai_key())
    post.refresh_from_db()
    assert post.version == 1 and post.body == "It saved time."


def test_adapting_a_prompt_links_it_to_its_parent(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    parent = publish("carol", kind="prompt", title="Call notes", prompt_text="Summarise the call.")

    child = prompt_adapt(parent=parent, author=org["alice"], prompt_text="Summarise the standup.")
    parent.refresh_from_db()

    assert child.parent_id == parent.pk and child.kind == "prompt"
    assert child.title == "Call notes"
    assert parent.adaptation_count == 1
    event = InfluenceEvent.objects.get(kind="adapted")
    assert (event.source_id, event.target_id) == (org["carol"].pk, org["alice"].pk)
    win = publish("carol")
    with pytest.raises(HubNotAllowedError):
        prompt_adapt(parent=win, author=org["alice"])


def test_one_trial_per_person_and_a_second_one_updates_it(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = publish("alice")

    first, created = trial_record(post=post, person=org["bob"], outcome="partly", note="ok")
    second, created_again = trial_record(
        post=post, person=org["bob"], outcome="worked", minutes_saved=15
    )
    trial_record(post=post, person=org["carol"], outcome="didnt")
    post.refresh_from_db()

    assert created and not created_again and first.pk == second.pk
    assert Trial.objects.get(pk=first.pk).outcome == "worked"
    assert Trial.objects.get(pk=first.pk).minutes_saved == 15
    assert post.tried_count == 2
    assert post.teams_reached == 1  # bob is on Platform, carol has no team
    assert InfluenceEvent.objects.filter(kind="tried").count() == 2


def test_a_trial_on_ones_own_post_or_a_question_is_refused(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = publish("alice")
    question = publish("bob", kind="question", title="How?", body="How do I start?")

    with pytest.raises(HubNotAllowedError, match="You wrote this post"):
        trial_record(post=post, person=org["alice"], outcome="worked")
    with pytest.raises(HubNotAllowedError, match="question"):
        trial_record(post=question, person=org["alice"], outcome="worked")
    with pytest.raises(HubInputError, match="outcome"):
        trial_record(post=post, person=org["bob"], outcome="great")
    assert Trial.objects.count() == 0


def test_only_the_asker_accepts_and_one_answer_at_a_time(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    question = publish("alice", kind="question", title="Access?", body="How do I get access?")
    first = answer_post(post=question, author=org["bob"], body="Ask IT.")
    second = answer_post(post=question, author=org["carol"], body="Use the **portal**.")

    with pytest.raises(HubForbiddenError):
        answer_accept(answer=first, actor=org["bob"])
    answer_accept(answer=first, actor=org["alice"])
    answer_accept(answer=second, actor=org["alice"])

    assert list(Answer.objects.filter(accepted=True)) == [second]
    assert "<strong>portal</strong>" in second.body_html
    question.refresh_from_db()
    assert question.answer_count == 2
    comment = answer_post(post=publish("dan"), author=org["alice"], body="Nice one")
    with pytest.raises(HubNotAllowedError):
        answer_accept(answer=comment, actor=org["dan"])


def test_influence_events_point_from_the_helper_to_the_helped(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    win = publish("alice")
    question = publish("carol", kind="question", title="Q", body="How?", anonymous=True)

    trial_record(post=win, person=org["bob"], outcome="worked")
    answer_post(post=win, author=org["dan"], body="Great idea")
    reaction_add(post=win, person=org["erin"], emoji="🎉")
    reaction_add(post=win, person=org["erin"], emoji="🎉")  # once only
    answer_post(post=question, author=org["bob"], body="Like this.")
    answer_post(post=win, author=org["alice"], body="Thanks!")  # own post: no event

    events = {
        (e.kind, e.source_id, e.target_id, e.anonymous_post) for e in InfluenceEvent.objects.all()
    }
    alice, bob, carol = org["alice"].pk, org["bob"].pk, org["carol"].pk
    assert events == {
        ("tried", alice, bob, False),
        ("commented", alice, org["dan"].pk, False),
        ("reacted", alice, org["erin"].pk, False),
        ("answered", bob, carol, True),
    }


def test_a_deleted_post_takes_nothing_more(
    publish: Callable[..., Post], org: dict[str, Person], cast: dict[str, User]
) -> None:
    post = publish("alice")

    with pytest.raises(HubForbiddenError):
        post_delete(post=post, actor=cast["bob"])
    post_delete(post=post, actor=cast["alice"])

    assert Post.objects.get(pk=post.pk).deleted is not None
    for action in (
        lambda: trial_record(post=post, person=org["bob"], outcome="worked"),
        lambda: answer_post(post=post, author=org["bob"], body="hi"),
        lambda: reaction_add(post=post, person=org["bob"], emoji="👍"),
        lambda: post_edit(post=post, editor=org["alice"], title="back"),
    ):
        with pytest.raises(HubGoneError):
            action()


def test_a_moderator_deleting_someone_elses_post_is_audited(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = publish("alice")

    post_delete(post=post, actor=cast["erin"])

    assert AuditEntry.objects.filter(action="hub.post_delete", target=f"post:{post.pk}").exists()


def test_revealing_an_anonymous_author_needs_moderation_and_is_audited(
    publish: Callable[..., Post], org: dict[str, Person], cast: dict[str, User]
) -> None:
    post = publish("alice", anonymous=True)

    with pytest.raises(HubForbiddenError):
        anonymous_reveal(post=post, actor=cast["carol"], reason="curious")
    with pytest.raises(HubInputError, match="reason"):
        anonymous_reveal(post=post, actor=cast["erin"], reason="  ")
    person = anonymous_reveal(post=post, actor=cast["erin"], reason="Reported as offensive")

    assert person == org["alice"]
    entry = AuditEntry.objects.get(action="hub.anonymous_reveal")
    assert entry.actor == cast["erin"] and entry.target == f"post:{post.pk}"
    assert entry.detail["reason"] == "Reported as offensive"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"kind": "rant"}, "kind"),
        ({"kind": "prompt"}, "prompt_text"),
        ({"minutes_saved": -5}, "minutes_saved"),
        ({"minutes_saved": 100_000}, "minutes_saved"),
        ({"minutes_saved": "lots"}, "minutes_saved"),
        ({"tags": ["ok", "not ok!"]}, "tags"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
        ({"tool": "x" * 101}, "tool"),
        ({"body": "nul\x00byte"}, "body"),
    ],
)
def test_bad_post_fields_are_refused_with_the_field_named(
    publish: Callable[..., Post], fields: dict[str, object], field: str
) -> None:
    with pytest.raises(HubInputError) as caught:
        publish("alice", **fields)

    assert caught.value.field == field
    assert Post.objects.count() == 0


def test_tags_are_normalised(publish: Callable[..., Post]) -> None:
    post = publish("alice", tags=["#Excel", "excel", " Meeting Notes "])

    assert post.tags == ["excel", "meeting-notes"]


def test_counters_can_be_rebuilt_from_the_rows(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = publish("alice")
    trial_record(post=post, person=org["bob"], outcome="worked")
    Post.objects.filter(pk=post.pk).update(tried_count=9, answer_count=4)

    assert hub_counters_rebuild() == 1
    post.refresh_from_db()
    assert (post.tried_count, post.answer_count, post.teams_reached) == (1, 0, 1)
    assert hub_counters_rebuild() == 0


def test_first_activity_is_the_earliest_post_or_trial(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    older = publish("alice", days_ago=10)
    publish("alice", days_ago=3)
    trial_record(post=older, person=org["bob"], outcome="worked", at=older.created)

    first = hub_first_activity()

    assert first == {org["alice"].pk: older.created, org["bob"].pk: older.created}
