"""Reads for the hub. `post_for_viewer` is the one permission-checked getter of a post.
The week's activity for the digest (`week_activity`, `question_stages_of`) is in `weekly.py`,
re-exported here, as is the monthly mix of question stages (`question_stage_mix`, stage_mix.py).

Every read returns frozen views (`views_data`) with anonymity applied, never ORM objects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.hub.duplicates import duplicate_for_viewer
from peerwheel.hub.errors import HubForbiddenError, HubGoneError, HubInputError, HubNotFoundError
from peerwheel.hub.feed import feed_rank
from peerwheel.hub.models import Answer, InfluenceEvent, Post, PostKind, Reaction, Trial
from peerwheel.hub.search import search_queryset
from peerwheel.hub.session_reads import AgendaPost as AgendaPost
from peerwheel.hub.session_reads import PostTrials as PostTrials
from peerwheel.hub.session_reads import TaggedPost as TaggedPost
from peerwheel.hub.session_reads import fail_for_agenda as fail_for_agenda
from peerwheel.hub.session_reads import first_time_sharers as first_time_sharers
from peerwheel.hub.session_reads import tagged_posts as tagged_posts
from peerwheel.hub.session_reads import trials_of as trials_of
from peerwheel.hub.session_reads import wins_most_tried as wins_most_tried
from peerwheel.hub.stage_mix import question_stage_mix as question_stage_mix
from peerwheel.hub.validation import kind as clean_kind
from peerwheel.hub.views_data import (
    AnswerView,
    PostView,
    ReactionCount,
    TrialView,
    VersionView,
    answer_view,
    post_ref,
    post_view,
    trial_view,
)
from peerwheel.hub.weekly import WeekActivity as WeekActivity
from peerwheel.hub.weekly import WeekPost as WeekPost
from peerwheel.hub.weekly import question_stages_of as question_stages_of
from peerwheel.hub.weekly import week_activity as week_activity
from peerwheel.org.models import Person
from peerwheel.org.selectors import people_current

PER_PAGE = 20
MAX_PER_PAGE = 100
POST_RELATED = ("author__team", "author__department", "parent__author__team",
                "parent__author__department")  # fmt: skip


@dataclass(frozen=True)
class Viewer:
    """Who is looking, resolved once per request: their person and what they may do."""

    user: User
    person: Person | None
    can_moderate: bool
    can_curate: bool
    can_answer: bool

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None

    def require_person(self) -> Person:
        if self.person is None:
            raise HubForbiddenError(
                "Your login is not linked to a person in the organisation, so you cannot write "
                "on the hub yet; an admin can link it (peerwheel adduser --person)."
            )
        return self.person


@dataclass(frozen=True)
class PostPage:
    items: tuple[PostView, ...]
    count: int
    page: int
    per_page: int

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.count

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def hub_viewer(user: User | AnonymousUser) -> Viewer:
    """The viewer for a signed-in user who may use the hub (else HubForbiddenError)."""
    if not has_capability(user, Capability.USE_HUB):
        raise HubForbiddenError("This needs the 'Use hub' permission.")
    assert isinstance(user, User)  # noqa: S101 - has_capability is False for AnonymousUser
    person = Person.objects.select_related("team", "department").filter(user=user).first()
    return Viewer(
        user=user,
        person=person,
        can_moderate=has_capability(user, Capability.MODERATE),
        can_curate=has_capability(user, Capability.MANAGE_PROGRAM),
        can_answer=has_capability(user, Capability.ANSWER_QUESTIONS),
    )


def _live_posts() -> QuerySet[Post]:
    return Post.objects.filter(deleted__isnull=True)


def post_get(post_id: int) -> Post:
    """The post for a write (services check who may do what); 404 missing, 410 deleted."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        raise HubNotFoundError(f"There is no post {post_id}.")
    if post.deleted is not None:
        raise HubGoneError("This post was deleted by its author or a moderator.")
    return post


def answer_for_viewer(answer_id: int, viewer: Viewer) -> Answer:
    """An answer for a write by this viewer (accepting it; the service checks that the viewer
    asked): 404 missing, 410 when its post was deleted. A viewer exists only for someone who
    may use the hub (`hub_viewer`), so that is the forbidden case."""
    answer = Answer.objects.select_related("post").filter(pk=answer_id).first()
    if answer is None:
        raise HubNotFoundError(f"There is no answer {answer_id}.")
    if answer.post.deleted is not None:
        raise HubGoneError("This post was deleted by its author or a moderator.")
    return answer


def post_for_viewer(post_id: int, viewer: Viewer) -> PostView:
    """A post with its answers, trials, reactions, versions and adaptations, anonymity applied;
    a duplicate question with its original and the original's answers (hub/duplicates.py)."""
    post = Post.objects.select_related(*POST_RELATED).filter(pk=post_id).first()
    if post is None:
        raise HubNotFoundError(f"There is no post {post_id}.")
    if post.deleted is not None:
        raise HubGoneError("This post was deleted by its author or a moderator.")
    me = viewer.person_id
    answers = tuple(
        answer_view(a, post, me)
        for a in Answer.objects.filter(post=post).select_related(
            "author__team", "author__department"
        )
    )
    trials = tuple(
        trial_view(t, me)
        for t in Trial.objects.filter(post=post).select_related(
            "person__team", "person__department"
        )
    )
    counts: Counter[str] = Counter()
    mine: set[str] = set()
    for emoji, person_id in Reaction.objects.filter(post=post).values_list("emoji", "person_id"):
        counts[emoji] += 1
        if person_id == me:
            mine.add(emoji)
    reactions = tuple(ReactionCount(e, n, e in mine) for e, n in counts.most_common())
    versions = tuple(
        VersionView(v.version, v.title, v.body, v.prompt_text, v.created)
        for v in post.versions.all()
    )
    adaptations = tuple(
        post_ref(child)
        for child in _live_posts()
        .filter(parent=post)
        .select_related("author__team", "author__department")
        .order_by("created", "id")
    )
    reuse = (
        {
            "tried": post.tried_count,
            "teams": post.teams_reached,
            "adaptations": post.adaptation_count,
        }
        if viewer.can_curate
        else {}
    )
    links = duplicate_for_viewer(post, me)
    return post_view(
        post,
        me,
        duplicate_of=links.original,
        original_answers=links.original_answers,
        duplicates=links.duplicates,
        answers=answers,
        trials=trials,
        reactions=reactions,
        versions=versions,
        adaptations=adaptations,
        reuse=reuse,
    )


def _page_numbers(page: int, per_page: int) -> tuple[int, int]:
    if page < 1:
        raise HubInputError("page starts at 1.", field="page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise HubInputError(f"per_page must be between 1 and {MAX_PER_PAGE}.", field="per_page")
    return page, per_page


def _view(post: Post, viewer: Viewer, *, curated: bool = False) -> PostView:
    reuse = {}
    if curated and viewer.can_curate:
        reuse = {
            "tried": post.tried_count,
            "teams": post.teams_reached,
            "adaptations": post.adaptation_count,
        }
    return post_view(post, viewer.person_id, reuse=reuse)


def _views(posts: QuerySet[Post], viewer: Viewer, *, curated: bool = False) -> tuple[PostView, ...]:
    return tuple(
        _view(post, viewer, curated=curated) for post in posts.select_related(*POST_RELATED)
    )


def _paginate(
    ordered: QuerySet[Post],
    viewer: Viewer,
    page: int,
    per_page: int,
    *,
    curated: bool = False,
    counted: QuerySet[Post] | None = None,
) -> PostPage:
    """One page: the count (of `counted`, else of `ordered`), the page's ids in order, then the
    page's posts with their authors in one query."""
    page, per_page = _page_numbers(page, per_page)
    start = (page - 1) * per_page
    count = (counted if counted is not None else ordered).count()
    if start >= count:
        return PostPage(items=(), count=count, page=page, per_page=per_page)
    ids = [row[0] for row in ordered.values_list("id")[start : start + per_page]]
    by_id = Post.objects.select_related(*POST_RELATED).in_bulk(ids)
    items = tuple(_view(by_id[i], viewer, curated=curated) for i in ids if i in by_id)
    return PostPage(items=items, count=count, page=page, per_page=per_page)


def search_posts(
    viewer: Viewer,
    *,
    q: str = "",
    kind: str | None = None,
    tool: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> PostPage:
    """Posts matching a full-text query (best first), or the newest when `q` is empty."""
    posts = _live_posts()
    if kind:
        posts = posts.filter(kind=clean_kind(kind))
    if tool:
        posts = posts.filter(tool__iexact=tool.strip())
    q = (q or "").strip()
    if len(q) > 200:
        raise HubInputError("The search is longer than 200 characters; shorten it.", field="q")
    if not q:
        return _paginate(posts.order_by("-created", "-id"), viewer, page, per_page)
    results = search_queryset(posts, q)
    return _paginate(results.ranked, viewer, page, per_page, counted=results.matches)


def feed_for_person(
    viewer: Viewer, *, page: int = 1, per_page: int = PER_PAGE, now: datetime | None = None
) -> PostPage:
    """The reader's peer-proximal feed (see `peerwheel.hub.feed`); newest first without a person."""
    page, per_page = _page_numbers(page, per_page)
    if viewer.person is None:
        return _paginate(_live_posts().order_by("-created", "-id"), viewer, page, per_page)
    ranked = feed_rank(viewer.person, now=now or timezone.now(), limit=page * per_page)
    ids = list(ranked.post_ids[(page - 1) * per_page :])
    posts = _live_posts().filter(pk__in=ids)
    by_id = {view.id: view for view in _views(posts, viewer)}
    items = tuple(by_id[i] for i in ids if i in by_id)
    return PostPage(items=items, count=ranked.candidates, page=page, per_page=per_page)


def prompt_library(
    viewer: Viewer,
    *,
    tool: str | None = None,
    task: str | None = None,
    role_family: str | None = None,
    department: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> PostPage:
    """Prompts, most reused across teams and most adapted first.

    Filtering by the author's role family or department leaves anonymous prompts out: showing
    one there would tell where its author works.
    """
    posts = _live_posts().filter(kind=PostKind.PROMPT)
    if tool:
        posts = posts.filter(tool__iexact=tool)
    if task:
        posts = posts.filter(task__iexact=task)
    if role_family:
        posts = posts.filter(anonymous=False, author__role_family=role_family)
    if department:
        posts = posts.filter(anonymous=False, author__department__name=department)
    ordered = posts.annotate(reuse=F("teams_reached") + F("adaptation_count")).order_by(
        "-reuse", "-tried_count", "-created", "-id"
    )
    return _paginate(ordered, viewer, page, per_page, curated=True)


def library_choices() -> dict[str, list[str]]:
    """The values the library's filters offer (tools and tasks in use, departments)."""
    prompts = _live_posts().filter(kind=PostKind.PROMPT)
    return {
        "tools": sorted(set(prompts.exclude(tool="").values_list("tool", flat=True))),
        "tasks": sorted(set(prompts.exclude(task="").values_list("task", flat=True))),
        "departments": sorted(
            set(
                people_current()
                .filter(department__isnull=False)
                .values_list("department__name", flat=True)
            )
        ),
    }


def questions_for_champions(
    viewer: Viewer, *, page: int = 1, per_page: int = PER_PAGE, department: str | None = None
) -> PostPage:
    """Questions: unanswered first, then answered without an accepted answer, then the rest;
    newest first within each."""
    posts = _live_posts().filter(kind=PostKind.QUESTION)
    if department:
        posts = posts.filter(anonymous=False, author__department__name=department)
    accepted = Answer.objects.filter(post=OuterRef("pk"), accepted=True)
    ordered = posts.annotate(
        state=Case(
            When(answer_count=0, then=Value(0)),
            When(Exists(accepted), then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("state", "-created", "-id")
    return _paginate(ordered, viewer, page, per_page)


@dataclass(frozen=True)
class Contributions:
    posts: tuple[PostView, ...]
    answers: tuple[tuple[AnswerView, int, str], ...]  # (answer, post id, post title)
    trials: tuple[tuple[TrialView, int, str], ...]


def my_contributions(viewer: Viewer, *, limit: int = 100) -> Contributions:
    """The viewer's own posts (anonymous ones too: they are theirs), answers and trials."""
    person = viewer.person
    if person is None:
        return Contributions((), (), ())
    posts = _views(_live_posts().filter(author=person).order_by("-created", "-id")[:limit], viewer)
    answers = tuple(
        (answer_view(a, a.post, person.pk), a.post_id, a.post.title)
        for a in Answer.objects.filter(author=person, post__deleted__isnull=True)
        .select_related("post", "author__team", "author__department")
        .order_by("-created")[:limit]
    )
    trials = tuple(
        (trial_view(t, person.pk), t.post_id, t.post.title)
        for t in Trial.objects.filter(person=person, post__deleted__isnull=True)
        .select_related("post", "person__team", "person__department")
        .order_by("-updated")[:limit]
    )
    return Contributions(posts=posts, answers=answers, trials=trials)


def hub_first_activity() -> dict[int, datetime]:
    """When each person first used AI visibly on the hub, by person id: their first post that
    is not a question, or their first "I tried this" (asking "what is this?" is not adopting).

    Other parts use it as the hub's view of who adopted when (the demo's usage follows it).
    """
    first: dict[int, datetime] = {}
    posts = (
        Post.objects.exclude(kind=PostKind.QUESTION)
        .values_list("author_id")
        .annotate(at=Min("created"))
        .order_by()
    )
    trials = Trial.objects.values_list("person_id").annotate(at=Min("created")).order_by()
    for person_id, at in [*posts, *trials]:
        if person_id not in first or at < first[person_id]:
            first[person_id] = at
    return first


def public_author_ids() -> set[int]:
    """The people who wrote a post under their own name (never an anonymous post's author)."""
    return set(
        Post.objects.filter(anonymous=False, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )


def reach_ranking(*, since: datetime, limit: int) -> list[str]:
    """Employee ids ranked by hub reach since `since`: the distinct colleagues with an influence
    event from the person (they tried, commented on or reacted to the person's posts, or had
    their questions answered). Events about anonymous posts never count (they would reveal an
    author); ties in reach go by employee id."""
    rows = (
        InfluenceEvent.objects.filter(created__gte=since, anonymous_post=False)
        .exclude(source=F("target"))
        .values("source__employee_id")
        .annotate(reach=Count("target", distinct=True))
        .order_by("-reach", "source__employee_id")[:limit]
    )
    return [row["source__employee_id"] for row in rows]


def posts_for_export() -> list[dict[str, object]]:
    """One row per live post, the author empty for anonymous posts (the export never tells)."""
    rows = []
    for post in _live_posts().select_related("author__team", "author__department").order_by("id"):
        hidden = post.anonymous
        rows.append(
            {
                "id": post.pk,
                "kind": post.kind,
                "title": post.title,
                "body": post.body,
                "prompt_text": post.prompt_text,
                "tool": post.tool,
                "task": post.task,
                "minutes_saved": post.minutes_saved,
                "anonymous": hidden,
                "tags": " ".join(post.tags or ()),
                "author_employee_id": "" if hidden else post.author.employee_id,
                "author_name": "" if hidden else post.author.display_name,
                "team": "" if hidden or not post.author.team else post.author.team.name,
                "department": (
                    "" if hidden or not post.author.department else post.author.department.name
                ),
                "parent_id": post.parent_id,
                "version": post.version,
                "created": post.created.isoformat(),
            }
        )
    return rows
