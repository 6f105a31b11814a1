"""A week on the hub with a known answer for each reader (the named cast of tests/conftest.py).

Alice is in team Platform with Bob and Erin (engineering); she has a tie to Dan; Carol and
Charlie are in sales. Week 2026-W10 starts Monday 2 March 2026.

| post | by | kind | when | tried in the week by |
| --- | --- | --- | --- | --- |
| erin_win | Erin (Alice's team) | win | W10 Mon | |
| dan_win | Dan (Alice's tie) | win | W10 Tue | |
| carol_win | Carol (sales) | win | W10 Wed | Charlie |
| anon_fail | Bob, anonymous | fail | W10 Fri | |
| alice_win | Alice herself | win | W10 Thu | |
| old_prompt | Carol | prompt | W08 | Bob (Alice's team) |
| last_week | Dan | win | W09 | |
| carol_question | Carol | question, stage 3 | W10 Wed | (answered by Bob) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from peerwheel.digest.weeks import IsoWeek
from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, post_publish, trial_record
from peerwheel.org.models import Person, Tie

WEEK = IsoWeek(2026, 10)
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return MONDAY + timedelta(days=days)


@dataclass(frozen=True)
class Scene:
    org: dict[str, Person]
    posts: dict[str, Post]


def _post(author: Person, kind: str, title: str, when: datetime, **extra: object) -> Post:
    return post_publish(
        author=author,
        kind=kind,
        title=title,
        body=f"How {title} went, step by step.",
        at=when,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def scene(org: dict[str, Person]) -> Scene:
    a, d = sorted([org["alice"].pk, org["dan"].pk])
    Tie.objects.create(person_a_id=a, person_b_id=d, weight=1.0)
    posts = {
        "erin_win": _post(org["erin"], "win", "Erin's win", at(0), minutes_saved=30),
        "dan_win": _post(org["dan"], "win", "Dan's win", at(1)),
        "carol_win": _post(org["carol"], "win", "Carol's win", at(2)),
        "alice_win": _post(org["alice"], "win", "Alice's own win", at(3)),
        "anon_fail": _post(org["bob"], "fail", "Anonymous fail", at(4), anonymous=True),
        "old_prompt": _post(
            org["carol"], "prompt", "Carol's old prompt", at(-14), prompt_text="Summarise this."
        ),
        "last_week": _post(org["dan"], "win", "Dan's win of last week", at(-5)),
        "carol_question": _post(
            org["carol"], "question", "Carol's question", at(2.5), question_stage=3
        ),
    }
    trial_record(post=posts["carol_win"], person=org["charlie"], outcome="worked", at=at(2.2))
    trial_record(post=posts["old_prompt"], person=org["bob"], outcome="worked", at=at(1.5))
    answer_post(post=posts["carol_question"], author=org["bob"], body="Like this.", at=at(3))
    return Scene(org=org, posts=posts)


def ask(person: Person, stage: int, when: datetime) -> Post:
    """`person` asks a question at `stage` (their question stage from then on)."""
    return _post(person, "question", f"A stage {stage} question", when, question_stage=stage)
