"""The demo's hub: 26 weeks of wins, prompts, fails, tips and questions, timed by who adopted when.

`demo_adoption_plan` (pure, seeded) decides each person's adoption week: about 15 pilots and the
CEO in the first weeks, then spread along the demo network (a person's weekly chance grows with
the share of their ties who already adopted). `hub_demo` writes the content through the hub's
services: every adopter's first post or first "I tried this" falls in their adoption week, so
`selectors.hub_first_activity()` (and `adoption_weeks` here) tell later demo steps who adopted
when. Everything happens before the Monday of the current week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from django.utils import timezone

from peerwheel.engine.demo_org import DemoOrganisation
from peerwheel.hub import demo_content as text
from peerwheel.hub.errors import HubError
from peerwheel.hub.models import Post, PostKind
from peerwheel.hub.services import (
    answer_accept,
    answer_post,
    post_edit,
    post_publish,
    prompt_adapt,
    reaction_add,
    trial_record,
)
from peerwheel.hub.validation import REACTIONS
from peerwheel.org.demo import DemoContext
from peerwheel.org.models import Person

WEEKS = 26
PILOTS = 15
NEVER = -1
EARLY_FAMILIES = ("engineering", "operations", "marketing")
#: the departments where the demo's flywheel spins (R > 1), and how hard adopters pull
SPINNING = ("Engineering", "Marketing")
STRONG_PULL, WEAK_PULL = 2.4, 0.3
PEER_RATE = 0.06
BACKGROUND = 0.001  # weekly chance of starting alone
#: the generation interval: weight of a gap of k weeks between an adopter and whom they bring
GENERATION = np.array([0.0, 0.4, 0.3, 0.2, 0.1])
#: the weekly chance that someone who has not adopted asks a question, at the launch
CURIOUS = 0.008
#: the share of askers who pick their question's stage themselves (the classifier does the rest)
ASKER_CHOOSES = 0.15


@dataclass(frozen=True)
class AdoptionPlan:
    """Adoption week per demo node (0 = the first of the 26 weeks; NEVER = not in the demo)."""

    weeks: npt.NDArray[np.int64]
    pilots: npt.NDArray[np.int64]
    seed: int

    def adopters_in(self, week: int) -> npt.NDArray[np.int64]:
        return np.flatnonzero(self.weeks == week)


def demo_week_zero(now: datetime | None = None) -> datetime:
    """Monday 00:00 UTC, 26 weeks before the Monday of the current week."""
    now = now or timezone.now()
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday - timedelta(weeks=WEEKS)


def demo_adoption_plan(org: DemoOrganisation, seed: int) -> AdoptionPlan:
    """Who adopts in which week: pilots first, then colleague by colleague (vectorised, seeded).

    The demo's flywheel story: each week a non-adopter adopts with hazard
    `BACKGROUND + Σ ties to recent adopters β · tie weight · pull(adopter) · g(weeks since)`,
    g the 1–4-week generation interval. Adopters in Engineering and Marketing pull their
    colleagues 8 times as hard as the others, so the insights report finds Flywheel R above 1
    there and below 1 elsewhere (tests/hub/test_demo.py holds the story).
    """
    rng = np.random.default_rng([seed, 3])
    people = org.people
    n = len(people)
    level = people["level"].to_numpy()
    family = people["role_family"].to_numpy()
    eligible = np.flatnonzero((level >= 2) & np.isin(family, EARLY_FAMILIES))
    pilots = np.sort(rng.choice(eligible, size=min(PILOTS, len(eligible)), replace=False))
    weeks = np.full(n, NEVER, dtype=np.int64)
    weeks[pilots] = rng.integers(0, 3, size=len(pilots))
    weeks[0] = 1  # the CEO shares publicly early on (a Crawl gate)
    ties = org.ties
    adjacency = sp.coo_array(
        (ties["weight"].to_numpy(), (ties["source"].to_numpy(), ties["target"].to_numpy())),
        shape=(n, n),
    ).tocsr()
    adjacency = adjacency + adjacency.T
    pull = np.where(np.isin(people["department"].to_numpy(), SPINNING), STRONG_PULL, WEAK_PULL)
    for week in range(3, WEEKS):
        gap = week - weeks
        recent = (weeks != NEVER) & (gap >= 1) & (gap < GENERATION.size)
        force = np.zeros(n)
        force[recent] = PEER_RATE * pull[recent] * GENERATION[gap[recent]]
        hazard = BACKGROUND + adjacency @ force
        new = (weeks == NEVER) & (rng.random(n) < -np.expm1(-hazard))
        weeks[new] = week
    return AdoptionPlan(weeks=weeks, pilots=pilots, seed=seed)


def adoption_weeks(context: DemoContext) -> dict[int, int]:
    """Person id → adoption week (0–25) for everyone who adopted in the demo."""
    plan = demo_adoption_plan(context.org, context.seed)
    return {
        context.people[int(node)].pk: int(week)
        for node, week in enumerate(plan.weeks)
        if week != NEVER
    }


class _Writer:
    """Writes one demo week after another through the services, remembering what exists."""

    def __init__(self, context: DemoContext, plan: AdoptionPlan) -> None:
        self.context = context
        self.plan = plan
        self.rng = np.random.default_rng([context.seed, 4])
        # its own stream, so the askers' stage choices leave the rest of the demo as it was
        self.choices = np.random.default_rng([context.seed, 9])
        self.intended: dict[int, int] = {}  # question id → the stage its template stands for
        self.start = demo_week_zero()
        self.frame: pd.DataFrame = context.org.people
        self.posts: list[tuple[Post, int]] = []  # (post, author node)
        self.titles: set[str] = set()
        self.counts = dict.fromkeys(("posts", "trials", "answers", "adaptations", "edits"), 0)
        neighbours = [[] for _ in range(context.org.size)]  # type: list[list[int]]
        for a, b in zip(context.org.ties["source"], context.org.ties["target"], strict=True):
            neighbours[int(a)].append(int(b))
            neighbours[int(b)].append(int(a))
        self.neighbours = neighbours

    def at(self, week: int) -> datetime:
        day = int(self.rng.integers(0, 5))
        minutes = int(self.rng.integers(8 * 60, 18 * 60))
        return self.start + timedelta(weeks=week, days=day, minutes=minutes)

    def later(self, when: datetime, hours: tuple[int, int]) -> datetime:
        moment = when + timedelta(hours=int(self.rng.integers(*hours)))
        return min(moment, self.start + timedelta(weeks=WEEKS) - timedelta(minutes=1))

    def person(self, node: int) -> Person:
        return self.context.people[int(node)]

    def tasks_of(self, node: int) -> tuple[text.Task, ...]:
        return text.TASKS.get(str(self.frame.at[node, "role_family"]), text.TASKS["operations"])

    def pick(self, items: tuple[str, ...] | list[str]) -> str:
        return str(items[int(self.rng.integers(len(items)))])

    def title(self, patterns: tuple[str, ...], **values: object) -> str:
        start = int(self.rng.integers(len(patterns)))
        for k in range(len(patterns)):
            title = patterns[(start + k) % len(patterns)].format(**values)
            if title not in self.titles:
                break
        self.titles.add(title)
        return title

    def post(self, node: int, week: int, kind: str | None = None) -> Post | None:
        task = self.tasks_of(node)[int(self.rng.integers(len(self.tasks_of(node))))]
        if kind is None:
            kind = self.pick(["win"] * 6 + ["prompt"] * 4 + ["tip"] * 3 + ["fail"] * 3)
        saved = max(5, int(task.minutes * self.rng.uniform(0.6, 1.4)) // 5 * 5)
        values = {
            "task": task.task,
            "Task": task.task.capitalize(),
            "tool": task.tool,
            "a": saved // 2 or 5,
            "b": saved + saved // 2,
            "m": saved,
            "win": task.win,
            "tip": task.tip[1],
            "input": self.pick(text.INPUTS),
        }
        common = {"tool": task.tool, "task": task.task, "at": self.at(week)}
        if kind == "win":
            fields = {
                "title": self.title(text.WIN_TITLES, **values),
                "body": text.WIN_BODY.format(**values),
                "minutes_saved": saved,
                "prompt_text": task.prompt if self.rng.random() < 0.4 else "",
            }
        elif kind == "prompt":
            fields = {
                "title": self.title(text.PROMPT_TITLES, **values),
                "body": text.PROMPT_BODY.format(**values),
                "prompt_text": task.prompt,
                "minutes_saved": saved,
            }
        elif kind == "tip":
            fields = {"title": task.tip[0], "body": task.tip[1]}
        else:
            fields = {"title": task.fail[0], "body": task.fail[1]}
        anonymous = kind == "fail" and self.rng.random() < 0.3
        return self._publish(node, kind=kind, anonymous=anonymous, **common, **fields)

    def question(self, node: int, week: int, *, adopted: bool) -> Post | None:
        """Before adopting people ask what it is and how to get it; after, how to do and build
        things, more so as the months pass. The classifier gives most their stage (hub/stages.py);
        a few askers pick it themselves."""
        progress = week / WEEKS
        if adopted:
            weights = np.array([0.0, 0.5 - 0.4 * progress, 0.6 + progress, 0.05 + 0.8 * progress])
        else:
            weights = np.array([1.2 - 0.8 * progress, 0.8, 0.0, 0.0])
        stage = int(self.rng.choice([1, 2, 3, 4], p=weights / weights.sum()))
        task = self.tasks_of(node)[int(self.rng.integers(len(self.tasks_of(node))))]
        title, body = text.QUESTIONS[stage][int(self.rng.integers(len(text.QUESTIONS[stage])))]
        values = {"dept": self.frame.at[node, "department"], "tool": task.tool, "task": task.task}
        chosen = stage if self.choices.random() < ASKER_CHOOSES else None
        question = self._publish(
            node,
            kind="question",
            title=title.format(**values),
            body=body.format(**values),
            tool=task.tool if stage >= 3 else "",
            task=task.task if stage >= 3 else "",
            question_stage=chosen,
            anonymous=stage <= 2 and self.rng.random() < 0.2,
            at=self.at(week),
        )
        if question is not None:
            self.intended[question.pk] = stage
        return question

    def _publish(self, node: int, **fields: object) -> Post | None:
        try:
            post = post_publish(author=self.person(node), **fields)  # type: ignore[arg-type]
        except HubError:
            return None
        self.posts.append((post, node))
        self.counts["posts"] += 1
        return post

    def candidates(self, node: int, week: int, *, kinds: tuple[str, ...]) -> list[tuple[Post, int]]:
        """Posts someone could try this week: by a tie first, else anyone's recent ones."""
        before = self.start + timedelta(weeks=week)
        close = set(self.neighbours[node])
        usable = [
            (p, a) for p, a in self.posts if a != node and p.created < before and p.kind in kinds
        ]
        near = [(p, a) for p, a in usable if a in close]
        return near or usable[-40:]

    def trial(self, node: int, week: int) -> bool:
        options = self.candidates(node, week, kinds=("win", "prompt", "tip"))
        if not options:
            return False
        post, _ = options[int(self.rng.integers(len(options)))]
        outcome = str(self.rng.choice(["worked", "partly", "didnt"], p=[0.6, 0.3, 0.1]))
        minutes = post.minutes_saved if outcome == "worked" else None
        try:
            _, created = trial_record(
                post=post,
                person=self.person(node),
                outcome=outcome,
                minutes_saved=minutes,
                note=self.pick(text.TRIAL_NOTES[outcome]),
                at=self.later(max(post.created, self.start + timedelta(weeks=week)), (1, 100)),
            )
        except HubError:
            return False
        self.counts["trials"] += int(created)
        return True

    def answers(self, question: Post, adopted: npt.NDArray[np.int64]) -> None:
        if self.rng.random() < 0.2 or len(adopted) < 3:
            return  # some questions wait: the champions' page shows them first
        stage = self.intended.get(question.pk, question.question_stage or 1)
        helpers = self.rng.choice(adopted, size=min(len(adopted), 3), replace=False)
        first = None
        for helper in helpers[: int(self.rng.integers(1, 4))]:
            if self.person(int(helper)).pk == question.author_id:
                continue
            answer = answer_post(
                post=question,
                author=self.person(int(helper)),
                body=self.pick(text.ANSWERS[stage]),
                at=self.later(question.created, (1, 72)),
            )
            first = first or answer
            self.counts["answers"] += 1
        if first is not None and self.rng.random() < 0.6:
            answer_accept(answer=first, actor=question.author)

    def react(self, post: Post, adopted: npt.NDArray[np.int64]) -> None:
        for helper in self.rng.choice(adopted, size=min(len(adopted), int(self.rng.poisson(1.5))),
                                      replace=False):  # fmt: skip
            if self.person(int(helper)).pk != post.author_id:
                reaction_add(
                    post=post,
                    person=self.person(int(helper)),
                    emoji=self.pick(REACTIONS[:4]),
                    at=self.later(post.created, (1, 48)),
                )

    def adapt(self, node: int, week: int) -> None:
        team = self.frame.at[node, "team"]
        options = [
            (p, a)
            for p, a in self.candidates(node, week, kinds=("prompt",))
            if self.frame.at[a, "team"] != team and p.parent_id is None
        ]
        if not options:
            return
        parent, _ = options[int(self.rng.integers(len(options)))]
        department = str(self.frame.at[node, "department"])
        note = self.pick(text.ADAPTATION_NOTES).format(dept=department)
        try:
            child = prompt_adapt(
                parent=parent,
                author=self.person(node),
                title=f"{parent.title} ({department})",
                body=f"{note}\n\n{parent.body}",
                prompt_text=parent.prompt_text + " Use our team's template and keep it short.",
                at=self.at(week),
            )
        except HubError:
            return
        self.posts.append((child, node))
        self.counts["adaptations"] += 1

    def revise(self, post: Post, week: int) -> None:
        post_edit(
            post=post,
            editor=post.author,
            prompt_text=post.prompt_text + " If something is missing from the input, say so.",
            at=self.later(self.start + timedelta(weeks=week), (1, 60)),
        )
        self.counts["edits"] += 1


def hub_demo(context: DemoContext) -> None:
    """Write the demo organisation's hub content (a few seconds for 600 people)."""
    plan = demo_adoption_plan(context.org, context.seed)
    writer = _Writer(context, plan)
    rng = writer.rng
    for week in range(WEEKS):
        week_start = writer.start + timedelta(weeks=week)
        earlier = np.flatnonzero((plan.weeks >= 0) & (plan.weeks < week))
        for node in plan.adopters_in(week):
            # The first post (not a question) or "I tried this" falls in the adoption week.
            if node in plan.pilots or node == 0 or not writer.trial(int(node), week):
                kind = "win" if node == 0 or week == 0 else None
                if writer.post(int(node), week, kind=kind) is None:
                    writer.post(int(node), week, kind="tip")
        if week == 1:  # a pilot shares a failure early (a Crawl gate)
            writer.post(int(rng.choice(earlier[earlier != 0])), week, kind="fail")
        not_yet = np.flatnonzero((plan.weeks == NEVER) | (plan.weeks > week))
        # Curiosity is highest at the launch and fades: "what is this?" gives way to "how do I".
        curious = CURIOUS * (1 - 0.7 * week / WEEKS)
        for node in not_yet[rng.random(len(not_yet)) < curious]:
            question = writer.question(int(node), week, adopted=False)
            if question is not None:
                writer.answers(question, earlier)
        for node in earlier:
            roll = rng.random()
            if roll < 0.035:
                writer.post(int(node), week)
            elif roll < 0.055:
                question = writer.question(int(node), week, adopted=True)
                if question is not None:
                    writer.answers(question, earlier)
            elif roll < 0.15:
                writer.trial(int(node), week)
            elif roll < 0.165:
                writer.adapt(int(node), week)
        for post, _ in writer.posts:
            if post.created >= week_start and post.kind != PostKind.QUESTION:
                writer.react(post, earlier)
        if week >= 4 and week % 3 == 0:
            prompts = [
                p
                for p, _ in writer.posts
                if p.kind == "prompt" and p.version == 1 and p.created < week_start
            ]
            if prompts:
                writer.revise(prompts[int(rng.integers(len(prompts)))], week)
    counts = writer.counts
    adopters = int((plan.weeks >= 0).sum())
    context.notes.append(
        f"Hub: {counts['posts']} posts ({counts['adaptations']} prompt adaptations, "
        f"{counts['edits']} revised prompts), {counts['trials']} trials, {counts['answers']} "
        f"answers; {adopters} of {context.org.size} people adopted over {WEEKS} weeks."
    )
