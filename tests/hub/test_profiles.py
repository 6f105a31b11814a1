"""Profiles (/hub/people/<id>/): named posts, answers, trials, champion status and the people
helped, as counts; never an anonymous post (the page is the same before and after one, for the
author and for anyone else), never usage (no query touches the usage tables)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, post_publish, reaction_add, trial_record
from peerwheel.org.models import Person
from peerwheel.program.services import champion_invite, champion_respond

pytestmark = pytest.mark.django_db

# The CSRF token changes on every response (htmx's header in the layout, the forms' field).
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


def facts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-fact="([\w-]+)">([^<]*)<', html))


def profile(client: Client, person: Person) -> str:
    response = client.get(f"/hub/people/{person.pk}/")
    assert response.status_code == 200
    return _CSRF.sub(r"\1", response.content.decode())


@pytest.fixture
def alices_hub(publish: Callable[..., Post], org: dict[str, Person]) -> dict[str, Post]:
    """alice shares a win and a prompt under her name, answers bob's question, tries carol's tip."""
    win = publish("alice", title="Minutes in two minutes", minutes_saved=20)
    prompt = publish("alice", kind="prompt", title="Minutes prompt", prompt_text="Summarise.")
    question = publish("bob", kind="question", title="Which tool for minutes?")
    tip = publish("carol", kind="tip", title="Ask for owners and dates")
    trial_record(post=win, person=org["bob"], outcome="worked")
    trial_record(post=win, person=org["carol"], outcome="partly")
    trial_record(post=prompt, person=org["dan"], outcome="worked")
    reaction_add(post=win, person=org["erin"], emoji="🎉")
    answer_post(post=question, author=org["alice"], body="Copilot in Teams.")
    trial_record(post=tip, person=org["alice"], outcome="worked", minutes_saved=5)
    return {"win": win, "prompt": prompt, "question": question, "tip": tip}


def test_a_profile_shows_what_a_person_shared_tried_and_answered(
    alices_hub: dict[str, Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    html = profile(client_for("dan"), org["alice"])

    assert facts(html) == {
        "shared": "2",
        "tried-by": "3",
        "worked-for": "2",
        "answers": "1",
        "tried": "1",
        "helped": "4",  # bob, carol, dan tried; erin reacted; bob (again) got his answer
    }
    assert "3 tried their posts, 1 had a question answered" in html
    for title in ("Minutes in two minutes", "Minutes prompt", "Which tool for minutes?",
                  "Ask for owners and dates"):  # fmt: skip
        assert title in html
    assert "Champion" not in html


def test_author_names_lead_to_the_profile(
    alices_hub: dict[str, Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    link = f'href="/hub/people/{org["alice"].pk}/"'
    client = client_for("bob")

    assert link in client.get("/hub/").content.decode()
    assert link in client.get(f"/hub/posts/{alices_hub['win'].pk}/").content.decode()
    assert link in client.get(f"/hub/posts/{alices_hub['question'].pk}/").content.decode()


def test_champion_status_comes_from_the_program(
    alices_hub: dict[str, Post], org: dict[str, Person], cast: dict[str, User],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    champion = champion_invite(person_id=org["alice"].pk, actor=cast["carol"])
    assert 'class="chip champion"' not in profile(client_for("dan"), org["alice"])  # invited

    champion_respond(champion=champion, user=cast["alice"], accept=True)

    assert 'class="chip champion">Champion' in profile(client_for("dan"), org["alice"])


@pytest.mark.parametrize("viewer", ["bob", "alice", "erin"])
def test_an_anonymous_post_changes_nothing_on_its_authors_profile(
    alices_hub: dict[str, Post], org: dict[str, Person], client_for: Callable[[str], Client],
    viewer: str,
) -> None:  # fmt: skip
    """Anyone (the author, a moderator included) sees the same page before and after alice
    posts anonymously, whatever happens to the anonymous posts: tried, answered, reacted to."""
    client = client_for(viewer)
    before = profile(client, org["alice"])

    fail = post_publish(author=org["alice"], kind="fail", title="Secret fail", body="Oops.",
                        anonymous=True, minutes_saved=3)  # fmt: skip
    question = post_publish(author=org["alice"], kind="question", title="Secret question",
                            body="Is this allowed?", anonymous=True)  # fmt: skip
    trial_record(post=fail, person=org["carol"], outcome="worked")
    trial_record(post=fail, person=org["dan"], outcome="didnt")
    reaction_add(post=fail, person=org["erin"], emoji="🙏")
    answer_post(post=fail, author=org["boss"], body="Thanks for sharing.")
    answer_post(post=question, author=org["bob"], body="Yes.")
    answer_post(post=question, author=org["alice"], body="The asker again: thanks.")
    after = profile(client, org["alice"])

    assert after == before
    assert "Secret" not in after and "The asker again" not in after


def test_a_profile_never_reads_usage(
    alices_hub: dict[str, Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    client = client_for("alice")  # even her own
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/hub/people/{org['alice'].pk}/")

    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "hub_post" in tables  # the capture saw the page's reads
    assert "usage_" not in tables


def test_an_unknown_person_is_a_404(client_for: Callable[[str], Client], db: None) -> None:
    assert client_for("bob").get("/hub/people/99999/").status_code == 404


def test_a_colleague_can_follow_the_person_from_their_profile(
    alices_hub: dict[str, Post], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    assert "Follow Alice Adams" in profile(client_for("dan"), org["alice"])
    assert 'data-follow="person"' not in profile(client_for("alice"), org["alice"])  # herself
