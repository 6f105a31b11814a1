"""Writes for the hub: one function per write, each doing the row, the counters and the events.

Every function takes keyword-only arguments. `at` (a datetime) lets imports and the demo date
what they write; everyone else leaves it out and gets "now". Errors are `peerwheel.hub.errors`
classes; when one is raised nothing has been written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.accounts.services import audit_record
from peerwheel.hub import validation
from peerwheel.hub.errors import (
    GuardrailBlockedError,
    HubForbiddenError,
    HubGoneError,
    HubInputError,
    HubNotAllowedError,
)
from peerwheel.hub.guardrails import findings_as_dicts, guardrail_check
from peerwheel.hub.markdown import render_markdown
from peerwheel.hub.models import (
    Answer,
    InfluenceEvent,
    InfluenceKind,
    Post,
    PostKind,
    PostVersion,
    QuestionStageSource,
    Reaction,
    Trial,
    TrialOutcome,
)
from peerwheel.hub.stages import stage_correction_write, stage_fields
from peerwheel.notifications.services import HubEvent, notify
from peerwheel.org.models import Person

EDITABLE_FIELDS = (
    "title",
    "body",
    "prompt_text",
    "tool",
    "task",
    "minutes_saved",
    "anonymous",
    "tags",
    "question_stage",
)


def _now(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("`at` must be an aware datetime")
    return at


def _clean_post(values: dict[str, Any], kind: PostKind) -> dict[str, Any]:
    cleaned = {
        "title": validation.text(
            values.get("title"), "title", maximum=validation.TITLE_MAX, required=True
        ),
        "body": validation.text(
            values.get("body"), "body", maximum=validation.BODY_MAX, required=True
        ),
        "prompt_text": validation.text(
            values.get("prompt_text"), "prompt_text", maximum=validation.PROMPT_MAX
        ),
        "tool": validation.text(values.get("tool"), "tool", maximum=validation.TOOL_MAX),
        "task": validation.text(values.get("task"), "task", maximum=validation.TASK_MAX),
        "minutes_saved": validation.minutes(values.get("minutes_saved")),
        "anonymous": bool(values.get("anonymous") or False),
        "tags": validation.tags(values.get("tags")),
        "question_stage": validation.stage(values.get("question_stage")),
    }
    if kind is PostKind.PROMPT and not cleaned["prompt_text"]:
        raise HubInputError(
            "A prompt post needs the prompt itself in prompt_text.", field="prompt_text"
        )
    if kind is not PostKind.QUESTION:
        cleaned["question_stage"] = None
    return cleaned


def _guard(fields: dict[str, Any], author: Person) -> None:
    result = guardrail_check(fields, author=author)
    if result.blocked:
        raise GuardrailBlockedError(findings_as_dicts(result))


def influence_record(
    *,
    source: Person,
    target: Person,
    kind: InfluenceKind,
    post: Post | None = None,
    at: datetime | None = None,
    anonymous_post: bool = False,
) -> InfluenceEvent | None:
    """Record that `source` influenced `target` (nothing when they are the same person).

    Other parts call this too (the program records `ATTENDED_DEMO` for show-and-tell).
    """
    if source.pk == target.pk:
        return None
    return InfluenceEvent.objects.create(
        source=source,
        target=target,
        kind=kind,
        post=post,
        anonymous_post=anonymous_post,
        created=_now(at),
    )


def _alive(post: Post) -> None:
    if post.deleted is not None:
        raise HubGoneError("This post was deleted; nothing can be added to it.")


@transaction.atomic
def post_publish(
    *,
    author: Person,
    kind: str,
    title: str,
    body: str,
    prompt_text: str = "",
    tool: str = "",
    task: str = "",
    minutes_saved: int | None = None,
    anonymous: bool = False,
    tags: Iterable[str] | str = (),
    question_stage: int | None = None,
    parent: Post | None = None,
    at: datetime | None = None,
) -> Post:
    """Publish a post after the guardrails pass (BLOCK findings raise GuardrailBlockedError)."""
    post_kind = validation.kind(kind)
    fields = _clean_post(
        {
            "title": title,
            "body": body,
            "prompt_text": prompt_text,
            "tool": tool,
            "task": task,
            "minutes_saved": minutes_saved,
            "anonymous": anonymous,
            "tags": list(tags) if not isinstance(tags, str) else tags,
            "question_stage": question_stage,
        },
        post_kind,
    )
    _guard(fields, author)
    fields.update(
        stage_fields(
            kind=post_kind,
            title=fields["title"],
            body=fields["body"],
            chosen=fields["question_stage"],
        )
    )
    created = _now(at)
    post = Post.objects.create(
        kind=post_kind,
        author=author,
        parent=parent,
        body_html=render_markdown(fields["body"]),
        created=created,
        **fields,
    )
    if parent is not None:
        Post.objects.filter(pk=parent.pk).update(adaptation_count=F("adaptation_count") + 1)
        influence_record(
            source=parent.author,
            target=author,
            kind=InfluenceKind.ADAPTED,
            post=parent,
            at=created,
            anonymous_post=parent.anonymous,
        )
    notify(event=HubEvent.PUBLISHED, post=post, actor=author, at=at)
    return post


def prompt_adapt(
    *, parent: Post, author: Person, at: datetime | None = None, **fields: Any
) -> Post:
    """A new prompt linked to `parent`, so its lineage across teams is visible."""
    _alive(parent)
    if parent.kind != PostKind.PROMPT:
        raise HubNotAllowedError("Only prompts can be adapted; this post is a " + parent.kind + ".")
    values = {
        "title": parent.title,
        "body": parent.body,
        "prompt_text": parent.prompt_text,
        "tool": parent.tool,
        "task": parent.task,
        **fields,
    }
    values["kind"] = PostKind.PROMPT
    return post_publish(author=author, parent=parent, at=at, **values)


@transaction.atomic
def post_edit(*, post: Post, editor: Person, at: datetime | None = None, **changes: Any) -> Post:
    """Edit one's own post; the previous content is kept as a PostVersion. Kind cannot change."""
    _alive(post)
    if post.author_id != editor.pk:
        raise HubForbiddenError("Only the author can edit a post.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if "kind" in unknown and changes["kind"] == post.kind:
        unknown.discard("kind")
    if unknown:
        name = sorted(unknown)[0]
        raise HubInputError(f"{name} cannot be changed by an edit.", field=name)
    current = {name: getattr(post, name) for name in EDITABLE_FIELDS}
    merged = _clean_post(
        {**current, **{k: v for k, v in changes.items() if k in EDITABLE_FIELDS}},
        PostKind(post.kind),
    )
    _guard(merged, editor)
    if all(merged[name] == current[name] for name in EDITABLE_FIELDS):
        return post
    when = _now(at)
    content_changed = any(merged[n] != current[n] for n in ("title", "body", "prompt_text"))
    if content_changed:
        PostVersion.objects.create(
            post=post,
            version=post.version,
            title=post.title,
            body=post.body,
            prompt_text=post.prompt_text,
            created=post.edited or post.created,
        )
        post.version += 1
    chosen = _stage_change(post, current, merged, content_changed)
    for name, value in merged.items():
        setattr(post, name, value)
    post.body_html = render_markdown(post.body)
    post.edited = when
    # Named fields only: the counters may have moved since this row was read.
    post.save(update_fields=[*EDITABLE_FIELDS, "body_html", "edited", "version", *_STAGE])
    if chosen is not None:  # the asker changed the stage: a correction, kept like any other
        post.question_stage = current["question_stage"]
        stage_correction_write(
            post=post,
            stage=chosen,
            by=None if post.anonymous else editor,
            role=QuestionStageSource.ASKER,
            at=when,
        )
    return post


_STAGE = ("question_stage_confidence", "question_stage_source")


def _stage_change(
    post: Post, current: dict[str, Any], merged: dict[str, Any], content_changed: bool
) -> int | None:
    """The stage fields after an edit (hub/stages.py), set on `merged` and `post`; returns the
    stage the asker chose when they changed it (kept as a correction), else None.

    A stage the asker cleared, or one the classifier gave to a question whose text changed, is
    classified again; a stage a person set stays while only the text changes."""
    old, new = current["question_stage"], merged["question_stage"]
    if post.kind != PostKind.QUESTION:
        return None
    if new is not None and new != old:
        return int(new)
    by_machine = post.question_stage_source in ("", QuestionStageSource.CLASSIFIER)
    if new is None or (content_changed and by_machine):
        fields = stage_fields(kind=post.kind, title=merged["title"], body=merged["body"],
                              chosen=None)  # fmt: skip
        merged["question_stage"] = fields.pop("question_stage")
        for name, value in fields.items():
            setattr(post, name, value)
    return None


def post_delete(
    *, post: Post, actor: User | AnonymousUser, at: datetime | None = None, reason: str = ""
) -> None:
    """Soft-delete (the row stays, `deleted` is set): the author or a moderator. The one way a
    post is deleted, from the page, the API or anywhere else; every deletion is audited.

    The audit row names the actor, except when the author deletes their own anonymous post:
    then it says only "by the author", so the audit log cannot tell who wrote it.
    """
    if post.deleted is not None:
        return
    person = getattr(actor, "person", None)
    is_author = person is not None and person.pk == post.author_id
    if not is_author and not has_capability(actor, Capability.MODERATE):
        raise HubForbiddenError("Only the author or a moderator can delete a post.")
    why = validation.text(reason, "reason", maximum=validation.REASON_MAX)
    with transaction.atomic():
        post.deleted = _now(at)
        post.save(update_fields=["deleted"])
        hide_actor = is_author and post.anonymous
        audit_record(
            actor=None if hide_actor else actor,
            action="hub.post_delete",
            target=f"post:{post.pk}",
            by="author" if is_author else "moderator",
            reason=why,
        )


@transaction.atomic
def answer_post(*, post: Post, author: Person, body: str, at: datetime | None = None) -> Answer:
    """Answer a question (or comment on another kind of post)."""
    _alive(post)
    text = validation.text(body, "body", maximum=validation.ANSWER_MAX, required=True)
    _guard({"body": text}, author)
    when = _now(at)
    answer = Answer.objects.create(
        post=post, author=author, body=text, body_html=render_markdown(text), created=when
    )
    Post.objects.filter(pk=post.pk).update(answer_count=F("answer_count") + 1)
    # Answering a question influences the asker; commenting shows the post's author reached you.
    if post.kind == PostKind.QUESTION:
        source, target, kind = author, post.author, InfluenceKind.ANSWERED
    else:
        source, target, kind = post.author, author, InfluenceKind.COMMENTED
    influence_record(
        source=source, target=target, kind=kind, post=post, at=when, anonymous_post=post.anonymous
    )
    notify(event=HubEvent.ANSWERED, post=post, actor=author, answer=answer, at=at)
    return answer


@transaction.atomic
def answer_accept(*, answer: Answer, actor: Person) -> Answer:
    """The asker accepts one answer to their question (replacing any earlier choice)."""
    post = answer.post
    _alive(post)
    if post.kind != PostKind.QUESTION:
        raise HubNotAllowedError("Only answers to a question can be accepted.")
    if post.author_id != actor.pk:
        raise HubForbiddenError("Only the person who asked can accept an answer.")
    if answer.accepted:
        return answer
    Answer.objects.filter(post=post, accepted=True).update(accepted=False)
    answer.accepted = True
    answer.save(update_fields=["accepted"])
    notify(event=HubEvent.ACCEPTED, post=post, actor=actor, answer=answer)
    return answer


@transaction.atomic
def reaction_add(
    *, post: Post, person: Person, emoji: str, at: datetime | None = None
) -> tuple[Reaction, bool]:
    """React to a post; the same reaction twice is kept once. Returns (reaction, created)."""
    _alive(post)
    value = validation.emoji(emoji)
    when = _now(at)
    reaction, created = Reaction.objects.get_or_create(
        post=post, person=person, emoji=value, defaults={"created": when}
    )
    if created:
        Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") + 1)
        influence_record(
            source=post.author,
            target=person,
            kind=InfluenceKind.REACTED,
            post=post,
            at=when,
            anonymous_post=post.anonymous,
        )
    return reaction, created


@transaction.atomic
def trial_record(
    *,
    post: Post,
    person: Person,
    outcome: str,
    minutes_saved: int | str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> tuple[Trial, bool]:
    """ "I tried this": create the person's trial, or update it. Returns (trial, created)."""
    _alive(post)
    if post.author_id == person.pk:
        raise HubNotAllowedError(
            "You wrote this post; \u201cI tried this\u201d is for other people's posts."
        )
    if post.kind == PostKind.QUESTION:
        raise HubNotAllowedError("A question cannot be tried; answer it instead.")
    values = {
        "outcome": validation.outcome(outcome),
        "minutes_saved": validation.minutes(minutes_saved),
        "note": validation.text(note, "note", maximum=validation.NOTE_MAX),
    }
    _guard({"note": values["note"]}, person)
    when = _now(at)
    trial = Trial.objects.select_for_update().filter(post=post, person=person).first()
    if trial is not None:
        for name, value in values.items():
            setattr(trial, name, value)
        trial.updated = when
        trial.save(update_fields=[*values, "updated"])
        _trial_counters(post)  # the outcome may have changed: "worked for M" follows it
        return trial, False
    trial = Trial.objects.create(post=post, person=person, created=when, updated=when, **values)
    _trial_counters(post)
    influence_record(
        source=post.author,
        target=person,
        kind=InfluenceKind.TRIED,
        post=post,
        at=when,
        anonymous_post=post.anonymous,
    )
    notify(event=HubEvent.TRIED, post=post, actor=person, outcome=trial.outcome, at=at)
    return trial, True


def _trial_counters(post: Post) -> None:
    counts = Trial.objects.filter(post=post).aggregate(
        tried=Count("person", distinct=True),
        teams=Count("person__team", distinct=True),
        worked=Count("id", filter=Q(outcome=TrialOutcome.WORKED)),
    )
    Post.objects.filter(pk=post.pk).update(
        tried_count=counts["tried"], teams_reached=counts["teams"], worked_count=counts["worked"]
    )


def anonymous_reveal(*, post: Post, actor: User | AnonymousUser, reason: str) -> Person:
    """Who wrote an anonymous post, for a moderator, with the reveal written to the audit log."""
    if not has_capability(actor, Capability.MODERATE):
        raise HubForbiddenError("Revealing an anonymous author needs the 'Moderate' permission.")
    if not post.anonymous:
        raise HubNotAllowedError("This post is not anonymous; its author is shown already.")
    why = validation.text(reason, "reason", maximum=validation.REASON_MAX, required=True)
    audit_record(
        actor=actor,
        action="hub.anonymous_reveal",
        target=f"post:{post.pk}",
        reason=why,
        author=post.author.employee_id,
    )
    return post.author


def hub_counters_rebuild(*, on_progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every post's denormalised counters from the rows; returns posts changed.

    Only the posts whose counters are wrong are written, in one transaction;
    `on_progress(done, total)` follows them (`peerwheel rebuild-counters`)."""
    rows = Post.objects.annotate(
        n_tried=Count("trials__person", distinct=True),
        n_worked=Count("trials", filter=Q(trials__outcome=TrialOutcome.WORKED), distinct=True),
        n_teams=Count("trials__person__team", distinct=True),
        n_answers=Count("answers", distinct=True),
        n_adaptations=Count("adaptations", distinct=True),
        n_reactions=Count("reactions", distinct=True),
    ).filter(
        ~Q(tried_count=F("n_tried"))
        | ~Q(worked_count=F("n_worked"))
        | ~Q(teams_reached=F("n_teams"))
        | ~Q(answer_count=F("n_answers"))
        | ~Q(adaptation_count=F("n_adaptations"))
        | ~Q(reaction_count=F("n_reactions"))
    )
    with transaction.atomic():
        stale = list(rows)
        for done, post in enumerate(stale, start=1):
            Post.objects.filter(pk=post.pk).update(
                tried_count=post.n_tried,
                worked_count=post.n_worked,
                teams_reached=post.n_teams,
                answer_count=post.n_answers,
                adaptation_count=post.n_adaptations,
                reaction_count=post.n_reactions,
            )
            if on_progress is not None:
                on_progress(done, len(stale))
    return len(stale)
