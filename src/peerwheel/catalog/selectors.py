"""What the catalogue's pages, API and other apps read.

`demand_requests` is the insights momentum helper's read (organic demand, signal 1): every
request from outside the rollout scope and every "no".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.catalog.errors import CatalogForbiddenError, CatalogNotFoundError
from peerwheel.catalog.models import (
    AnswerKind,
    DataClass,
    PolicyRule,
    Tool,
    Use,
    UseRequest,
)
from peerwheel.catalog.policy import Catalogue, RuleView, ToolView, catalogue_of
from peerwheel.org.models import Person

DemandReason = Literal["outside_scope", "refused"]


@dataclass(frozen=True)
class CatalogViewer:
    """Who is looking: their person (None for a login not linked to one) and whether they lead
    the program (the queue, the policy page)."""

    user: User
    person: Person | None
    can_manage: bool

    def require_person(self) -> Person:
        if self.person is None:
            raise CatalogForbiddenError(
                "Your login is not linked to a person in the organisation, so you cannot ask "
                "yet; an admin can link it (peerwheel adduser --person)."
            )
        return self.person

    def require_manager(self) -> None:
        if not self.can_manage:
            raise CatalogForbiddenError("This needs the 'Manage program' permission.")


def catalog_viewer(user: User | AnonymousUser) -> CatalogViewer:
    """Everyone who uses the hub may read the catalogue and ask; else CatalogForbiddenError."""
    if not has_capability(user, Capability.USE_HUB):
        raise CatalogForbiddenError("This needs the 'Use hub' permission.")
    assert isinstance(user, User)  # noqa: S101 - has_capability is False for AnonymousUser
    return CatalogViewer(
        user=user,
        person=Person.objects.filter(user=user).first(),
        can_manage=has_capability(user, Capability.MANAGE_PROGRAM),
    )


def catalogue_snapshot() -> Catalogue:
    """Every tool and its rules, for the policy's decision (two queries)."""
    rules: dict[int, dict[tuple[str, str], RuleView]] = defaultdict(dict)
    for rule in PolicyRule.objects.all():
        rules[rule.tool_id][(rule.data_class, rule.use)] = RuleView(
            pk=rule.pk,
            data_class=rule.data_class,
            use=rule.use,
            verdict=rule.verdict,
            conditions=rule.conditions,
            reason=rule.reason,
        )
    tools = [
        ToolView(
            pk=tool.pk,
            name=tool.name,
            status=tool.status,
            alternative_pk=tool.alternative_id,
            rules=rules.get(tool.pk, {}),
        )
        for tool in Tool.objects.all()
    ]
    return catalogue_of(tools, use_labels=dict(Use.choices), data_labels=dict(DataClass.choices))


def tools_all() -> list[Tool]:
    """The catalogue with each tool's rules and alternative (three queries)."""
    return list(Tool.objects.select_related("alternative").prefetch_related("rules"))


def tool_get(tool_id: int) -> Tool:
    tool = Tool.objects.filter(pk=tool_id).first()
    if tool is None:
        raise CatalogNotFoundError(f"No tool {tool_id} in the catalogue.", field="tool")
    return tool


def rule_get(rule_id: int) -> PolicyRule:
    rule = PolicyRule.objects.select_related("tool").filter(pk=rule_id).first()
    if rule is None:
        raise CatalogNotFoundError(f"No policy rule {rule_id}.", field="rule")
    return rule


def _requests() -> QuerySet[UseRequest]:
    return UseRequest.objects.select_related(
        "tool", "alternative", "asker", "asker__department", "resolved_by"
    )


def requests_for_person(person: Person, *, limit: int = 100) -> list[UseRequest]:
    """A person's own requests, newest first."""
    return list(_requests().filter(asker=person)[:limit])


def review_queue(*, status: Literal["open", "all"] = "open", limit: int = 200) -> list[UseRequest]:
    """Requests that went to review: the open ones by deadline (the oldest due first), or every
    reviewed one, newest first."""
    requests = _requests().filter(reviewed=True)
    if status == "open":
        return list(requests.filter(resolved_at__isnull=True).order_by("due", "asked_at")[:limit])
    return list(requests.order_by("-asked_at", "-pk")[:limit])


def use_request_for_manager(request_id: int, viewer: CatalogViewer) -> UseRequest:
    """A request a lead works on (CatalogForbiddenError for others, not found: 404)."""
    viewer.require_manager()
    request = _requests().filter(pk=request_id).first()
    if request is None:
        raise CatalogNotFoundError(f"No request {request_id}.", field="request_id")
    return request


def is_overdue(request: UseRequest, *, today: date | None = None) -> bool:
    """Past its deadline: flagged, or still open after its due day."""
    if request.breach:
        return True
    today = today or timezone.localdate()
    return request.is_open and request.due is not None and today > request.due


def queue_counts(*, today: date | None = None) -> dict[str, int]:
    """Open reviews, and how many of them are past their deadline."""
    today = today or timezone.localdate()
    open_requests = UseRequest.objects.filter(
        reviewed=True, resolved_at__isnull=True, answer=AnswerKind.REVIEW
    )
    return {
        "open": open_requests.count(),
        "overdue": open_requests.filter(due__lt=today).count(),
    }


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def demand_requests(
    *, since: date, until: date
) -> list[tuple[int, int | None, date, DemandReason]]:
    """(person id, department id, day, reason) of every request in [since, until] (days, both
    included) that counts as organic demand: asked from outside the rollout scope
    ('outside_scope'), or answered no ('refused'). A request that is both counts once, as
    'outside_scope'. The department is the asker's now; the day is the asker's local day."""
    found: list[tuple[int, int | None, date, DemandReason]] = []
    for asker_id, department_id, asked_at, outside in (
        UseRequest.objects.filter(
            Q(outside_scope=True) | Q(answer=AnswerKind.NO),
            asked_at__gte=_day_start(since),
            asked_at__lt=_day_start(until + timedelta(days=1)),
        )
        .order_by("asked_at", "pk")
        .values_list("asker_id", "asker__department_id", "asked_at", "outside_scope")
    ):
        reason: DemandReason = "outside_scope" if outside else "refused"
        found.append((asker_id, department_id, timezone.localdate(asked_at), reason))
    return found


def change_columns() -> list[tuple[type[Model], tuple[str, ...]]]:
    """The columns whose count and latest value change whenever a use request is asked or
    resolved, for the caches of reports that count demand (insights.caching)."""
    return [(UseRequest, ("id", "asked_at", "resolved_at"))]
