"""Psychological safety signals per group and training completions, the vanity metric
(docs/metrics.md, "Momentum").

Over the measured weeks: fails shared, questions asked, the anonymous share of posts, each per
active contributor (a person with a post, an answer or a trial). The organisation's figures
count anonymous posts and their authors; a department's row leaves them out and has no
anonymous share: every named post shows its author's department, so a department's count minus
its named posts would say where an anonymous author works (the hub's rule for question stages).
A group with fewer active contributors than the minimum group is hidden (with complementary
suppression).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC
from typing import Any

from django.conf import settings

from peerwheel.engine.momentum import share
from peerwheel.insights.momentum.data import MomentumData
from peerwheel.insights.momentum.groups import group_rows


def _figures(
    fails: int, questions: int, posts: int, anonymous: int | None, people: int
) -> dict[str, Any]:
    def per(count: int) -> float | None:
        value = share(count, people)
        return None if value is None else round(value, 3)

    anonymous_share = None if anonymous is None else share(anonymous, posts)
    return {
        "fails": fails,
        "questions": questions,
        "posts": posts,
        "anonymous_share": None if anonymous_share is None else round(anonymous_share, 3),
        "fails_per_contributor": per(fails),
        "questions_per_contributor": per(questions),
    }


def psychological_safety(data: MomentumData, members: set[int]) -> dict[str, Any]:
    """`{organisation: {...}, by_department: [...]}` over the measured weeks; each holds the
    active contributors as `people` and is hidden (`people` None, `suppressed` True) under the
    minimum group. For a group of people (not everyone), `organisation` is that group's row,
    without anonymous posts."""
    since, until = data.since, data.week
    whole = members >= data.people.keys()
    contributors: dict[str, set[int]] = defaultdict(set)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    anonymous_posts: Counter[str] = Counter()
    hidden_authors: set[int] = set()
    hub = data.hub

    def department(person: int) -> str | None:
        row = data.people.get(person)
        return row.department if row is not None and person in members else None

    def inside(at: Any) -> bool:
        return since <= at.astimezone(UTC).date() < until

    for author, kind, anonymous, at, _stage in hub.posts:
        group = department(author)
        if group is None or not inside(at):
            continue
        if anonymous:  # the organisation's figures only
            anonymous_posts[kind] += 1
            hidden_authors.add(author)
            continue
        contributors[group].add(author)
        counts[group]["posts"] += 1
        counts[group]["fails"] += int(kind == "fail")
        counts[group]["questions"] += int(kind == "question")
    for person, at in [(a, at) for a, _k, _o, at in hub.answers] + list(hub.trials):
        group = department(person)
        if group is not None and inside(at):
            contributors[group].add(person)
    values = {
        name: _figures(c["fails"], c["questions"], c["posts"], None, len(contributors[name]))
        for name, c in counts.items()
    }
    for name in contributors.keys() - values.keys():
        values[name] = _figures(0, 0, 0, None, len(contributors[name]))
    total: Counter[str] = sum(counts.values(), Counter())
    named = set().union(*contributors.values()) if contributors else set()
    if whole:
        total["posts"] += anonymous_posts.total()
        total["fails"] += anonymous_posts["fail"]
        total["questions"] += anonymous_posts["question"]
        named |= hidden_authors
    people = len(named)
    organisation: dict[str, Any]
    if people < settings.PEERWHEEL_MIN_GROUP:
        organisation = {"people": None, "suppressed": True}
    else:
        anonymous_count = anonymous_posts.total() if whole else None
        organisation = {
            "people": people,
            **_figures(total["fails"], total["questions"], total["posts"], anonymous_count, people),
            "suppressed": False,
        }
    sizes = {name: len(people) for name, people in contributors.items()}
    return {
        "organisation": organisation,
        "by_department": group_rows("department", sizes, values),
    }


def training_completions(data: MomentumData, members: set[int]) -> dict[str, Any]:
    """People recorded as trained, of the group: shown greyed, labelled as a vanity metric
    (training says who sat a course, not who uses AI or helps others)."""
    trained = len(data.trained & members)
    return {
        "trained": trained,
        "people": len(members),
        "share": None if not members else round(trained / len(members), 3),
        "vanity_metric": True,
        "note": "Completions count who sat a course, not who uses AI or helps others to.",
    }
