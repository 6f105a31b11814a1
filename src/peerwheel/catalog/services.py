"""Every write of the catalogue: asking, resolving a review, flagging breaches, editing the
policy. Views, the API, the importer and the demo all call these.

`catalog_ask` records every question as a `UseRequest`, answered at once from the policy
(policy.py) or sent to review with a deadline of PEERWHEEL_CATALOG_REVIEW_DAYS working days
(engine.working_days, skipping weekends and PEERWHEEL_CATALOG_HOLIDAYS). A lead's resolution can
add the policy rule, so the next asker gets the answer at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from peerwheel.accounts.services import audit_record
from peerwheel.catalog.errors import CatalogInputError
from peerwheel.catalog.models import (
    ANY_USE,
    AnswerKind,
    PolicyRule,
    Tool,
    ToolStatus,
    Use,
    UseRequest,
    Verdict,
)
from peerwheel.catalog.policy import decide
from peerwheel.catalog.selectors import catalogue_snapshot
from peerwheel.catalog.vocabulary import (
    data_class_of,
    rule_use_of,
    status_of,
    url_of,
    use_of,
    verdict_of,
)
from peerwheel.core.models import Import
from peerwheel.engine.working_days import add_working_days
from peerwheel.org.models import Person
from peerwheel.program.selectors import scope_person_ids

Actor = User | AnonymousUser | None
MAX_TOOL_NAME = 120
MAX_TEXT = 4000


@dataclass(frozen=True)
class Answer:
    """What the asker hears, at once."""

    answer: str  # yes | conditions | no | review
    reasons: tuple[str, ...]
    request_id: int
    tool: str  # the catalogue's name for it, or the name as asked
    known_tool: bool
    conditions: str = ""
    alternative: str | None = None
    alternative_url: str = ""
    due: date | None = None


def review_due(asked_on: date) -> date:
    """The day a review must be answered by (PEERWHEEL_CATALOG_REVIEW_DAYS working days)."""
    return add_working_days(
        asked_on,
        int(settings.PEERWHEEL_CATALOG_REVIEW_DAYS),
        frozenset(settings.PEERWHEEL_CATALOG_HOLIDAYS),
    )


def _outside_scope(person: Person, day: date) -> bool:
    scope = scope_person_ids(on=day)
    return scope is not None and person.pk not in scope


def _tool_name(text: str, *, field: str = "tool") -> str:
    name = " ".join(text.split())
    if not name:
        raise CatalogInputError("name the tool", field=field)
    if len(name) > MAX_TOOL_NAME:
        raise CatalogInputError(
            f"the tool's name is {len(name)} characters long; at most {MAX_TOOL_NAME}",
            field=field,
        )
    return name


@transaction.atomic
def catalog_ask(
    *, asker: Person, tool: str, use: str, data_class: str, now: datetime | None = None
) -> Answer:
    """ "Can I use `tool` for `use` with `data_class` data?", answered and recorded.

    `use` is a fixed use (key or label) or free text (then `other`); `data_class` must be one of
    the data classes (CatalogInputError otherwise). An unknown tool is a review, never an error.
    """
    name = _tool_name(tool)
    use_key, use_text = use_of(use)
    data_key = data_class_of(data_class)
    now = now or timezone.now()
    day = timezone.localdate(now)
    decision = decide(catalogue_snapshot(), name, use_key, data_key)
    reviewed = decision.answer == AnswerKind.REVIEW
    request = UseRequest.objects.create(
        asker=asker,
        tool_id=decision.tool.pk if decision.tool else None,
        tool_name=decision.tool.name if decision.tool else name,
        use=use_key,
        use_text=use_text,
        data_class=data_key,
        answer=decision.answer,
        reasons=list(decision.reasons),
        conditions=decision.conditions,
        alternative_id=decision.alternative.pk if decision.alternative else None,
        rule_id=decision.rule.pk if decision.rule else None,
        asked_at=now,
        reviewed=reviewed,
        due=review_due(day) if reviewed else None,
        resolved_at=None if reviewed else now,
        outside_scope=_outside_scope(asker, day),
    )
    return answer_of(request)


def answer_of(request: UseRequest) -> Answer:
    alternative = request.alternative
    return Answer(
        answer=request.answer,
        reasons=tuple(request.reasons),
        request_id=request.pk,
        tool=request.tool_name,
        known_tool=request.tool_id is not None,
        conditions=request.conditions,
        alternative=alternative.name if alternative else None,
        alternative_url=alternative.access_url if alternative else "",
        due=request.due if request.answer == AnswerKind.REVIEW else None,
    )


@transaction.atomic
def use_request_resolve(
    *,
    request: UseRequest,
    actor: User,
    verdict: str,
    note: str,
    conditions: str = "",
    alternative: Tool | None = None,
    add_rule: bool = False,
    rule_use: str | None = None,
    now: datetime | None = None,
) -> UseRequest:
    """A lead answers a review: yes, conditions or no, with a note the asker reads. With
    `add_rule` the answer becomes the policy for the tool × data class × use (`rule_use`:
    the request's use, or `any`), so the next asker is answered at once. Late is a breach."""
    request = UseRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise CatalogInputError("this request has already been answered", field="request_id")
    verdict = verdict_of(verdict)
    note = note.strip()
    if not note:
        raise CatalogInputError("write a note for the asker: why, and what to do", field="note")
    if len(note) > MAX_TEXT or len(conditions) > MAX_TEXT:
        raise CatalogInputError(f"keep the note and conditions under {MAX_TEXT} characters")
    if verdict == Verdict.CONDITIONS and not conditions.strip():
        raise CatalogInputError("say what the conditions are", field="conditions")
    now = now or timezone.now()
    if add_rule:
        if request.tool is None:
            raise CatalogInputError(
                f"{request.tool_name!r} is not in the catalogue: add the tool first, then the rule",
                field="add_rule",
            )
        use = rule_use_of(rule_use if rule_use is not None else request.use)
        if use == Use.OTHER:
            use = ANY_USE
        rule = policy_rule_set(
            actor=actor,
            tool=request.tool,
            data_class=request.data_class,
            use=use,
            verdict=verdict,
            conditions=conditions,
            reason=note,
        )
        request.rule = rule
    request.answer = verdict
    request.reasons = [note]
    request.conditions = conditions.strip()
    if verdict != Verdict.NO:
        alternative = None
    request.alternative = alternative
    request.resolved_at = now
    request.resolved_by = actor
    request.resolution_note = note
    if request.due is not None and timezone.localdate(now) > request.due:
        request.breach = True
    request.save()
    audit_record(
        actor=actor,
        action="catalog.request_resolved",
        target=f"use request {request.pk}",
        verdict=verdict,
        rule_added=add_rule,
        breach=request.breach,
    )
    return request


def use_requests_flag_breaches(*, now: datetime | None = None) -> int:
    """Flag every open review past its due day; returns how many were newly flagged."""
    today = timezone.localdate(now or timezone.now())
    return UseRequest.objects.filter(
        reviewed=True, resolved_at__isnull=True, due__lt=today, breach=False
    ).update(breach=True)


@transaction.atomic
def tool_save(
    *,
    actor: Actor,
    name: str,
    status: str,
    tool: Tool | None = None,
    vendor: str = "",
    access_url: str = "",
    seat_howto: str = "",
    description: str = "",
    alternative: Tool | None = None,
    audit: bool = True,
) -> Tool:
    """Add a tool (`tool` None) or change one. The name is unique whatever its case."""
    name = _tool_name(name, field="name")
    status = status_of(status)
    access_url = url_of(access_url)
    clash = Tool.objects.filter(name__iexact=name)
    if tool is not None:
        clash = clash.exclude(pk=tool.pk)
    if clash.exists():
        raise CatalogInputError(f"a tool named {name!r} is already in the catalogue", field="name")
    if alternative is not None:
        if tool is not None and alternative.pk == tool.pk:
            raise CatalogInputError("a tool cannot be its own alternative", field="alternative")
        if alternative.status != ToolStatus.APPROVED:
            raise CatalogInputError(
                f"the alternative must be an approved tool; {alternative.name} is "
                f"{alternative.get_status_display().lower()}",
                field="alternative",
            )
    tool = tool or Tool()
    tool.name = name
    tool.status = status
    tool.vendor = vendor.strip()[:120]
    tool.access_url = url_of(access_url)
    tool.seat_howto = seat_howto.strip()
    tool.description = description.strip()
    tool.alternative = alternative
    tool.save()
    if audit:
        audit_record(actor=actor, action="catalog.tool_saved", target=name, status=status)
    return tool


@transaction.atomic
def policy_rule_set(
    *,
    actor: Actor,
    tool: Tool,
    data_class: str,
    use: str,
    verdict: str,
    conditions: str = "",
    reason: str = "",
    source_import: Import | None = None,
    audit: bool = True,
) -> PolicyRule:
    """The rule for tool × data class × use (or any use), created or replaced."""
    data_key = data_class_of(data_class)
    use_key = rule_use_of(use)
    verdict = verdict_of(verdict)
    if verdict == Verdict.CONDITIONS and not conditions.strip():
        raise CatalogInputError("say what the conditions are", field="conditions")
    if len(conditions) > MAX_TEXT or len(reason) > MAX_TEXT:
        raise CatalogInputError(f"keep conditions and reasons under {MAX_TEXT} characters")
    rule, _ = PolicyRule.objects.update_or_create(
        tool=tool,
        data_class=data_key,
        use=use_key,
        defaults={
            "verdict": verdict,
            "conditions": conditions.strip(),
            "reason": reason.strip(),
            "source_import": source_import,
            "updated_by": actor if isinstance(actor, User) else None,
        },
    )
    if audit:
        audit_record(
            actor=actor,
            action="catalog.rule_set",
            target=f"{tool.name} × {data_key} × {use_key}",
            verdict=verdict,
        )
    return rule


def policy_rule_delete(*, actor: Actor, rule: PolicyRule) -> None:
    target = f"{rule.tool.name} × {rule.data_class} × {rule.use}"
    rule.delete()
    audit_record(actor=actor, action="catalog.rule_deleted", target=target)
