"""The hub's pages: each renders, checks permissions, writes through the services, and never
shows an anonymous author."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.models import AuditEntry
from peerwheel.hub.models import Post, Trial
from peerwheel.hub.services import answer_post, trial_record
from peerwheel.org.models import Person
from tests.hub.conftest import fake_openai_key

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "win",
    "title": "Drafting release notes",
    "body": "I give it the merged pull requests and ask for user-facing notes.",
    "prompt_text": "",
    "tool": "Copilot",
    "task": "release notes",
    "minutes_saved": "30",
    "tags": "engineering, writing",
}


def test_pages_need_the_hub_permission(client_for: Callable[[str], Client], db: None) -> None:
    assert Client().get("/hub/").status_code == 302
    assert client_for("charlie").get("/hub/").status_code == 403
    assert client_for("alice").get("/hub/questions/").status_code == 403  # champions' page
    assert client_for("bob").get("/hub/questions/").status_code == 200


def test_the_navigation_leads_to_the_hub(client_for: Callable[[str], Client]) -> None:
    html = client_for("alice").get("/").content.decode()

    assert 'href="/hub/"' in html


def test_publishing_from_the_form(client_for: Callable[[str], Client]) -> None:
    response = client_for("alice").post("/hub/new/", FORM)

    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hub/posts/{post.pk}/"
    assert post.tags == ["engineering", "writing"] and post.minutes_saved == 30
    detail = client_for("bob").get(response["Location"]).content.decode()
    assert "Drafting release notes" in detail and "Alice Adams" in detail
    assert "I tried this" in detail


def test_a_blocked_form_comes_back_with_the_message_and_stores_nothing(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("alice").post("/hub/new/", {**FORM, "body": "token " + fake_openai_key()})

    html = response.content.decode()
    assert response.status_code == 422
    assert "Not ready to publish" in html and "&lt;API_KEY&gt;" in html
    assert "Redact all" in html
    assert Post.objects.count() == 0


def test_bad_fields_come_back_with_a_clear_message(client_for: Callable[[str], Client]) -> None:
    response = client_for("alice").post("/hub/new/", {**FORM, "title": ""})

    assert response.status_code == 422
    assert "title is empty" in response.content.decode()


def test_the_live_check_and_one_click_redaction(client_for: Callable[[str], Client]) -> None:
    client = client_for("alice")
    draft = {**FORM, "body": "my key " + fake_openai_key()}

    check = client.post("/hub/check/", draft, headers={"HX-Request": "true"}).content.decode()
    clean = client.post("/hub/check/", FORM, headers={"HX-Request": "true"}).content.decode()
    redacted = client.post("/hub/redact/", draft, headers={"HX-Request": "true"}).content.decode()

    assert 'id="guardrail-feedback"' in check and "OpenAI" in check
    assert "No secrets" in clean
    assert "my key &lt;API_KEY&gt;</textarea>" in redacted
    assert 'hx-swap-oob="true"' in redacted and "Redacted" in redacted


def test_i_tried_this_once_and_then_it_updates(
    client_for: Callable[[str], Client], publish: Callable[..., Post]
) -> None:
    post = publish("alice")
    bob = client_for("bob")

    first = bob.post(f"/hub/posts/{post.pk}/trial/", {"outcome": "partly", "note": "so-so"})
    second = bob.post(
        f"/hub/posts/{post.pk}/trial/",
        {"outcome": "worked", "minutes_saved": "12", "section": "trials"},
        headers={"HX-Request": "true"},
    )
    own = client_for("alice").post(
        f"/hub/posts/{post.pk}/trial/", {"outcome": "worked"}, headers={"HX-Request": "true"}
    )

    assert first.status_code == 302
    assert second.status_code == 200 and 'id="trials"' in second.content.decode()
    assert "Update my trial" in second.content.decode()
    trial = Trial.objects.get()
    assert (trial.outcome, trial.minutes_saved) == ("worked", 12)
    assert own.status_code == 422 and "You wrote this post" in own.content.decode()


def test_answers_accepting_and_reactions_from_the_page(
    client_for: Callable[[str], Client], publish: Callable[..., Post]
) -> None:
    question = publish("alice", kind="question", title="Access?", body="Where do I ask?")

    bob = client_for("bob")
    bob.post(f"/hub/posts/{question.pk}/answer/", {"body": "The IT portal."})
    answer_id = question.answers.get().pk
    refused = bob.post(f"/hub/answers/{answer_id}/accept/", follow=True)
    client_for("alice").post(f"/hub/answers/{answer_id}/accept/")
    reacted = bob.post(
        f"/hub/posts/{question.pk}/react/",
        {"emoji": "💡", "section": "reactions"},
        headers={"HX-Request": "true"},
    )

    assert "Only the person who asked" in refused.content.decode()
    assert question.answers.get().accepted
    assert reacted.status_code == 200 and "💡 <span>1</span>" in reacted.content.decode()


def test_anonymous_posts_never_show_their_author_on_a_page(
    client_for: Callable[[str], Client], publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = publish(
        "alice",
        kind="question",
        title="Can I use it on payroll data?",
        body="Unsure.",
        anonymous=True,
    )
    answer_post(post=post, author=org["alice"], body="Adding context: it is for a summary.")
    bob = client_for("bob")

    pages = {
        "feed": bob.get("/hub/"),
        "detail": bob.get(f"/hub/posts/{post.pk}/"),
        "search": bob.get("/hub/search/?q=payroll"),
        "questions": bob.get("/hub/questions/"),
        "admin detail": client_for("erin").get(f"/hub/posts/{post.pk}/"),
        "admin changelist": client_for("erin").get("/admin/hub/post/"),
        "admin change": client_for("erin").get(f"/admin/hub/post/{post.pk}/change/"),
    }

    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "Can I use it on payroll data?" in html, name
        assert "Alice" not in html and "alice@example.com" not in html, name
    assert "The asker" in pages["detail"].content.decode()
    mine = client_for("alice").get(f"/hub/posts/{post.pk}/").content.decode()
    assert "you posted this anonymously" in mine


def test_an_admin_reveals_an_author_and_the_reveal_is_audited(
    client_for: Callable[[str], Client], publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    post = publish("alice", anonymous=True)

    refused = client_for("carol").post(f"/hub/posts/{post.pk}/reveal/", {"reason": "curious"})
    revealed = client_for("erin").post(f"/hub/posts/{post.pk}/reveal/", {"reason": "A report"})

    assert refused.status_code == 403
    html = revealed.content.decode()
    assert revealed.status_code == 200 and "Revealed to you for moderation" in html
    assert "Alice Adams" in html
    entry = AuditEntry.objects.get(action="hub.anonymous_reveal")
    assert entry.actor == cast["erin"] and entry.detail["reason"] == "A report"


def test_editing_adapting_and_deleting_from_the_pages(
    client_for: Callable[[str], Client], publish: Callable[..., Post]
) -> None:
    prompt = publish("carol", kind="prompt", title="Chasers", prompt_text="Write a chaser.")
    carol, alice = client_for("carol"), client_for("alice")

    assert alice.get(f"/hub/posts/{prompt.pk}/edit/").status_code == 403
    form = carol.get(f"/hub/posts/{prompt.pk}/edit/").content.decode()
    carol.post(
        f"/hub/posts/{prompt.pk}/edit/",
        {
            **FORM,
            "title": "Chasers",
            "body": "It saved time.",
            "prompt_text": "Write a kind chaser.",
        },
    )
    adapt_form = alice.get(f"/hub/new/?adapt={prompt.pk}").content.decode()
    alice.post(
        "/hub/new/",
        {
            **FORM,
            "parent": str(prompt.pk),
            "title": "Chasers, in German",
            "prompt_text": "Auf Deutsch.",
        },
    )
    detail = client_for("bob").get(f"/hub/posts/{prompt.pk}/").content.decode()
    deleted = carol.post(f"/hub/posts/{prompt.pk}/delete/")

    assert "Write a chaser." in form
    assert "Adapting" in adapt_form and 'name="parent"' in adapt_form
    assert "Version history (1 earlier version)" in detail and "Chasers, in German" in detail
    assert deleted.status_code == 302
    assert client_for("bob").get(f"/hub/posts/{prompt.pk}/").status_code == 410


def test_list_pages_keep_a_fixed_number_of_queries(
    client_for: Callable[[str], Client],
    publish: Callable[..., Post],
    org: dict[str, Person],
    django_assert_max_num_queries: Callable,
) -> None:
    for i in range(15):
        post = publish(
            ["alice", "carol", "dan"][i % 3],
            kind=["prompt", "question", "win"][i % 3],
            title=f"Post number {i} about summaries",
            prompt_text="Summarise." if i % 3 == 0 else "",
            anonymous=i % 4 == 0,
            tool="Copilot",
        )
        if i % 3 == 0:
            trial_record(post=post, person=org["erin"], outcome="worked")
    bob = client_for("bob")
    client_for("bob").get("/hub/")  # warm the session and permission caches alike

    for path in (
        "/hub/",
        "/hub/library/",
        "/hub/library/?tool=Copilot&department=Sales",
        "/hub/questions/",
        "/hub/search/?q=summaries",
        "/hub/mine/",
    ):
        with django_assert_max_num_queries(14):
            response = bob.get(path)
        assert response.status_code == 200, path
