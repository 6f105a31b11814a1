"""The catalogue's pages per role: asking (htmx in place), my requests, the leads' queue and
policy page with their field errors; one run in the real browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.catalog.models import PolicyRule, Tool, UseRequest
from peerwheel.catalog.services import catalog_ask
from peerwheel.org.models import Person
from tests.conftest import sign_in

HTMX = {"HX-Request": "true"}


def test_everyone_sees_the_catalogue_and_only_leads_the_controls(
    catalogue: dict[str, Tool], client_for: Callable[[str], Client]
) -> None:
    member = client_for("alice").get("/catalog/").content.decode()
    assert member.count('data-testid="tool"') == 5
    assert "Open Copilot Chat" in member and "Approved alternative:</strong> Copilot Chat" in member
    assert "Open DeepSeek" not in member  # no access link for a tool that is not approved
    assert ">Review queue<" not in member and ">Policy<" not in member
    lead = client_for("carol").get("/catalog/").content.decode()
    assert ">Review queue<" in lead and ">Policy<" in lead
    assert client_for("charlie").get("/catalog/").status_code == 403
    assert ">Catalogue<" in client_for("alice").get("/").content.decode()


def test_asking_answers_in_place(
    catalogue: dict[str, Tool], client_for: Callable[[str], Client]
) -> None:
    client = client_for("alice")
    body = {"tool": "DeepSeek", "use": "coding", "data_class": "public"}
    response = client.post("/catalog/ask/", body, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert "<strong>No</strong>" in html and "Use instead:" in html and "Copilot Chat" in html
    review = client.post(
        "/catalog/ask/",
        {
            "tool": "Perplexity",
            "use": "other",
            "use_other": "plan a trip",
            "data_class": "internal",
        },
        headers=HTMX,
    ).content.decode()
    assert "In review" in review and 'data-testid="due"' in review
    assert UseRequest.objects.get(tool_name="Perplexity").use_text == "plan a trip"
    whole = client.post("/catalog/ask/", body)  # without htmx: the page with the answer
    assert "<html" in whole.content.decode() and "Use instead:" in whole.content.decode()


def test_a_question_with_a_missing_field_says_which(
    catalogue: dict[str, Tool], client_for: Callable[[str], Client]
) -> None:
    response = client_for("alice").post(
        "/catalog/ask/", {"tool": "Claude", "use": "other", "data_class": "nope"}, headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Say what you want to use the tool for." in html
    assert "Data_class: Select a valid choice." in html
    assert not UseRequest.objects.exists()


def test_my_requests_are_mine_only(
    catalogue: dict[str, Tool], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    catalog_ask(asker=org["alice"], tool="Claude", use="coding", data_class="public")
    catalog_ask(asker=org["bob"], tool="Secret Tool", use="coding", data_class="public")
    page = client_for("alice").get("/catalog/mine/").content.decode()
    assert "Claude" in page and "a lead answers by" in page
    assert "Secret Tool" not in page


def test_a_lead_works_the_queue(
    catalogue: dict[str, Tool],
    org: dict[str, Person],
    cast: dict[str, User],
    client_for: Callable[[str], Client],
) -> None:
    late = catalog_ask(
        asker=org["alice"],
        tool="GitHub Copilot",
        use="drafting",
        data_class="internal",
        now=datetime(2026, 1, 2, 9, tzinfo=UTC),
    )
    assert client_for("alice").get("/catalog/queue/").status_code == 403
    assert client_for("bob").post("/catalog/queue/resolve/", {}).status_code == 403
    lead = client_for("carol")
    page = lead.get("/catalog/queue/").content.decode()
    assert 'data-testid="breach"' in page and "Alice Adams" in page
    assert 'data-testid="overdue-count">1<' in page
    no_note = lead.post(
        "/catalog/queue/resolve/", {"request_id": late.request_id, "verdict": "yes", "note": ""}
    )
    assert no_note.status_code == 422 and "This field is required." in no_note.content.decode()
    done = lead.post(
        "/catalog/queue/resolve/",
        {
            "request_id": late.request_id,
            "verdict": "yes",
            "note": "Fine for drafts.",
            "add_rule": "on",
            "rule_use": "request",
        },
    )
    assert done.status_code == 302
    request = UseRequest.objects.get(pk=late.request_id)
    assert (request.answer, request.breach, request.resolved_by) == ("yes", True, cast["carol"])
    assert PolicyRule.objects.filter(use="drafting", tool__name="GitHub Copilot").exists()
    assert "Nothing waiting for review." in lead.get("/catalog/queue/").content.decode()
    mine = client_for("alice").get("/catalog/mine/").content.decode()
    assert "Fine for drafts." in mine


def test_an_unknown_tools_answer_cannot_become_a_rule(
    catalogue: dict[str, Tool], org: dict[str, Person], client_for: Callable[[str], Client]
) -> None:
    asked = catalog_ask(asker=org["alice"], tool="Perplexity", use="research", data_class="public")
    response = client_for("carol").post(
        "/catalog/queue/resolve/",
        {
            "request_id": asked.request_id,
            "verdict": "no",
            "note": "Not yet.",
            "add_rule": "on",
            "rule_use": "any",
        },
    )
    assert response.status_code == 422
    assert "is not in the catalogue: add the tool first" in response.content.decode()
    assert UseRequest.objects.get(pk=asked.request_id).is_open


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/catalog/policy/tool/",
            {"name": "copilot chat", "status": "approved"},
            "already in the catalogue",
        ),
        ("/catalog/policy/tool/", {"name": "X", "status": "banned"}, "Select a valid choice."),
        (
            "/catalog/policy/tool/",
            {"name": "X", "status": "pilot", "access_url": "not a link"},
            "Enter a valid URL.",
        ),
        (
            "/catalog/policy/rule/",
            {"data_class": "secret", "use": "any", "verdict": "yes"},
            "Select a valid choice. secret is not one of the available choices.",
        ),
        (
            "/catalog/policy/rule/",
            {"data_class": "internal", "use": "any", "verdict": "conditions"},
            "say what the conditions are",
        ),
    ],
)
def test_bad_policy_edits_are_refused_on_their_field(
    catalogue: dict[str, Tool],
    client_for: Callable[[str], Client],
    url: str,
    data: dict[str, Any],
    message: str,
) -> None:
    before = (Tool.objects.count(), PolicyRule.objects.count())
    if "rule" in url:
        data = {**data, "tool": catalogue["Claude"].pk}
    response = client_for("carol").post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (Tool.objects.count(), PolicyRule.objects.count()) == before


def test_a_lead_edits_the_policy(
    catalogue: dict[str, Tool], client_for: Callable[[str], Client]
) -> None:
    lead = client_for("carol")
    claude = catalogue["Claude"]
    saved = lead.post(
        "/catalog/policy/tool/",
        {"tool_id": claude.pk, "name": "Claude", "status": "approved", "vendor": "Anthropic"},
    )
    assert saved.status_code == 302
    claude.refresh_from_db()
    assert (claude.status, claude.vendor) == ("approved", "Anthropic")
    assert 'value="Anthropic"' in lead.get(f"/catalog/policy/?tool={claude.pk}").content.decode()
    lead.post(
        "/catalog/policy/rule/",
        {
            "tool": claude.pk,
            "data_class": "public",
            "use": "coding",
            "verdict": "no",
            "reason": "Use GitHub Copilot for code.",
        },
    )
    rule = PolicyRule.objects.get(tool=claude, data_class="public", use="coding")
    assert rule.reason == "Use GitHub Copilot for code."
    assert lead.post("/catalog/policy/rule/delete/", {"rule_id": rule.pk}).status_code == 302
    assert not PolicyRule.objects.filter(pk=rule.pk).exists()
    assert client_for("alice").get("/catalog/policy/").status_code == 403


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_asking_in_the_browser(
    catalogue: dict[str, Tool], cast: Any, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "alice")
    page.click("nav[aria-label=Main] >> text=Catalogue")
    page.wait_for_url(f"{live_server.url}/catalog/")
    page.fill("#id_tool", "DeepSeek")
    page.select_option("#id_use", "coding")
    page.select_option("#id_data_class", "public")
    page.click("[data-testid=ask-form] button[type=submit]")
    answer = page.wait_for_selector("[data-testid=catalog-answer]")
    text = answer.inner_text()
    assert text.startswith("No — DeepSeek") and "Use instead: Copilot Chat" in text
    assert page.url == f"{live_server.url}/catalog/"  # answered in place
    page.fill("#id_tool", "Brand New AI")
    page.click("[data-testid=ask-form] button[type=submit]")
    page.wait_for_selector("[data-testid=due]")
    page.click("text=My requests")
    assert page.locator("[data-testid=my-requests] tbody tr").count() == 2
