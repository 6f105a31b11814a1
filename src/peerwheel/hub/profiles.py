"""A person's hub profile (`/hub/people/<id>/`): what they shared under their name, what they
tried, the answers they gave, whether they are a champion, and how many people they helped.

What a profile never holds, whoever looks (the person included):

- **an anonymous post**, nor anything that counts one: the posts, their counts and the social
  proof are read from named posts only; an answer its author wrote on their own anonymous
  question (shown there as "the asker") is left out; the people helped are counted from
  influence events about named posts only (`anonymous_post` False), so no number on the page
  moves when the person posts anonymously;
- **usage**: nothing here reads the usage app (a person's usage is theirs alone).

Champion status comes from the program (`program.selectors.champion_person_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum

from peerwheel.hub.errors import HubNotFoundError
from peerwheel.hub.models import Answer, InfluenceEvent, Post, PostKind, Trial
from peerwheel.hub.views_data import (
    AnswerView,
    AuthorView,
    PostView,
    TrialView,
    answer_view,
    author_view,
    post_view,
    trial_view,
)
from peerwheel.org.models import Person
from peerwheel.program.selectors import champion_person_ids

PROFILE_LIMIT = 50
_POST_RELATED = ("author__team", "author__department", "parent__author__team",
                 "parent__author__department")  # fmt: skip


@dataclass(frozen=True)
class Helped:
    """People helped, counts only: distinct colleagues who acted on what the person shared or
    whose question they answered (influence events about named posts), and two parts of it."""

    people: int
    tried_their_posts: int
    questions_answered_for: int


@dataclass(frozen=True)
class Profile:
    person: AuthorView
    is_champion: bool
    is_me: bool
    shared_count: int
    posts: tuple[PostView, ...]
    tried_by: int  # trials of their named posts (people, one trial each)
    worked_for: int
    answer_count: int
    accepted_count: int
    answers: tuple[tuple[AnswerView, int, str], ...]  # (answer, post id, post title)
    tried_count: int
    trials: tuple[tuple[TrialView, int, str], ...]
    helped: Helped


def named_posts(person: Person) -> QuerySet[Post]:
    """The person's live posts under their own name: the only posts a profile reads."""
    return Post.objects.filter(author=person, anonymous=False, deleted__isnull=True)


def public_answers(person: Person) -> QuerySet[Answer]:
    """The person's answers on live posts, except those on their own anonymous posts (shown
    there as "the asker": listing one here would name the asker)."""
    return Answer.objects.filter(author=person, post__deleted__isnull=True).exclude(
        post__anonymous=True, post__author=person
    )


def _helped(person: Person) -> Helped:
    events = InfluenceEvent.objects.filter(source=person, anonymous_post=False).exclude(
        target=person
    )
    people = events.aggregate(n=Count("target", distinct=True))["n"]
    tried = Trial.objects.filter(post__in=named_posts(person)).aggregate(
        n=Count("person", distinct=True)
    )["n"]
    answered = (
        public_answers(person)
        .filter(post__kind=PostKind.QUESTION, post__anonymous=False)
        .exclude(post__author=person)
        .aggregate(n=Count("post__author", distinct=True))["n"]
    )
    return Helped(people=people, tried_their_posts=tried, questions_answered_for=answered)


def profile_for_viewer(
    person_id: int, viewer_person_id: int | None, *, limit: int = PROFILE_LIMIT
) -> Profile:
    """One person's profile for any hub user (HubNotFoundError when there is no such person).
    The same for every viewer except `is_me` and the `mine` flags."""
    person = Person.objects.select_related("team", "department").filter(pk=person_id).first()
    if person is None:
        raise HubNotFoundError(f"There is no person {person_id}.")
    posts = named_posts(person)
    totals = posts.aggregate(
        n=Count("id"),
        tried=Sum("tried_count", default=0),
        worked=Sum("worked_count", default=0),
    )
    post_views = tuple(
        post_view(p, viewer_person_id)
        for p in posts.select_related(*_POST_RELATED).order_by("-created", "-id")[:limit]
    )
    answers = public_answers(person)
    answer_totals = answers.aggregate(
        n=Count("id"), accepted=Count("id", filter=Q(accepted=True, post__kind=PostKind.QUESTION))
    )
    answer_rows = tuple(
        (answer_view(a, a.post, viewer_person_id), a.post_id, a.post.title)
        for a in answers.select_related("post", "author__team", "author__department").order_by(
            "-created", "-id"
        )[:limit]
    )
    trials = Trial.objects.filter(person=person, post__deleted__isnull=True)
    trial_rows = tuple(
        (trial_view(t, viewer_person_id), t.post_id, t.post.title)
        for t in trials.select_related("post", "person__team", "person__department").order_by(
            F("updated").desc(), "-id"
        )[:limit]
    )
    return Profile(
        person=author_view(person),
        is_champion=person.pk in champion_person_ids(),
        is_me=viewer_person_id == person.pk,
        shared_count=totals["n"],
        posts=post_views,
        tried_by=totals["tried"],
        worked_for=totals["worked"],
        answer_count=answer_totals["n"],
        accepted_count=answer_totals["accepted"],
        answers=answer_rows,
        tried_count=trials.count(),
        trials=trial_rows,
        helped=_helped(person),
    )
