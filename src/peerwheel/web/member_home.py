"""A member's home: what peers in their role shared and tried this week, their next step matched
to their question stage, their own nudges, and (for a leader) their own consistency.

Peers are the colleagues with the person's role family (their team when it is not set). An
anonymous post is never listed as a peer's share (that would tell its author's role); it can be
listed as tried, without an author. Everything here is the signed-in person's own view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from peerwheel.engine.segments import UsageSegment
from peerwheel.hub.selectors import WeekPost, question_stages_of, week_activity
from peerwheel.insights.selectors import NudgeView, nudges_for_person, own_consistency
from peerwheel.org.models import Person, RoleFamily
from peerwheel.usage.selectors import person_usage_for_viewer

SHOWN = 5
#: a person who asked no question: their stage from their own usage (any use means access)
STAGE_BY_SEGMENT = {
    UsageSegment.NON_USER: 1,
    UsageSegment.LOW: 3,
    UsageSegment.NOVICE: 3,
    UsageSegment.HABITUAL: 3,
    UsageSegment.POWER: 4,
}
STAGE_LABELS = {
    1: "What is this?",
    2: "How do I get access?",
    3: "How do I do X with it?",
    4: "How do I build Y that nobody has tried?",
}


@dataclass(frozen=True)
class NextStep:
    stage: int
    text: str
    link_text: str
    url: str
    #: the stage is the person's latest question's (else read from their own usage)
    from_questions: bool = False

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


@dataclass(frozen=True)
class MemberHome:
    person: Person | None
    peers_label: str
    shared: tuple[WeekPost, ...]
    tried: tuple[tuple[WeekPost, int], ...]
    next_step: NextStep
    nudges: tuple[NudgeView, ...]
    consistency: dict[str, object] | None


def _library(person: Person | None) -> str:
    url = reverse("hub:library")
    if person is not None and person.role_family:
        return f"{url}?{urlencode({'role_family': person.role_family})}"
    return url


def next_step(stage: int, person: Person | None) -> NextStep:
    """The next step for a question stage."""
    if stage == 1:
        return NextStep(
            1,
            "Start with what colleagues in your role already do with AI: their most reused "
            "prompts, each with how much time it saves.",
            "See your role's prompts",
            _library(person),
        )
    if stage == 2:
        return NextStep(
            2,
            "Ask for access in the tool catalogue: say what you want to do and with which "
            "data, and you get a yes, a no with the reason, or a safer way.",
            "Ask for access",
            reverse("catalog:ask"),
        )
    if stage == 3:
        return NextStep(
            3,
            "Find a prompt for your task that colleagues in your role tried, and say "
            "\u201cI tried this\u201d so the next person knows it works.",
            "Find a prompt for your task",
            _library(person),
        )
    return NextStep(
        4,
        "You are building what nobody has tried: share it as a win or show it at a "
        "show-and-tell, so colleagues at your side can follow.",
        "Share what you built",
        f"{reverse('hub:new')}?kind=win",
    )


def _stage(person: Person, user: User, now: datetime) -> tuple[int, bool]:
    """(the person's stage, whether it comes from their questions)."""
    asked = question_stages_of([person.pk], before=now).get(person.pk)
    if asked is not None:
        return asked, True
    current = person_usage_for_viewer(person.pk, user).current
    return (1 if current is None else STAGE_BY_SEGMENT[current]), False


def member_home(user: User, *, now: datetime | None = None) -> MemberHome:
    """The signed-in user's own home (a login without a person gets the generic next step)."""
    now = now or timezone.now()
    person: Person | None = getattr(user, "person", None)
    if person is None:
        return MemberHome(None, "", (), (), next_step(1, None), (), None)
    week = week_activity(since=now - timedelta(days=7), until=now)
    if person.role_family:
        label = str(RoleFamily(person.role_family).label)

        def peer_post(p: WeekPost) -> bool:
            return p.author_role_family == person.role_family

        peers_tried = [t for t in week.trials if t.person_role_family == person.role_family]
    else:
        label = "your team"

        def peer_post(p: WeekPost) -> bool:
            return p.author_team is not None and p.author_team == person.team_id

        peers_tried = [
            t for t in week.trials if t.person_team is not None and t.person_team == person.team_id
        ]
    shared = [
        p
        for p in week.posts.values()
        if p.shared_in_week
        and not p.anonymous
        and p.kind != "question"
        and p.author_id != person.pk
        and peer_post(p)
    ]
    shared.sort(key=lambda p: (-p.tried_count, -p.created.timestamp()))
    counts = Counter(t.post_id for t in peers_tried if t.person_id != person.pk)
    stage, asked = _stage(person, user, now)
    tried = [(week.posts[pid], n) for pid, n in counts.most_common() if pid in week.posts]
    return MemberHome(
        person=person,
        peers_label=label,
        shared=tuple(shared[:SHOWN]),
        tried=tuple(tried[:SHOWN]),
        next_step=replace(next_step(stage, person), from_questions=asked),
        nudges=nudges_for_person(person, now=now),
        consistency=own_consistency(person, as_of=timezone.localdate(now))
        if person.is_leader
        else None,
    )
