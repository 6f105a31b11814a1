"""`{% load follow_tags %}`: follow / unfollow buttons for any page.

- `{% follow_bar post %}` on a hub post's page: its tool, tags and named author (one query; the
  page's `viewer`, the hub's, says who is looking).
- `{% follow_button kind value person_id label %}`: one button (a profile's "Follow"), one query.
"""

from __future__ import annotations

from typing import Any

from django import template

from peerwheel.notifications import selectors
from peerwheel.org.models import Person

register = template.Library()


def _person(context: template.Context) -> Person | None:
    viewer = context.get("viewer")
    person = getattr(viewer, "person", None)
    if isinstance(person, Person):
        return person
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


@register.inclusion_tag("notifications/_follow_bar.html", takes_context=True)
def follow_bar(context: template.Context, post: Any) -> dict[str, Any]:
    author = getattr(post, "author", None)  # None for an anonymous post: no button
    buttons = selectors.follow_bar(
        _person(context),
        tool=post.tool,
        tags=tuple(post.tags),
        author_id=getattr(author, "id", None),
        author_name=getattr(author, "name", ""),
    )
    return {
        "buttons": buttons,
        "next": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(
    context: template.Context, kind: str, value: str = "", person_id: int | None = None,
    label: str = "",
) -> dict[str, Any]:  # fmt: skip
    person = _person(context)
    followed = Person(pk=int(person_id)) if person_id else None
    button = selectors.follow_button(person, kind=kind, value=value, followed=followed, label=label)
    mine = person is not None and button.person_id == person.pk
    return {
        "b": None if mine else button,  # nobody follows themselves
        "next": context["request"].get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
