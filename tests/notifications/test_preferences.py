"""Email by preference: at once (the default) after the write commits, batched into the weekly
digest, or off; the preference is set on the page and validated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from peerwheel.digest.rendering import digest_text
from peerwheel.digest.services import digest_build, digest_send
from peerwheel.digest.weeks import IsoWeek
from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, trial_record
from peerwheel.notifications.models import NotificationPreference
from peerwheel.notifications.services import (
    NotificationInputError,
    notification_preference_set,
)
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


def _answer_bobs_question(
    org: dict[str, Person], publish: Callable[..., Post], capture: Callable
) -> Post:
    question = publish("bob", kind="question", title="Summaries of long threads?", body="How?")
    with capture(execute=True):
        answer_post(post=question, author=org["alice"], body="Ask for decisions and owners.")
    return question


def test_immediately_by_default_one_email_after_the_write_commits(
    org: dict[str, Person],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    question = publish("bob", kind="question", title="Summaries of long threads?", body="How?")
    with django_capture_on_commit_callbacks() as callbacks:
        answer_post(post=question, author=org["alice"], body="Ask for decisions and owners.")
        assert mail.outbox == []  # nothing goes before the commit
    for callback in callbacks:
        callback()

    (email,) = mail.outbox
    assert email.to == ["bob@example.com"]
    assert email.subject == (
        "Peerwheel: Alice Adams answered your question \u201cSummaries of long threads?\u201d."
    )
    assert f"/hub/posts/{question.pk}/" in email.body and "/notifications/" in email.body


def test_a_trial_email_says_the_outcome(
    org: dict[str, Person],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    win = publish("carol", title="Invoice chasers")
    with django_capture_on_commit_callbacks(execute=True):
        trial_record(post=win, person=org["dan"], outcome="didnt")
    assert mail.outbox[0].subject.endswith(
        "tried your post \u201cInvoice chasers\u201d: it didn't work."
    )


def test_batched_notifications_wait_for_the_digest_and_appear_there_only_for_their_person(
    org: dict[str, Person],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    notification_preference_set(person=org["bob"], email="digest")
    question = _answer_bobs_question(org, publish, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    week = IsoWeek.of(timezone.localdate())
    digest = digest_build(org["bob"], week)
    assert [n.message for n in digest.notifications] == [
        "Alice Adams answered your question \u201cSummaries of long threads?\u201d."
    ]
    text = digest_text(digest)
    assert "YOUR NOTIFICATIONS THIS WEEK" in text and f"/hub/posts/{question.pk}/" in text
    assert digest_build(org["alice"], week).notifications == ()
    assert digest_build(org["bob"], week.shifted(-1)).notifications == ()  # another week

    run = digest_send(week)
    bobs = [m for m in mail.outbox if m.to == ["bob@example.com"]]
    assert run.sent >= 1 and len(bobs) == 1 and "Alice Adams answered" in bobs[0].body


def test_off_sends_nothing_and_keeps_them_out_of_the_digest(
    org: dict[str, Person],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    notification_preference_set(person=org["bob"], email="off")
    _answer_bobs_question(org, publish, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert digest_build(org["bob"], IsoWeek.of(timezone.localdate())).notifications == ()
    assert org["bob"].notifications.count() == 1  # the bell still has it


def test_immediate_people_never_get_them_again_in_the_digest(
    org: dict[str, Person],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
) -> None:
    _answer_bobs_question(org, publish, django_capture_on_commit_callbacks)
    assert digest_build(org["bob"], IsoWeek.of(timezone.localdate())).notifications == ()


def test_a_failing_email_backend_is_logged_and_the_answer_stays(
    org: dict[str, Person],
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable,
    settings: object,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.test_preferences.BrokenBackend"  # type: ignore[attr-defined]
    _answer_bobs_question(org, publish, django_capture_on_commit_callbacks)
    assert org["bob"].notifications.count() == 1
    assert "notification emails failed (ConnectionRefusedError)" in caplog.text


class BrokenBackend:
    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("no SMTP server")


def test_the_preference_is_chosen_on_the_page(
    org: dict[str, Person], cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    bob = client_for("bob")
    page = bob.get("/notifications/").content.decode()
    assert 'value="immediate" checked' in page

    response = bob.post("/notifications/preference/", {"email": "digest"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(person=org["bob"]).email == "digest"
    assert 'value="digest" checked' in bob.get("/notifications/").content.decode()

    bob.post("/notifications/preference/", {"email": "weekly-ish"})
    assert NotificationPreference.objects.get(person=org["bob"]).email == "digest"
    with pytest.raises(NotificationInputError, match="email must be one of immediate, digest, off"):
        notification_preference_set(person=org["bob"], email="sometimes")
