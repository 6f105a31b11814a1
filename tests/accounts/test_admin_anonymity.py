"""Issue #11 item 1: the Django admin never leads to the author of an anonymous post.

Each test performs an attack an admin (erin) could make through /admin/ and asserts it gets
nothing; the only way to an anonymous author is the hub's audited reveal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.models import AuditEntry
from peerwheel.hub.models import Post
from peerwheel.hub.services import anonymous_reveal, post_publish, trial_record
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db

SECRET_TITLE = "I pasted the payroll file into a chatbot"


@pytest.fixture
def anonymous_post(org: dict[str, Person], cast: dict[str, User]) -> Post:
    post = post_publish(
        author=org["alice"],
        kind="fail",
        title=SECRET_TITLE,
        body="It went badly; here is what I learned.",
        anonymous=True,
    )
    trial_record(post=post, person=org["bob"], outcome="worked")
    return post


def _titles_listed(response: object) -> bool:
    return SECRET_TITLE in response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query",
    [
        "author__id__exact={alice}&anonymous__exact=1",
        "author__id__exact={alice}",
        "author={alice}",
        "author_id={alice}",
        "author__exact={alice}",
        "author__in={alice}",
        "author__employee_id=E2",
        "author__name__startswith=Alice",
        "author__user__username=alice",
    ],
)
def test_the_post_changelist_refuses_every_lookup_on_the_author(
    client_for: Callable[[str], Client], anonymous_post: Post, org: dict[str, Person], query: str
) -> None:
    response = client_for("erin").get("/admin/hub/post/?" + query.format(alice=org["alice"].pk))

    assert response.status_code == 400
    assert not _titles_listed(response)


def test_the_same_lookup_for_someone_else_lists_nothing_different(
    client_for: Callable[[str], Client], anonymous_post: Post, org: dict[str, Person]
) -> None:
    """Before the fix, alice's id listed the post and bob's did not: now both are refused."""
    erin = client_for("erin")
    for who in ("alice", "bob"):
        response = erin.get(f"/admin/hub/post/?author__id__exact={org[who].pk}")
        assert response.status_code == 400


def test_the_person_changelist_refuses_lookups_through_their_posts_and_answers(
    client_for: Callable[[str], Client], anonymous_post: Post
) -> None:
    erin = client_for("erin")
    for query in (
        f"hub_posts__id__exact={anonymous_post.pk}",
        f"hub_posts={anonymous_post.pk}",
        "hub_posts__anonymous=1",
        f"influence_out__post={anonymous_post.pk}",
        "influence_out__anonymous_post=1",
    ):
        response = erin.get("/admin/org/person/?" + query)
        assert response.status_code == 400, query
        assert "Alice Adams" not in response.content.decode(), query


def test_the_login_changelist_refuses_lookups_through_the_person(
    client_for: Callable[[str], Client], anonymous_post: Post
) -> None:
    response = client_for("erin").get(
        f"/admin/auth/user/?person__hub_posts__id__exact={anonymous_post.pk}"
    )

    assert response.status_code == 400


def test_ordering_and_search_on_posts_never_use_the_author(
    client_for: Callable[[str], Client], anonymous_post: Post, org: dict[str, Person]
) -> None:
    erin = client_for("erin")
    for column in range(-8, 9):
        page = erin.get(f"/admin/hub/post/?o={column}").content.decode()
        assert "Alice" not in page and "alice@example.com" not in page
    searched = erin.get("/admin/hub/post/?q=Alice")
    assert searched.status_code == 200 and not _titles_listed(searched)


def test_the_person_delete_page_lists_nothing_of_their_anonymous_posts(
    client_for: Callable[[str], Client], anonymous_post: Post, org: dict[str, Person]
) -> None:
    erin = client_for("erin")
    alice = org["alice"]

    page = erin.get(f"/admin/org/person/{alice.pk}/delete/")
    bulk = erin.post(
        "/admin/org/person/",
        {"action": "delete_selected", "_selected_action": [alice.pk]},
    )

    assert page.status_code == 403
    assert not _titles_listed(page) and not _titles_listed(bulk)
    assert Person.objects.filter(pk=alice.pk).exists()


def test_posts_cannot_be_hard_deleted_from_the_admin(
    client_for: Callable[[str], Client], anonymous_post: Post
) -> None:
    erin = client_for("erin")

    page = erin.get(f"/admin/hub/post/{anonymous_post.pk}/delete/")
    erin.post(f"/admin/hub/post/{anonymous_post.pk}/delete/", {"post": "yes"})
    erin.post(
        "/admin/hub/post/",
        {"action": "delete_selected", "_selected_action": [anonymous_post.pk], "post": "yes"},
    )

    assert page.status_code == 403
    assert Post.objects.filter(pk=anonymous_post.pk).exists()


def test_no_admin_page_about_the_post_names_its_author(
    client_for: Callable[[str], Client], anonymous_post: Post, org: dict[str, Person]
) -> None:
    erin = client_for("erin")
    pages = [
        "/admin/hub/post/",
        f"/admin/hub/post/{anonymous_post.pk}/change/",
        f"/admin/hub/post/{anonymous_post.pk}/history/",
        "/admin/accounts/auditentry/",
    ]
    for url in pages:
        response = erin.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "Alice" not in html and "alice@example.com" not in html, url
        assert f">{org['alice'].employee_id}<" not in html, url


def test_the_audit_log_does_not_repeat_a_revealed_author(
    client_for: Callable[[str], Client],
    anonymous_post: Post,
    cast: dict[str, User],
    org: dict[str, Person],
) -> None:
    """A second admin reading the audit log learns that a reveal happened, not whom it named."""
    anonymous_reveal(post=anonymous_post, actor=cast["erin"], reason="A report")
    entry = AuditEntry.objects.get(action="hub.anonymous_reveal")
    erin = client_for("erin")

    assert entry.detail["author"] == org["alice"].employee_id  # the service keeps it
    listing = erin.get("/admin/accounts/auditentry/?action__exact=hub.anonymous_reveal")
    detail = erin.get(f"/admin/accounts/auditentry/{entry.pk}/change/").content.decode()

    assert "hub.anonymous_reveal" in listing.content.decode() and "A report" in detail
    for html in (listing.content.decode(), detail):
        assert not re.search(rf"\b{org['alice'].employee_id}\b", html) and "Alice" not in html
    assert "(not repeated here)" in detail


def test_audit_entries_cannot_be_deleted_from_the_admin(
    client_for: Callable[[str], Client], anonymous_post: Post, cast: dict[str, User]
) -> None:
    anonymous_reveal(post=anonymous_post, actor=cast["erin"], reason="A report")
    entry = AuditEntry.objects.get(action="hub.anonymous_reveal")
    erin = client_for("erin")

    page = erin.get(f"/admin/accounts/auditentry/{entry.pk}/delete/")
    erin.post(
        "/admin/accounts/auditentry/",
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert page.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_admins_own_filters_still_work(
    client_for: Callable[[str], Client], anonymous_post: Post, org: dict[str, Person]
) -> None:
    erin = client_for("erin")
    department = org["alice"].department_id

    posts = erin.get("/admin/hub/post/?anonymous__exact=1&kind__exact=fail&_facets=1")
    people = erin.get(f"/admin/org/person/?department__id__exact={department}&is_leader__exact=0")
    dated = erin.get("/admin/accounts/auditentry/?action__exact=role.assign")

    assert posts.status_code == 200 and _titles_listed(posts)
    assert people.status_code == 200 and "Alice Adams" in people.content.decode()
    assert "Carol Clark" not in people.content.decode()
    assert dated.status_code == 200
