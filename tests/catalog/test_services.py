"""Reviews: the deadline in working days, breaches, a lead's answer becoming policy; organic
demand (outside the rollout scope, refusals)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User

from peerwheel.accounts.models import AuditEntry
from peerwheel.catalog import selectors, services
from peerwheel.catalog.errors import CatalogForbiddenError, CatalogInputError
from peerwheel.catalog.models import PolicyRule, Tool, UseRequest
from peerwheel.catalog.selectors import catalog_viewer, demand_requests, use_request_for_manager
from peerwheel.catalog.services import (
    catalog_ask,
    use_request_resolve,
    use_requests_flag_breaches,
)
from peerwheel.org.models import Person

FRIDAY = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
TUESDAY_EVENING = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
WEDNESDAY = datetime(2026, 3, 11, 8, 0, tzinfo=UTC)


def _review(asker: Person, now: datetime = FRIDAY, tool: str = "GitHub Copilot") -> UseRequest:
    answer = catalog_ask(asker=asker, tool=tool, use="drafting", data_class="internal", now=now)
    assert answer.answer == "review"
    return UseRequest.objects.get(pk=answer.request_id)


def test_a_review_asked_on_friday_is_due_on_tuesday(
    catalogue: dict[str, Tool], org: dict[str, Person]
) -> None:
    answer = catalog_ask(
        asker=org["alice"], tool="GitHub Copilot", use="drafting", data_class="internal", now=FRIDAY
    )
    assert answer.due == date(2026, 3, 10)  # two working days, the weekend skipped


def test_the_deadline_follows_the_settings(
    catalogue: dict[str, Tool], org: dict[str, Person], settings: object
) -> None:
    settings.PEERWHEEL_CATALOG_REVIEW_DAYS = 3  # type: ignore[attr-defined]
    settings.PEERWHEEL_CATALOG_HOLIDAYS = frozenset({date(2026, 3, 9)})  # type: ignore[attr-defined]
    assert _review(org["alice"]).due == date(2026, 3, 12)  # Tue, Wed, Thu


def test_an_open_review_past_its_due_day_is_a_breach(
    catalogue: dict[str, Tool], org: dict[str, Person]
) -> None:
    late = _review(org["alice"])
    on_time = _review(org["bob"], now=MONDAY)  # due Wednesday
    assert use_requests_flag_breaches(now=TUESDAY_EVENING) == 0  # due today: not yet
    assert use_requests_flag_breaches(now=WEDNESDAY) == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.breach, on_time.breach) == (True, False)
    assert use_requests_flag_breaches(now=WEDNESDAY) == 0  # flagged once
    assert selectors.queue_counts(today=WEDNESDAY.date()) == {"open": 2, "overdue": 1}


def test_answering_late_is_a_breach_and_on_time_is_not(
    catalogue: dict[str, Tool], org: dict[str, Person], cast: dict[str, User]
) -> None:
    on_time = use_request_resolve(
        request=_review(org["alice"]), actor=cast["carol"], verdict="yes", note="Fine.", now=MONDAY
    )
    late = use_request_resolve(
        request=_review(org["bob"]), actor=cast["carol"], verdict="no", note="No.", now=WEDNESDAY
    )
    assert (on_time.breach, late.breach) == (False, True)


def test_a_leads_answer_can_become_the_policy(
    catalogue: dict[str, Tool], org: dict[str, Person], cast: dict[str, User]
) -> None:
    request = _review(org["alice"])
    resolved = use_request_resolve(
        request=request,
        actor=cast["carol"],
        verdict="conditions",
        note="Drafts are fine; review before sending.",
        conditions="A person reviews every draft.",
        add_rule=True,
        now=MONDAY,
    )
    assert resolved.answer == "conditions"
    assert (resolved.resolved_by, resolved.resolution_note) == (cast["carol"], resolved.reasons[0])
    rule = PolicyRule.objects.get(
        tool=catalogue["GitHub Copilot"], data_class="internal", use="drafting"
    )
    assert (rule.verdict, rule.conditions) == ("conditions", "A person reviews every draft.")
    assert AuditEntry.objects.filter(action="catalog.request_resolved").count() == 1
    again = catalog_ask(
        asker=org["bob"], tool="GitHub Copilot", use="drafting", data_class="internal"
    )
    assert (again.answer, again.conditions) == ("conditions", "A person reviews every draft.")
    assert again.reasons == ("Drafts are fine; review before sending.",)


def test_a_resolution_is_refused_when_it_cannot_stand(
    catalogue: dict[str, Tool], org: dict[str, Person], cast: dict[str, User]
) -> None:
    request = _review(org["alice"])
    with pytest.raises(CatalogInputError, match="write a note") as caught:
        use_request_resolve(request=request, actor=cast["carol"], verdict="yes", note=" ")
    assert caught.value.field == "note"
    with pytest.raises(CatalogInputError, match="not a verdict"):
        use_request_resolve(request=request, actor=cast["carol"], verdict="maybe", note="Hm.")
    with pytest.raises(CatalogInputError, match="what the conditions are"):
        use_request_resolve(request=request, actor=cast["carol"], verdict="conditions", note="Ok")
    unknown = _review(org["alice"], tool="Perplexity")
    with pytest.raises(CatalogInputError, match="add the tool first"):
        use_request_resolve(
            request=unknown, actor=cast["carol"], verdict="yes", note="Ok", add_rule=True
        )
    request.refresh_from_db()
    assert request.is_open and not PolicyRule.objects.filter(use="drafting").exists()
    use_request_resolve(request=request, actor=cast["carol"], verdict="no", note="No.")
    with pytest.raises(CatalogInputError, match="already been answered"):
        use_request_resolve(request=request, actor=cast["carol"], verdict="yes", note="Yes.")


def test_only_leads_work_the_queue(
    catalogue: dict[str, Tool], org: dict[str, Person], cast: dict[str, User]
) -> None:
    request = _review(org["alice"])
    for name in ("alice", "bob", "dan"):
        with pytest.raises(CatalogForbiddenError):
            use_request_for_manager(request.pk, catalog_viewer(cast[name]))
    for name in ("carol", "erin"):
        assert use_request_for_manager(request.pk, catalog_viewer(cast[name])) == request
    with pytest.raises(CatalogForbiddenError):
        catalog_viewer(cast["charlie"])  # no role: not even the catalogue


def test_organic_demand_counts_askers_outside_the_scope_and_refusals(
    catalogue: dict[str, Tool], org: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    in_scope = {org["alice"].pk, org["bob"].pk}
    monkeypatch.setattr(services, "scope_person_ids", lambda on=None: in_scope)
    ask = catalog_ask
    ask(asker=org["alice"], tool="Copilot Chat", use="drafting", data_class="internal", now=FRIDAY)
    ask(asker=org["bob"], tool="DeepSeek", use="coding", data_class="public", now=FRIDAY)
    ask(asker=org["carol"], tool="Copilot Chat", use="drafting", data_class="internal", now=MONDAY)
    ask(asker=org["carol"], tool="DeepSeek", use="coding", data_class="public", now=MONDAY)
    engineering = org["alice"].department_id
    sales = org["carol"].department_id
    assert demand_requests(since=date(2026, 3, 1), until=date(2026, 3, 31)) == [
        (org["bob"].pk, engineering, date(2026, 3, 6), "refused"),
        (org["carol"].pk, sales, date(2026, 3, 9), "outside_scope"),
        (org["carol"].pk, sales, date(2026, 3, 9), "outside_scope"),  # both: counted once
    ]
    assert demand_requests(since=date(2026, 3, 7), until=date(2026, 3, 8)) == []
    assert demand_requests(since=date(2026, 3, 6), until=date(2026, 3, 6)) == [
        (org["bob"].pk, engineering, date(2026, 3, 6), "refused")
    ]


def test_without_a_rollout_scope_everyone_is_in_scope(
    catalogue: dict[str, Tool], org: dict[str, Person]
) -> None:
    catalog_ask(asker=org["carol"], tool="Copilot Chat", use="drafting", data_class="internal")
    assert not UseRequest.objects.get().outside_scope
