"""Each kind of notification is written on the right hub action, to the right person, never to
the person who acted, once per event; @mentions; what back-dated writes do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from peerwheel.hub.models import Post
from peerwheel.hub.services import (
    answer_accept,
    answer_post,
    post_edit,
    prompt_adapt,
    reaction_add,
    trial_record,
)
from peerwheel.notifications.mentions import mentioned_names, mentioned_people
from peerwheel.notifications.models import Notification
from peerwheel.notifications.services import follow_add
from peerwheel.org.models import Person
from tests.notifications.conftest import told

pytestmark = pytest.mark.django_db


def test_an_answer_tells_the_asker_and_a_comment_tells_the_author(
    org: dict[str, Person], publish: Callable[..., Post]
) -> None:
    question = publish("bob", kind="question", title="How do I summarise a thread?", body="?")
    win = publish("carol", title="Minutes in two minutes")
    answer_post(post=question, author=org["alice"], body="Paste it and ask for decisions.")
    answer_post(post=win, author=org["alice"], body="Nice one.")

    assert told(org["bob"]) == [("answer_on_my_post", question.pk)]
    assert told(org["carol"]) == [("comment_on_my_post", win.pk)]
    row = Notification.objects.get(recipient=org["bob"])
    assert (row.actor, row.actor_hidden, row.read) == (org["alice"], False, False)


def test_nobody_is_told_about_what_they_did_themselves(
    org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    question = publish("bob", kind="question", title="Which tool for slides?", body="@bob?")
    answer = answer_post(post=question, author=org["bob"], body="Answering myself, @bob.")
    answer_accept(answer=answer, actor=org["bob"])
    assert Notification.objects.count() == 0


def test_accepting_an_answer_tells_its_author(
    org: dict[str, Person], publish: Callable[..., Post]
) -> None:
    question = publish("bob", kind="question", title="Access to Copilot?", body="How?")
    answer = answer_post(post=question, author=org["alice"], body="Ask IT.")
    Notification.objects.all().delete()

    answer_accept(answer=answer, actor=org["bob"])
    answer_accept(answer=answer, actor=org["bob"])  # already accepted: nothing new

    assert told(org["alice"]) == [("answer_accepted", question.pk)]
    assert Notification.objects.get().actor == org["bob"]


def test_a_trial_tells_the_author_with_the_outcome_once(
    org: dict[str, Person], publish: Callable[..., Post]
) -> None:
    win = publish("carol", title="Invoice chasers")
    trial_record(post=win, person=org["alice"], outcome="partly")
    trial_record(post=win, person=org["alice"], outcome="worked")  # an update: nobody again

    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.outcome) == (org["carol"], "tried_my_post", "partly")


def test_adapting_a_prompt_tells_the_parents_author_about_the_adaptation(
    org: dict[str, Person], publish: Callable[..., Post]
) -> None:
    parent = publish("carol", kind="prompt", title="Chasers", prompt_text="Write a chaser.")
    child = prompt_adapt(parent=parent, author=org["alice"], title="Chasers, in German")

    assert told(org["carol"]) == [("prompt_adapted", child.pk)]


def test_reactions_and_edits_notify_nobody(
    org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    win = publish("carol", title="Slides from notes")
    reaction_add(post=win, person=org["alice"], emoji="👍")
    post_edit(post=win, editor=org["carol"], body="Now with @alice in it.")
    assert Notification.objects.count() == 0


def test_mentions_by_login_name_or_employee_id(
    org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    post = publish("carol", title="Try this", body="Thanks @alice and @E5, ask @nobody-here.")
    question = publish("dan", kind="question", title="Who knows Claude?", body="Anyone?")
    answer_post(post=question, author=org["carol"], body="@Bob does; so do I (carol@example.com).")

    assert told(org["alice"]) == [("mentioned", post.pk)]
    assert told(org["dan"]) == [("mentioned", post.pk), ("answer_on_my_post", question.pk)]
    assert told(org["bob"]) == [("mentioned", question.pk)]
    assert told(org["carol"]) == []  # an email address is not a mention of its owner


def test_one_notification_per_person_per_event(
    org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    follow_add(person=org["bob"], kind="tool", value="Copilot")
    follow_add(person=org["bob"], kind="person", followed=org["carol"])
    question = publish("bob", kind="question", title="Decks?", body="How?")
    answer_post(post=question, author=org["carol"], body="Like this, @bob.")
    publish("carol", title="Decks", body="cc @bob", tool="Copilot")

    kinds = [kind for kind, _ in told(org["bob"])]
    assert kinds == ["answer_on_my_post", "mentioned"]  # the mention wins over the follows


def test_mention_parsing() -> None:
    text = "Hi @alice, @E5. and @alice again; mail bob@example.com; `@Override` ```\n@dan\n```"
    assert mentioned_names(text) == ["alice", "e5"]
    assert mentioned_names("") == []


def test_mention_of_an_unknown_name_is_ignored(org: dict[str, Person], cast: object) -> None:
    assert mentioned_people("ping @ghost and @E404") == []
    assert [p.employee_id for p in mentioned_people("ping @ALICE")] == ["E2"]


def test_leavers_are_not_notified(org: dict[str, Person], publish: Callable[..., Post]) -> None:
    Person.objects.filter(pk=org["bob"].pk).update(active=False)
    question = publish("bob", kind="question", title="Old question", body="?")
    answer_post(post=question, author=org["alice"], body="Late answer.")
    assert Notification.objects.count() == 0


def test_a_back_dated_write_is_history_read_and_never_emailed(
    org: dict[str, Person],
    publish: Callable[..., Post],
    mailoutbox: list[object],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    question = publish("bob", kind="question", title="Old", body="?")
    with django_capture_on_commit_callbacks(execute=True):
        answer_post(
            post=question, author=org["alice"], body="Old.", at=timezone.now() - timedelta(days=30)
        )
        answer_post(
            post=question, author=org["carol"], body="New.", at=timezone.now() - timedelta(hours=2)
        )
    rows = Notification.objects.order_by("created")
    assert [(r.actor.employee_id, r.read) for r in rows] == [("E2", True), ("E4", False)]
    assert mailoutbox == []


def test_a_question_marked_as_a_duplicate_tells_its_asker_even_an_anonymous_one(
    org: dict[str, Person], cast: dict[str, User], publish: Callable[..., Post]
) -> None:
    from peerwheel.hub.duplicates import duplicate_mark
    from peerwheel.notifications.selectors import notifications_for_person

    original = publish("carol", kind="question", title="How do I get Copilot?", body="?")
    again = publish("alice", kind="question", title="Copilot access?", body="?")
    hidden = publish("dan", kind="question", title="Access to Copilot", body="?", anonymous=True)
    duplicate_mark(question=again, original=original, actor=cast["bob"])
    duplicate_mark(question=hidden, original=original, actor=cast["bob"])
    duplicate_mark(question=hidden, original=original, actor=cast["bob"])  # already: nothing

    assert told(org["alice"]) == [("marked_duplicate", again.pk)]
    assert told(org["dan"]) == [("marked_duplicate", hidden.pk)]
    (view,) = notifications_for_person(org["alice"]).items
    assert view.message.startswith("Bob Brown marked your question \u201cCopilot access?\u201d")
    assert told(org["carol"]) == [] and told(org["bob"]) == []
