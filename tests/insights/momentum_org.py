"""A small organisation whose momentum is known by hand (tests/insights/test_momentum*.py,
tests/web/test_home*.py).

Built on the named cast (tests/conftest.py: boss, alice, bob, erin in Engineering; carol, dan,
charlie in Sales), with more people so that Engineering (15) and Sales (8) are shown, Marketing
(6) is hidden only as cover for Legal (2). Everything goes through the real services: usage
import, hub posts, answers, trials, reactions and demos, the program's scope and champions.

The measured weeks run from Monday 23 March to Sunday 14 June 2026 (as of Wednesday 17 June):
W0 = 23 March, ..., W11 = 8 June. The expected values in the tests are worked out from the
story written here, not from the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth.models import User

from peerwheel.hub.models import InfluenceKind, Post
from peerwheel.hub.services import (
    answer_post,
    influence_record,
    post_publish,
    reaction_add,
    trial_record,
)
from peerwheel.org.models import Department, Person, Site
from peerwheel.program.models import Champion
from peerwheel.program.services import champion_invite, champion_respond, scope_entry_add
from peerwheel.usage.services import usage_import

AS_OF = date(2026, 6, 17)
WEEK0 = date(2026, 3, 23)


def week(k: int) -> date:
    return WEEK0 + timedelta(weeks=k)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@dataclass
class MomentumOrg:
    people: dict[str, Person]
    posts: dict[str, Post]

    def id(self, key: str) -> int:
        return self.people[key].pk


#: (key, department, site, role family, leader)
EXTRA = [
    *[(f"eng{i}", "Engineering", "London", "engineering", i in (1, 2)) for i in range(1, 7)],
    *[(f"eng{i}", "Engineering", "Berlin", "engineering", True) for i in range(7, 12)],
    ("sal1", "Sales", "London", "sales", False),
    ("sal2", "Sales", "Berlin", "sales", False),
    ("sal3", "Sales", "London", "sales", True),
    ("sal4", "Sales", "Berlin", "sales", True),
    ("sal5", "Sales", "London", "sales", True),
    *[(f"mar{i}", "Marketing", "Berlin", "marketing", False) for i in range(1, 7)],
    ("leg1", "Legal", "London", "legal", False),
    ("leg2", "Legal", "London", "legal", False),
]

#: (person, tool, actions a week, first Monday, last Monday)
USAGE = [
    ("eng1", "ChatGPT", 20, date(2026, 2, 2), week(11)),
    ("eng2", "Copilot", 5, week(2), week(11)),
    ("eng3", "ChatGPT", 20, date(2026, 3, 2), week(11)),
    ("eng3", "Copilot", 5, date(2026, 3, 2), week(11)),
    ("eng5", "Copilot", 10, week(5), week(11)),
    ("sal1", "ChatGPT", 16, week(6), week(11)),
    ("sal2", "ChatGPT", 2, date(2026, 3, 2), week(11)),
    ("alice", "ChatGPT", 5, week(8), week(11)),
    # three of the last four weeks: not heavy by the 4-week rule
    ("eng4", "ChatGPT", 3, week(8), week(9)),
    ("eng4", "ChatGPT", 3, week(11), week(11)),
    # the as-of week itself: never read
    ("mar1", "ChatGPT", 50, week(12), week(12)),
]


def build(org: dict[str, Person], cast: dict[str, User], tmp_path: Path) -> MomentumOrg:
    people = dict(org)
    departments = {d.name: d for d in Department.objects.all()}
    sites = {s.name: s for s in Site.objects.all()}
    for name in ("Marketing", "Legal"):
        departments[name] = Department.objects.create(name=name)
    for key, department, site, family, leader in EXTRA:
        people[key] = Person.objects.create(
            employee_id=key.upper(),
            name=key.capitalize(),
            email=f"{key}@example.com",
            department=departments[department],
            site=sites[site],
            role_family=family,
            is_leader=leader,
        )
    _usage(people, tmp_path)
    posts = _hub(people)
    # the program: Engineering in scope since January, Sales from 20 May (a push in Sales);
    # bob a champion from 1 April
    scope_entry_add(
        unit="department",
        name="Engineering",
        stage="crawl",
        since=date(2026, 1, 1),
        actor=cast["carol"],
    )
    scope_entry_add(
        unit="department",
        name="Sales",
        stage="walk",
        since=date(2026, 5, 20),
        actor=cast["carol"],
    )
    champion_invite(person_id=people["bob"].pk, actor=cast["carol"], at=noon(date(2026, 3, 30)))
    champion_respond(
        champion=Champion.objects.get(person=people["bob"]),
        user=cast["bob"],
        accept=True,
        at=noon(date(2026, 4, 1)),
    )
    return MomentumOrg(people, posts)


def _usage(people: dict[str, Person], tmp_path: Path) -> None:
    path = tmp_path / "momentum_usage.csv"
    with path.open("w") as out:
        out.write("person,week,tool,actions\n")
        for key, tool, actions, first, last in USAGE:
            day = first
            while day <= last:
                out.write(f"{people[key].email},{day.isoformat()},{tool},{actions}\n")
                day += timedelta(weeks=1)
    usage_import("usage-csv", path)


def _hub(p: dict[str, Person]) -> dict[str, Post]:
    def post(key: str, author: str, kind: str, day: date, **extra: object) -> None:
        posts[key] = post_publish(
            author=p[author],
            kind=kind,
            title=f"{kind} by {author}",
            body="Details.",
            at=noon(day),
            **extra,  # type: ignore[arg-type]
        )

    posts: dict[str, Post] = {}
    post("sal2_tip", "sal2", "tip", date(2026, 3, 16))  # before the measured weeks
    post("mar2_q", "mar2", "question", date(2026, 2, 10), question_stage=2)
    post("charlie_q", "charlie", "question", date(2026, 3, 24), question_stage=1)  # W0
    post("boss_win", "boss", "win", date(2026, 3, 25))  # W0
    answer_post(
        post=posts["charlie_q"], author=p["bob"], body="Try it.", at=noon(date(2026, 3, 25))
    )
    post("eng1_win", "eng1", "win", date(2026, 4, 8))  # W2
    post("dan_tip", "dan", "tip", date(2026, 4, 15))  # W3
    post("dan_fail", "dan", "fail", date(2026, 4, 16))  # W3
    trial_record(
        post=posts["dan_tip"], person=p["sal4"], outcome="worked", at=noon(date(2026, 4, 20))
    )
    # a demo: boss presents (visible), the attendance is organised (no organic signal)
    influence_record(
        source=p["boss"],
        target=p["eng6"],
        kind=InfluenceKind.ATTENDED_DEMO,
        at=noon(date(2026, 4, 22)),
    )
    influence_record(
        source=p["boss"],
        target=p["sal3"],
        kind=InfluenceKind.ATTENDED_DEMO,
        at=noon(date(2026, 4, 22)),
    )
    post("erin_q3", "erin", "question", date(2026, 4, 29), question_stage=3)  # W5
    post("eng5_anon", "eng5", "win", date(2026, 5, 5), anonymous=True)  # W6
    post("dan_q4", "dan", "question", date(2026, 5, 6), question_stage=4)  # W6
    post("carol_q3", "carol", "question", date(2026, 5, 12), question_stage=3)  # W7
    answer_post(
        post=posts["carol_q3"], author=p["eng2"], body="Like so.", at=noon(date(2026, 5, 13))
    )
    answer_post(post=posts["carol_q3"], author=p["sal3"], body="Or so.", at=noon(date(2026, 5, 13)))
    answer_post(post=posts["carol_q3"], author=p["bob"], body="Also.", at=noon(date(2026, 5, 14)))
    trial_record(
        post=posts["eng1_win"], person=p["alice"], outcome="worked", at=noon(date(2026, 5, 20))
    )
    trial_record(
        post=posts["eng1_win"], person=p["dan"], outcome="partly", at=noon(date(2026, 5, 21))
    )
    post("carol_q2", "carol", "question", date(2026, 5, 26), question_stage=2)  # W9
    reaction_add(post=posts["eng1_win"], person=p["mar2"], emoji="👍", at=noon(date(2026, 5, 27)))
    answer_post(
        post=posts["charlie_q"], author=p["boss"], body="Later.", at=noon(date(2026, 5, 27))
    )
    post("eng6_q4", "eng6", "question", date(2026, 6, 2), question_stage=4)  # W10
    post("sal5_win", "sal5", "win", date(2026, 6, 3))  # W10
    return posts
