"""A small catalogue with a policy, written through the services (the table tests read it)."""

from __future__ import annotations

import pytest

from peerwheel.catalog.models import Tool
from peerwheel.catalog.services import policy_rule_set, tool_save
from peerwheel.org.models import Person


@pytest.fixture
def catalogue(org: dict[str, Person]) -> dict[str, Tool]:
    tools: dict[str, Tool] = {}

    def tool(name: str, status: str, **fields: object) -> Tool:
        tools[name] = tool_save(actor=None, name=name, status=status, **fields)  # type: ignore[arg-type]
        return tools[name]

    def rule(name: str, data_class: str, use: str, verdict: str, **text: str) -> None:
        policy_rule_set(
            actor=None,
            tool=tools[name],
            data_class=data_class,
            use=use,
            verdict=verdict,
            **text,
        )

    tool("Copilot Chat", "approved", access_url="https://copilot.example.com")
    rule("Copilot Chat", "public", "any", "yes")
    rule("Copilot Chat", "internal", "any", "yes", reason="Enterprise data protection applies.")
    rule(
        "Copilot Chat",
        "confidential",
        "any",
        "conditions",
        conditions="Signed in with your work account; never paste client names.",
    )
    rule(
        "Copilot Chat",
        "customer_personal",
        "any",
        "no",
        reason="Customer personal data stays in the CRM.",
    )
    rule("Copilot Chat", "employee_personal", "decisions_about_people", "no")
    tool("Einstein", "approved")
    rule(
        "Einstein",
        "customer_personal",
        "customer_communication",
        "conditions",
        conditions="Inside the CRM only.",
    )
    tool("GitHub Copilot", "approved")
    rule("GitHub Copilot", "internal", "coding", "yes")
    rule(
        "GitHub Copilot",
        "confidential",
        "coding",
        "conditions",
        conditions="Public-code filter on.",
    )
    tool("Claude", "pilot")
    rule("Claude", "internal", "any", "yes")
    rule("Claude", "confidential", "summarising", "conditions", conditions="Pilot workspace only.")
    tool("DeepSeek", "not_approved", alternative=tools["Copilot Chat"])
    return tools
