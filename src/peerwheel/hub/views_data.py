"""What pages, the API and exports may see of hub objects: frozen views, anonymity applied.

ORM objects never leave the selectors; these do. An anonymous post's view has `author=None`
for everyone (its own author sees `mine=True`), and answers its author wrote on it are shown as
"the asker". Only `anonymous_reveal` (audited) tells a moderator who wrote one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from peerwheel.hub.models import (
    Answer,
    Post,
    PostKind,
    QuestionStage,
    QuestionStageSource,
    Trial,
    TrialOutcome,
)
from peerwheel.hub.search import excerpt
from peerwheel.org.models import Person, RoleFamily


@dataclass(frozen=True)
class AuthorView:
    id: int
    name: str
    job_title: str
    team: str
    department: str
    role_family: str

    @property
    def role_family_label(self) -> str:
        try:
            return str(RoleFamily(self.role_family).label)
        except ValueError:
            return ""


@dataclass(frozen=True)
class PostRef:
    """A link to another post (a prompt's parent or adaptation), anonymity applied."""

    id: int
    title: str
    author: AuthorView | None


@dataclass(frozen=True)
class AnswerView:
    id: int
    body: str
    body_html: str
    author: AuthorView | None
    by_asker: bool
    accepted: bool
    created: datetime
    mine: bool


@dataclass(frozen=True)
class TrialView:
    id: int
    person: AuthorView
    outcome: str
    minutes_saved: int | None
    note: str
    created: datetime
    updated: datetime
    mine: bool

    @property
    def outcome_label(self) -> str:
        return str(TrialOutcome(self.outcome).label)


@dataclass(frozen=True)
class VersionView:
    version: int
    title: str
    body: str
    prompt_text: str
    created: datetime


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    count: int
    mine: bool


@dataclass(frozen=True)
class PostView:
    id: int
    kind: str
    title: str
    body: str
    body_html: str
    prompt_text: str
    tool: str
    task: str
    minutes_saved: int | None
    anonymous: bool
    tags: tuple[str, ...]
    question_stage: int | None
    author: AuthorView | None
    mine: bool
    parent: PostRef | None
    version: int
    created: datetime
    edited: datetime | None
    answer_count: int
    #: social proof on every card, from the post's counters (no query per card)
    tried_count: int = 0
    worked_count: int = 0
    reaction_count: int = 0
    answers: tuple[AnswerView, ...] = ()
    trials: tuple[TrialView, ...] = ()
    reactions: tuple[ReactionCount, ...] = ()
    versions: tuple[VersionView, ...] = ()
    adaptations: tuple[PostRef, ...] = ()
    reuse: dict[str, int] = field(default_factory=dict)
    question_stage_confidence: float | None = None
    question_stage_source: str = ""
    #: the question this one duplicates and that question's answers (its page shows them)
    duplicate_of: PostRef | None = None
    original_answers: tuple[AnswerView, ...] = ()
    duplicates: tuple[PostRef, ...] = ()  # questions marked as duplicates of this one

    @property
    def kind_label(self) -> str:
        return str(PostKind(self.kind).label)

    @property
    def excerpt(self) -> str:
        """The card's excerpt: from the rendered body, so no raw Markdown (`**`) shows."""
        return excerpt(self.body_html)

    @property
    def stage_label(self) -> str:
        return str(QuestionStage(self.question_stage).label) if self.question_stage else ""

    @property
    def stage_source_label(self) -> str:
        """Who set the stage, by role only ("Set by a champion"): never a name."""
        source = self.question_stage_source
        return str(QuestionStageSource(source).label) if source and self.question_stage else ""

    @property
    def accepted_answer(self) -> AnswerView | None:
        return next((a for a in self.answers if a.accepted), None)

    @property
    def my_trial(self) -> TrialView | None:
        return next((t for t in self.trials if t.mine), None)

    @property
    def outcome_tally(self) -> dict[str, int]:
        tally = dict.fromkeys(TrialOutcome.values, 0)
        for trial in self.trials:
            tally[trial.outcome] += 1
        return tally


def author_view(person: Person) -> AuthorView:
    """Needs `team` and `department` selected with the person (no query here)."""
    return AuthorView(
        id=person.pk,
        name=person.display_name,
        job_title=person.job_title,
        team=person.team.name if person.team_id and person.team else "",
        department=person.department.name if person.department_id and person.department else "",
        role_family=person.role_family,
    )


def post_ref(post: Post) -> PostRef:
    return PostRef(
        id=post.pk, title=post.title, author=None if post.anonymous else author_view(post.author)
    )


def post_view(post: Post, viewer_person_id: int | None, **details: object) -> PostView:
    """The view of a post: needs author__team/department (and parent__author__…) selected."""
    parent = post.parent if post.parent_id else None
    return PostView(
        id=post.pk,
        kind=post.kind,
        title=post.title,
        body=post.body,
        body_html=post.body_html,
        prompt_text=post.prompt_text,
        tool=post.tool,
        task=post.task,
        minutes_saved=post.minutes_saved,
        anonymous=post.anonymous,
        tags=tuple(post.tags or ()),
        question_stage=post.question_stage,
        question_stage_confidence=post.question_stage_confidence,
        question_stage_source=post.question_stage_source,
        author=None if post.anonymous else author_view(post.author),
        mine=viewer_person_id is not None and post.author_id == viewer_person_id,
        parent=post_ref(parent) if parent is not None and parent.deleted is None else None,
        version=post.version,
        created=post.created,
        edited=post.edited,
        answer_count=post.answer_count,
        tried_count=post.tried_count,
        worked_count=post.worked_count,
        reaction_count=post.reaction_count,
        **details,  # type: ignore[arg-type]
    )


def answer_view(answer: Answer, post: Post, viewer_person_id: int | None) -> AnswerView:
    by_asker = answer.author_id == post.author_id
    hidden = by_asker and post.anonymous
    return AnswerView(
        id=answer.pk,
        body=answer.body,
        body_html=answer.body_html,
        author=None if hidden else author_view(answer.author),
        by_asker=by_asker,
        accepted=answer.accepted,
        created=answer.created,
        mine=viewer_person_id is not None and answer.author_id == viewer_person_id,
    )


def trial_view(trial: Trial, viewer_person_id: int | None) -> TrialView:
    return TrialView(
        id=trial.pk,
        person=author_view(trial.person),
        outcome=trial.outcome,
        minutes_saved=trial.minutes_saved,
        note=trial.note,
        created=trial.created,
        updated=trial.updated,
        mine=viewer_person_id is not None and trial.person_id == viewer_person_id,
    )
