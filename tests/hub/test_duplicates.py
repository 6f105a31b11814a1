"""Duplicate questions: champions, leads and admins mark one (a member gets 403), the duplicate's
page shows the original's answers, the original lists its duplicates, and the asker of an
anonymous question stays anonymous through all of it (page, audit log)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.models import AuditEntry
from peerwheel.hub.duplicates import duplicate_mark, original_id_from
from peerwheel.hub.errors import HubForbiddenError, HubInputError, HubNotAllowedError
from peerwheel.hub.models import InfluenceEvent, Post
from peerwheel.hub.services import answer_post
from peerwheel.notifications.models import Notification
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(publish: Callable[..., Post], org: dict[str, Person]) -> tuple[Post, Post]:
    """An answered original (asked by carol) and alice's duplicate of it."""
    original = publish("carol", kind="question", title="Can Copilot read our wiki?")
    answer_post(post=original, author=org["bob"], body="Yes, once IT connects the wiki.")
    answer_post(post=original, author=org["erin"], body="Ask IT for the connector.")
    duplicate = publish("alice", kind="question", title="Does Copilot see Confluence pages?")
    return original, duplicate


def _mark(client: Client, duplicate: Post, original: object) -> int:
    response = client.post(f"/hub/posts/{duplicate.pk}/duplicate/", {"original": str(original)})
    return response.status_code


def test_a_member_may_not_mark_a_duplicate(
    pair: tuple[Post, Post], client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    original, duplicate = pair

    assert _mark(client_for("alice"), duplicate, original.pk) == 403
    with pytest.raises(HubForbiddenError):
        duplicate_mark(question=duplicate, original=original, actor=cast["alice"])
    with pytest.raises(HubForbiddenError):
        duplicate_mark(question=duplicate, original=original, actor=cast["dan"])  # an analyst

    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None
    assert not AuditEntry.objects.filter(action="hub.duplicate_mark").exists()


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_a_champion_or_a_lead_marks_it_and_the_answers_are_linked(
    pair: tuple[Post, Post], client_for: Callable[[str], Client], cast: dict[str, User],
    org: dict[str, Person], who: str,
) -> None:  # fmt: skip
    original, duplicate = pair
    events_before = InfluenceEvent.objects.count()

    assert _mark(client_for(who), duplicate, f"/hub/posts/{original.pk}/") == 302

    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == original.pk
    page = client_for("alice").get(f"/hub/posts/{duplicate.pk}/").content.decode()
    assert "This question is a duplicate of" in page and original.title in page
    assert "Yes, once IT connects the wiki." in page and "Ask IT for the connector." in page
    back = client_for("dan").get(f"/hub/posts/{original.pk}/").content.decode()
    assert "Asked again as" in back and duplicate.title in back
    audit = AuditEntry.objects.get(action="hub.duplicate_mark")
    assert (audit.actor, audit.target) == (cast[who], f"post:{duplicate.pk}")
    assert audit.detail["original"] == original.pk
    assert InfluenceEvent.objects.count() == events_before  # marking influences nobody
    told = Notification.objects.filter(kind="marked_duplicate")
    assert list(told.values_list("recipient", "post")) == [(org["alice"].pk, duplicate.pk)]


def test_the_mark_form_is_shown_to_champions_only(
    pair: tuple[Post, Post], client_for: Callable[[str], Client]
) -> None:
    _, duplicate = pair
    url = f"/hub/posts/{duplicate.pk}/"

    assert 'id="duplicate-form"' in client_for("bob").get(url).content.decode()
    assert 'id="duplicate-form"' not in client_for("alice").get(url).content.decode()


def test_an_anonymous_askers_answer_on_the_original_shows_as_the_asker(
    publish: Callable[..., Post], org: dict[str, Person], cast: dict[str, User],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    original = publish("alice", kind="question", title="Is it fine to paste HR data?",
                       anonymous=True)  # fmt: skip
    answer_post(post=original, author=org["alice"], body="Answering myself: no, it is not.")
    duplicate = publish("dan", kind="question", title="Can HR data go into ChatGPT?")

    duplicate_mark(question=duplicate, original=original, actor=cast["bob"])

    page = client_for("carol").get(f"/hub/posts/{duplicate.pk}/").content.decode()
    assert "Answering myself: no, it is not." in page and "The asker" in page
    assert "Alice Adams" not in page
    audit = AuditEntry.objects.get(action="hub.duplicate_mark")
    assert org["alice"].employee_id not in str(audit.detail) and "alice" not in str(audit.detail)


def test_chains_point_at_the_root_and_cycles_are_refused(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    first = publish("alice", kind="question", title="First")
    second = publish("bob", kind="question", title="Second")
    third = publish("carol", kind="question", title="Third")
    champion = cast["bob"]

    duplicate_mark(question=second, original=first, actor=champion)
    duplicate_mark(question=third, original=second, actor=champion)  # a duplicate's duplicate
    third.refresh_from_db()
    assert third.duplicate_of_id == first.pk

    with pytest.raises(HubNotAllowedError):
        duplicate_mark(question=first, original=third, actor=champion)  # its own duplicate
    with pytest.raises(HubNotAllowedError):
        duplicate_mark(question=first, original=first, actor=champion)
    win = publish("dan", title="A win")
    with pytest.raises(HubNotAllowedError):
        duplicate_mark(question=first, original=win, actor=champion)
    with pytest.raises(HubNotAllowedError):
        duplicate_mark(question=win, original=first, actor=champion)

    duplicate_mark(question=second, original=None, actor=champion)
    second.refresh_from_db()
    assert second.duplicate_of_id is None
    assert AuditEntry.objects.filter(action="hub.duplicate_clear").count() == 1


def test_a_bad_original_comes_back_as_a_message(
    pair: tuple[Post, Post], client_for: Callable[[str], Client]
) -> None:
    _, duplicate = pair
    client = client_for("bob")

    missing = client.post(f"/hub/posts/{duplicate.pk}/duplicate/", {"original": "99999"},
                          follow=True)  # fmt: skip
    empty = client.post(f"/hub/posts/{duplicate.pk}/duplicate/", {"original": ""}, follow=True)

    assert "There is no post 99999." in missing.content.decode()
    assert "give the number of the question" in empty.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None
    with pytest.raises(HubInputError):
        original_id_from("the one about the wiki")
    assert original_id_from("https://hub.example.org/hub/posts/42/") == 42


def test_the_api_links_a_duplicate_to_its_original_and_back(
    pair: tuple[Post, Post], cast: dict[str, User], client_for: Callable[[str], Client]
) -> None:
    original, duplicate = pair
    duplicate_mark(question=duplicate, original=original, actor=cast["bob"])
    client = client_for("dan")

    body = client.get(f"/api/posts/{duplicate.pk}").json()
    back = client.get(f"/api/posts/{original.pk}").json()

    assert body["duplicate_of"]["id"] == original.pk
    assert [a["body"] for a in body["original_answers"]] == [
        "Yes, once IT connects the wiki.",
        "Ask IT for the connector.",
    ]
    assert [d["id"] for d in back["duplicates"]] == [duplicate.pk]
    assert back["duplicate_of"] is None and back["original_answers"] == []
