"""The demo's cohorts, promptathon and show-and-tell, written through the program's services.

- A past promptathon, "Customer-reply prompt sprint" (a week, eleven weeks ago): members who had
  not adopted AI yet and colleagues who had, outputs on the hub with its tag, trials of them by
  non-members, and its measured effect (members' adoption against matched colleagues).
- A cohort running now, with the member login in it.
- Four past weekly show-and-tells, each agenda taken from its week's suggestion (most-tried
  wins, a new face, the fails slot) and attendance recorded (attended-demo influence events),
  and the next one coming up, with sign-ups and people who said they would come.

Seeded; members are chosen from the hub demo's adoption plan (hub.demo), so adoption timing
is left as that plan made it: only members who adopt in the promptathon's week share outputs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from django.contrib.auth.models import User
from django.utils import timezone

from peerwheel.accounts.roles import Role
from peerwheel.hub.demo import NEVER, demo_adoption_plan, demo_week_zero
from peerwheel.hub.services import post_publish, trial_record
from peerwheel.org.demo import DemoContext
from peerwheel.org.models import Person
from peerwheel.program import sessions as services
from peerwheel.program.cohort_effect import FOLLOW_WEEKS, cohort_effect
from peerwheel.program.models_sessions import Cohort, Session
from peerwheel.program.sessions_selectors import agenda_suggestion, cohort_outputs

#: the promptathon's week (of the hub demo's 26), and the shows' weeks
PROMPTATHON_WEEK = 15
SHOW_WEEKS = (22, 23, 24, 25)
SHOW_DAY, SHOW_HOUR = 3, 15  # Thursdays, 15:00 UTC
ATTENDEES = 20
OUTPUTS = (
    ("Reply to a late-delivery complaint", "Apologise once, give the new date, offer a fix."),
    ("Turn a long thread into a three-line answer", "Summarise what they asked, then answer."),
    ("Refund replies that stay on policy", "Quote the policy line, then say what happens next."),
    ("A calm reply to an angry customer", "Acknowledge, restate the problem, one next step."),
    ("Translate a reply and keep our tone", "Translate, then check it sounds like us."),
    ("First reply to a new enterprise lead", "Three questions that qualify the lead politely."),
)


def sessions_demo(context: DemoContext) -> None:
    rng = np.random.default_rng([context.seed, 16])
    plan = demo_adoption_plan(context.org, context.seed)
    lead = User.objects.get(username=Role.LEAD.value)
    runner = User.objects.get(username=Role.CHAMPION.value)
    cohort = _promptathon(context, plan.weeks, lead, rng)
    _running_cohort(context, lead, rng)
    _shows(context, plan.weeks, runner, rng)
    effect = cohort_effect(cohort)
    outputs = cohort_outputs(cohort)
    measured = (
        f"{100 * effect.member_rate:.0f}% of members who had not adopted did so by "
        f"{FOLLOW_WEEKS} weeks after it, against {100 * effect.matched_rate:.0f}% of matched "
        "colleagues"
        if effect.member_rate is not None and effect.matched_rate is not None
        else f"its effect hidden ({effect.hidden})"
    )
    context.notes.append(
        f"Show-and-tell: {len(SHOW_WEEKS)} past sessions and the next on "
        f"{Session.objects.order_by('-starts_at').first().starts_at:%a %d %b}; "  # type: ignore[union-attr]
        f"promptathon '{cohort.name}': {len(outputs.posts)} outputs, tried "
        f"{outputs.trials_by_others} times by non-members; {measured}."
    )


def _nodes(mask: npt.NDArray[np.bool_]) -> list[int]:
    return [int(n) for n in np.flatnonzero(mask)]


def _promptathon(
    context: DemoContext, weeks: npt.NDArray[np.int64], lead: User, rng: np.random.Generator
) -> Cohort:
    """Ten who adopt in its window, six who had not started and do not soon, two who had."""
    start = demo_week_zero() + timedelta(weeks=PROMPTATHON_WEEK, hours=9)
    frame = context.org.people
    big = frame["department"].isin(["Customer Support", "Sales", "Engineering", "Marketing"])
    in_window = (weeks >= PROMPTATHON_WEEK) & (weeks <= PROMPTATHON_WEEK + 4)
    first_week = _nodes(big.to_numpy() & (weeks == PROMPTATHON_WEEK))
    others = _nodes(big.to_numpy() & in_window & (weeks != PROMPTATHON_WEEK))
    adopting = first_week[:6] + [
        int(n) for n in rng.permutation(others)[: 10 - len(first_week[:6])]
    ]
    departments = set(frame.loc[adopting, "department"])
    late = _nodes(
        frame["department"].isin(departments).to_numpy()
        & ((weeks == NEVER) | (weeks > PROMPTATHON_WEEK + 8))
    )
    early = _nodes(big.to_numpy() & (weeks >= 0) & (weeks < PROMPTATHON_WEEK - 4))
    chosen = adopting + [int(n) for n in rng.choice(late, 6, replace=False)]
    chosen += [int(n) for n in rng.choice(early, 2, replace=False)]
    cohort = services.cohort_create(
        actor=lead,
        kind="promptathon",
        name="Customer-reply prompt sprint",
        theme="Prompts that draft customer replies in our tone",
        tag="reply-sprint",
        description="One week: share the prompt that drafts your most common reply, try two "
        "of your colleagues'.",
        starts_at=start,
        ends_at=start + timedelta(days=4, hours=8),
        members=[context.people[n] for n in chosen],
        at=start - timedelta(days=10),
    )
    sharers = [n for n in chosen if weeks[n] == PROMPTATHON_WEEK] + chosen[-2:]
    posts = []
    for i, node in enumerate(sharers[: len(OUTPUTS)]):
        title, how = OUTPUTS[i]
        posts.append(
            post_publish(
                author=context.people[node],
                kind="prompt",
                title=title,
                body=f"{how} Made in the prompt sprint.",
                prompt_text=f"You answer customers for us. {how} Draft the reply to: <paste>",
                task="Customer replies",
                minutes_saved=int(rng.integers(5, 20)),
                tags=["reply-sprint", "customer-replies"],
                at=start + timedelta(hours=int(rng.integers(1, 100))),
            )
        )
    tried_before = _nodes((weeks >= 0) & (weeks < PROMPTATHON_WEEK))
    triers = [n for n in rng.permutation(tried_before) if int(n) not in chosen][:9]
    for i, node in enumerate(triers):
        post = posts[i % len(posts)]
        trial_record(
            post=post,
            person=context.people[int(node)],
            outcome=("worked", "worked", "partly")[i % 3],
            minutes_saved=10,
            at=post.created + timedelta(days=int(rng.integers(1, 20))),
        )
    return cohort


def _running_cohort(context: DemoContext, lead: User, rng: np.random.Generator) -> None:
    """A cohort in its second week, the member login among its members."""
    member = User.objects.get(username=Role.MEMBER.value).person
    now = timezone.now()
    monday = (now - timedelta(days=now.weekday())).replace(hour=9, minute=0, second=0)
    colleagues = list(
        Person.objects.filter(department=member.department, active=True)
        .exclude(pk=member.pk)
        .order_by("pk")
    )
    picked = [colleagues[int(i)] for i in rng.choice(len(colleagues), 7, replace=False)]
    services.cohort_create(
        actor=lead,
        kind="cohort",
        name="AI for account planning",
        theme="Research, summaries and first drafts for account plans",
        tag="account-planning",
        starts_at=monday - timedelta(weeks=1),
        ends_at=monday + timedelta(weeks=3, hours=8),
        members=[member, *picked],
        at=monday - timedelta(weeks=2),
    )


def _show(runner: User, starts: datetime) -> Session:
    return services.session_create(
        actor=runner,
        starts_at=starts,
        title="Show-and-tell",
        location="Atrium and online",
        join_url="https://meet.example.com/show-and-tell",
        at=starts - timedelta(days=7),
    )


def _shows(
    context: DemoContext,
    weeks: npt.NDArray[np.int64],
    runner: User,
    rng: np.random.Generator,
) -> None:
    """Four past sessions with their suggested agendas and attendance, and the next one."""
    origin = demo_week_zero()
    for week in SHOW_WEEKS:
        starts = origin + timedelta(weeks=week, days=SHOW_DAY, hours=SHOW_HOUR)
        session = _show(runner, starts)
        suggestion = agenda_suggestion(session)
        items = [
            *((p, "win") for p in suggestion.wins[:2]),
            *((p, "new_face") for p in suggestion.new_faces[:1]),
            *([(suggestion.fail, "fail")] if suggestion.fail else []),
        ]
        on_agenda: set[int] = set()
        for post, slot in items:
            if post.author_id in on_agenda:  # one slot each
                continue
            on_agenda.add(post.author_id)
            services.presenter_signup(
                session=session,
                person=Person.objects.get(pk=post.author_id),
                topic=post.title,
                slot=slot,
                hub_post_id=post.id,
                added_by=runner,
                at=starts - timedelta(days=1),
            )
        engaged = _nodes((weeks >= 0) & (weeks < week))
        newcomers = _nodes((weeks == NEVER) | (weeks > week))
        came = [int(n) for n in rng.choice(engaged, ATTENDEES - 3, replace=False)]
        came += [int(n) for n in rng.choice(newcomers, 3, replace=False)]
        services.attendance_record(
            session=session,
            people=[context.people[n] for n in came],
            actor=runner,
            at=starts + timedelta(hours=1),
        )
    now = timezone.now()
    thursday = (now + timedelta(days=(SHOW_DAY - now.weekday()) % 7)).replace(
        hour=SHOW_HOUR, minute=0, second=0, microsecond=0
    )
    upcoming = _show(runner, thursday if thursday > now else thursday + timedelta(weeks=1))
    champion = runner.person
    services.presenter_signup(
        session=upcoming,
        person=champion,
        topic="An agent that files the weekly status report",
        slot="win",
        at=now,
    )
    member = User.objects.get(username=Role.MEMBER.value).person
    for node in rng.choice(len(context.people), 11, replace=False):
        services.session_rsvp(session=upcoming, person=context.people[int(node)], going=True)
    services.session_rsvp(session=upcoming, person=member, going=True)
