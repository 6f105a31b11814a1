"""What goes into a person's weekly digest, chosen from the hub's week (docs/digest.md).

1. **Close to you**: the wins, prompts and fails that peers closest to the reader shared or tried
   that week. Closeness of a colleague: same team 3, same role family 2.5, a tie in the
   organisation network 2 (the feed's weights, `engine.ranking.ProximityWeights`); anyone else
   is not close. A post counts by the closer of its author (when shared that week under a name)
   and the closest colleague who tried it that week. Score = closeness × (1 + ln(1 + people who
   tried it that week)) × the reader's stage weight for its kind (`STAGE_WEIGHTS`); ties go to
   the newer post, then the lower id. At most `MAX_CLOSE`.
2. **Across the organisation**: when fewer than `MIN_ITEMS` are close, the week's best (most
   tried that week, then most tried overall, then newest) fill up to `MIN_ITEMS`.
3. **Questions at your stage**: the week's questions at the reader's question stage, close askers
   first, then the most answered.

Never the reader's own posts. An anonymous post has no author here (`hub.weekly`), so it is
never close by authorship and never shown with a name. Nothing about anyone's usage is read.
Everything is vectorised over the week's posts and trials, so a batch of readers costs one
pass of numpy each (`WeekIndex` is built once per week).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peerwheel.digest.weeks import IsoWeek
from peerwheel.engine.ranking import DEFAULT_WEIGHTS
from peerwheel.hub.selectors import WeekActivity, WeekPost
from peerwheel.notifications.selectors import NotificationView

MAX_CLOSE = 5
MIN_ITEMS = 3
MAX_QUESTIONS = 3
ITEM_KINDS = ("win", "prompt", "fail")
KIND_LABELS = {"win": "Win", "prompt": "Prompt", "fail": "Fail", "question": "Question"}
TEAM, ROLE_FAMILY, TIE = (
    DEFAULT_WEIGHTS.same_team,
    DEFAULT_WEIGHTS.same_role_family,
    DEFAULT_WEIGHTS.network_tie,
)
CLOSE = TIE  # the least closeness that counts as close
#: how a close colleague relates to the reader: as an author, and as people who tried a post
RELATION = {TEAM: "in your team", ROLE_FAMILY: "in your role family", TIE: "someone you work with"}
TRIED_RELATION = {TEAM: "in your team", ROLE_FAMILY: "in your role family", TIE: "you work with"}

STAGE_LABELS = {
    1: "What is this?",
    2: "How do I get access?",
    3: "How do I do X with it?",
    4: "How do I build Y that nobody has tried?",
}
#: stage → kind → weight. Stage 1 and 2 readers see what AI did for people like them (wins);
#: stage 3 readers how to do it (prompts); stage 4 readers the frontier, where a fail teaches
#: most. No kind is ever weighted below 1: sharing a failure is never punished.
STAGE_WEIGHTS: dict[int, dict[str, float]] = {
    1: {"win": 2.0, "prompt": 1.0, "fail": 1.0},
    2: {"win": 1.5, "prompt": 1.5, "fail": 1.0},
    3: {"win": 1.0, "prompt": 2.0, "fail": 1.5},
    4: {"win": 1.0, "prompt": 1.5, "fail": 2.0},
}
NEXT_STEPS = {
    1: "Open one of the wins above and, when you have tried it, say “I tried this”.",
    2: "Ask the hub how to get access to a tool; champions answer within hours.",
    3: "Take a prompt above, adapt it to your own task, and share your version.",
    4: "You are building what nobody has tried: share what you learn, fails included, "
    "and offer a demo at the next show-and-tell.",
}


@dataclass(frozen=True)
class DigestItem:
    post_id: int
    kind: str
    title: str
    excerpt: str
    author_name: str  # empty for an anonymous post
    why: str
    minutes_saved: int | None
    path: str  # the post's page, relative to the site

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.title())


@dataclass(frozen=True)
class DigestNudge:
    """A private nudge: only its person's digest carries it."""

    text: str
    draft: str
    path: str  # the hub's new-post form, prefilled with the draft


@dataclass(frozen=True)
class DigestSession:
    """The next show-and-tell (the same for everyone)."""

    title: str
    when: str
    location: str
    join_url: str
    agenda: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    person_id: int
    name: str
    email: str
    week: IsoWeek
    stage: int
    close: tuple[DigestItem, ...] = ()
    across: tuple[DigestItem, ...] = ()
    questions: tuple[DigestItem, ...] = ()
    session: DigestSession | None = None
    nudges: tuple[DigestNudge, ...] = ()
    #: the reader's own unread notifications of the week, when they chose them batched here
    notifications: tuple[NotificationView, ...] = ()

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def next_step(self) -> str:
        return NEXT_STEPS[self.stage]

    @property
    def is_empty(self) -> bool:
        """Nothing to tell: no post, no question, no nudge, no notification (never sent)."""
        return not (
            self.close or self.across or self.questions or self.nudges or self.notifications
        )


@dataclass(frozen=True)
class Reader:
    person_id: int
    name: str
    email: str
    team: int | None
    role_family: str
    ties: frozenset[int]
    stage: int


def _codes(values: list[str]) -> tuple[npt.NDArray[np.int64], dict[str, int]]:
    """Strings as integer codes (empty → −1), with the table to code a reader's value."""
    table: dict[str, int] = {}
    codes = [table.setdefault(v, len(table)) if v else -1 for v in values]
    return np.asarray(codes, dtype=np.int64), table


def _ints(values: list[int | None]) -> npt.NDArray[np.int64]:
    return np.asarray([-1 if v is None else v for v in values], dtype=np.int64)


class WeekIndex:
    """The week's posts and trials as arrays, built once and read for every reader."""

    def __init__(self, activity: WeekActivity, post_path: Any) -> None:
        posts: list[WeekPost] = sorted(activity.posts.values(), key=lambda p: p.id)
        self.posts = posts
        self.post_path = post_path
        self.row = {p.id: i for i, p in enumerate(posts)}
        n = len(posts)
        self.ids = np.asarray([p.id for p in posts], dtype=np.int64)
        self.kind = np.asarray([p.kind for p in posts], dtype=object)
        self.item = np.isin(self.kind, ITEM_KINDS) if n else np.zeros(0, dtype=bool)
        self.question = (self.kind == "question") if n else np.zeros(0, dtype=bool)
        self.shared = np.asarray([p.shared_in_week for p in posts], dtype=bool)
        self.author = _ints([p.author_id for p in posts])
        self.author_team = _ints([p.author_team for p in posts])
        families = [p.author_role_family for p in posts] + [
            t.person_role_family for t in activity.trials
        ]
        family_codes, self.families = _codes(families)
        self.author_family = family_codes[:n]
        self.created = np.asarray([p.created.timestamp() for p in posts], dtype=np.float64)
        self.stage = _ints([p.question_stage for p in posts])
        self.answers = np.asarray([p.answer_count for p in posts], dtype=np.int64)
        trials = activity.trials
        self.trial_post = np.asarray([self.row[t.post_id] for t in trials], dtype=np.int64)
        self.trier = np.asarray([t.person_id for t in trials], dtype=np.int64)
        self.trier_team = _ints([t.person_team for t in trials])
        self.trier_family = family_codes[n:]
        self.tried_week = np.bincount(self.trial_post, minlength=n).astype(np.float64)
        # the trials grouped by post, so a reader's closest trier per post is one reduceat
        self.trial_order = np.argsort(self.trial_post, kind="stable")
        self.tried_rows, self.trial_starts = np.unique(
            self.trial_post[self.trial_order], return_index=True
        )
        tried_total = np.asarray([p.tried_count for p in posts], dtype=np.float64)
        best = np.lexsort((self.ids, -self.created, -tried_total, -self.tried_week))
        self.org_best = best[(self.item & self.shared)[best]]
        self.stage_weights = {
            stage: np.asarray([weights.get(k, 1.0) for k in self.kind], dtype=np.float64)
            for stage, weights in STAGE_WEIGHTS.items()
        }
        self._paths: dict[int, str] = {}

    def _closeness(
        self,
        reader: Reader,
        people: npt.NDArray[np.int64],
        teams: npt.NDArray[np.int64],
        families: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.float64]:
        close = np.zeros(len(people), dtype=np.float64)
        if reader.ties:
            tied = np.isin(people, np.fromiter(reader.ties, dtype=np.int64))
            close[tied] = TIE
        family = self.families.get(reader.role_family, -2) if reader.role_family else -2
        close[(families == family) & (close < ROLE_FAMILY)] = ROLE_FAMILY
        if reader.team is not None:
            close[teams == reader.team] = TEAM
        close[people == reader.person_id] = 0.0  # the reader is not their own peer
        return close

    def digest_parts(
        self, reader: Reader
    ) -> tuple[tuple[DigestItem, ...], tuple[DigestItem, ...], tuple[DigestItem, ...]]:
        """(close to you, across the organisation, questions at your stage) for one reader."""
        n = len(self.posts)
        if n == 0:
            return (), (), ()
        by_author = self._closeness(reader, self.author, self.author_team, self.author_family)
        by_author[~self.shared | (self.author < 0)] = 0.0
        by_trier = self._closeness(reader, self.trier, self.trier_team, self.trier_family)
        best_trier = np.zeros(n, dtype=np.float64)
        if self.tried_rows.size:
            best_trier[self.tried_rows] = np.maximum.reduceat(
                by_trier[self.trial_order], self.trial_starts
            )
        close_triers = np.bincount(
            self.trial_post, weights=(by_trier >= CLOSE).astype(np.float64), minlength=n
        )
        closeness = np.maximum(by_author, best_trier)
        own = self.author == reader.person_id
        score = closeness * (1.0 + np.log1p(self.tried_week)) * self.stage_weights[reader.stage]
        # sort only the candidates: ids are unique, so the order among them is the same
        eligible = np.flatnonzero(self.item & (closeness >= CLOSE) & ~own)
        order = eligible[
            np.lexsort((self.ids[eligible], -self.created[eligible], -score[eligible]))
        ]
        chosen = [int(i) for i in order[:MAX_CLOSE]]
        close = tuple(
            self._item(i, self._why_close(by_author[i], best_trier[i], close_triers[i]))
            for i in chosen
        )
        across: list[DigestItem] = []
        taken = set(chosen)
        for i in self.org_best:
            if len(close) + len(across) >= MIN_ITEMS:
                break
            if int(i) not in taken and not own[i]:
                across.append(self._item(int(i), self._why_across(int(i))))
        asked = np.flatnonzero(self.question & self.shared & ~own & (self.stage == reader.stage))
        q_order = asked[
            np.lexsort(
                (
                    self.ids[asked],
                    -self.created[asked],
                    -self.answers[asked],
                    -by_author[asked],
                )
            )
        ]
        questions = tuple(
            self._item(int(i), self._why_question(int(i), by_author[i]))
            for i in q_order[:MAX_QUESTIONS]
        )
        return close, tuple(across), questions

    def org_items(self, limit: int) -> tuple[DigestItem, ...]:
        """The organisation's best of the week (the Slack channel post: nobody's private part)."""
        return tuple(self._item(int(i), self._why_across(int(i))) for i in self.org_best[:limit])

    def _item(self, i: int, why: str) -> DigestItem:
        post = self.posts[i]
        return DigestItem(
            post_id=post.id,
            kind=post.kind,
            title=post.title,
            excerpt=post.excerpt,
            author_name=post.author_name,
            why=why,
            minutes_saved=post.minutes_saved,
            path=self._path(post.id),
        )

    def _path(self, post_id: int) -> str:
        if post_id not in self._paths:
            self._paths[post_id] = self.post_path(post_id)
        return self._paths[post_id]

    def _why_close(self, by_author: float, by_trier: float, triers: float) -> str:
        if by_author >= by_trier:
            return RELATION[float(by_author)]
        return f"tried this week by {_people(int(triers))} {TRIED_RELATION[float(by_trier)]}"

    def _why_across(self, i: int) -> str:
        tried = int(self.tried_week[i])
        if tried:
            return f"tried by {_people(tried)} across the organisation this week"
        return "shared this week"

    def _why_question(self, i: int, by_author: float) -> str:
        answers = int(self.answers[i])
        asked = "asked this week"
        if by_author >= CLOSE:
            asked = RELATION[float(by_author)]
        return f"{asked}; {answers} answer{'s' if answers != 1 else ''}"


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
