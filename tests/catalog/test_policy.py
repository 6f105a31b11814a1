"""The policy's answers as a table: tool × use × data class → answer, alternative, review."""

from __future__ import annotations

import pytest

from peerwheel.catalog.errors import CatalogInputError
from peerwheel.catalog.models import Tool, UseRequest
from peerwheel.catalog.services import catalog_ask
from peerwheel.org.models import Person

# (tool as typed, use as typed, data class as typed) → (answer, alternative or None)
CASES = [
    (("Copilot Chat", "drafting", "internal"), ("yes", None)),
    (("  copilot   CHAT ", "Drafting", "Internal"), ("yes", None)),  # any case and spacing
    (("Copilot Chat", "summarising", "confidential"), ("conditions", None)),
    (("Copilot Chat", "drafting", "customer personal data"), ("no", None)),  # nobody may
    (("Copilot Chat", "customer-communication", "customer_personal"), ("no", "Einstein")),
    (("Copilot Chat", "decisions about people", "employee_personal"), ("no", None)),
    (("Copilot Chat", "research", "employee_personal"), ("review", None)),  # no rule covers it
    (("Copilot Chat", "write a haiku", "internal"), ("yes", None)),  # free text: an any-use rule
    (("GitHub Copilot", "coding", "internal"), ("yes", None)),
    (("GitHub Copilot", "coding", "confidential"), ("conditions", None)),
    (("GitHub Copilot", "drafting", "internal"), ("review", "Copilot Chat")),
    (("GitHub Copilot", "write a haiku", "internal"), ("review", "Copilot Chat")),
    (("Claude", "research", "internal"), ("conditions", None)),  # a pilot's yes
    (("Claude", "summarising", "confidential"), ("conditions", None)),
    (("Claude", "coding", "public"), ("review", "Copilot Chat")),
    (("DeepSeek", "coding", "public"), ("no", "Copilot Chat")),  # not approved
    (("DeepSeek", "coding", "customer_personal"), ("no", None)),  # no tool may do that
    (("Perplexity", "research", "public"), ("review", "Copilot Chat")),  # unknown tool
]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=lambda v: "/".join(map(str, v)))
def test_the_policy_answers(
    catalogue: dict[str, Tool],
    org: dict[str, Person],
    question: tuple[str, str, str],
    expected: tuple[str, str | None],
) -> None:
    tool, use, data_class = question
    answer = catalog_ask(asker=org["alice"], tool=tool, use=use, data_class=data_class)
    assert (answer.answer, answer.alternative) == expected
    assert answer.reasons, "every answer says why"
    assert (answer.due is not None) == (answer.answer == "review")
    stored = UseRequest.objects.get(pk=answer.request_id)
    assert stored.answer == answer.answer
    assert stored.reviewed == (answer.answer == "review")
    assert (stored.resolved_at is None) == (answer.answer == "review")


def test_reasons_and_conditions_come_from_the_rule(
    catalogue: dict[str, Tool], org: dict[str, Person]
) -> None:
    ask = org["alice"]
    confidential = catalog_ask(
        asker=ask, tool="Copilot Chat", use="drafting", data_class="confidential"
    )
    assert confidential.conditions == "Signed in with your work account; never paste client names."
    internal = catalog_ask(asker=ask, tool="Copilot Chat", use="drafting", data_class="internal")
    assert internal.reasons == ("Enterprise data protection applies.",)
    refused = catalog_ask(
        asker=ask, tool="Copilot Chat", use="drafting", data_class="customer_personal"
    )
    assert refused.reasons == ("Customer personal data stays in the CRM.",)
    pilot = catalog_ask(asker=ask, tool="Claude", use="research", data_class="internal")
    assert "Claude is in pilot" in pilot.conditions
    assert any("in pilot" in reason for reason in pilot.reasons)
    banned = catalog_ask(asker=ask, tool="DeepSeek", use="coding", data_class="public")
    assert banned.reasons[0] == "DeepSeek is not approved for use in the organisation."
    assert banned.alternative_url == "https://copilot.example.com"


def test_an_unknown_tool_is_recorded_as_typed(
    catalogue: dict[str, Tool], org: dict[str, Person]
) -> None:
    answer = catalog_ask(
        asker=org["alice"], tool="  Perplexity  Pro ", use="make slides", data_class="public"
    )
    stored = UseRequest.objects.get(pk=answer.request_id)
    assert (stored.tool_id, stored.tool_name) == (None, "Perplexity Pro")
    assert (stored.use, stored.use_text, stored.use_label) == (
        "other",
        "make slides",
        "make slides",
    )
    assert "'Perplexity Pro' is not in the catalogue yet" in answer.reasons[0]


@pytest.mark.parametrize(
    ("tool", "use", "data_class", "field", "message"),
    [
        ("Copilot Chat", "drafting", "secret", "data_class", "'secret' is not a data class"),
        ("Copilot Chat", "drafting", "", "data_class", "it is empty"),
        ("Copilot Chat", " ", "internal", "use", "say what you want"),
        ("  ", "drafting", "internal", "tool", "name the tool"),
        ("x" * 121, "drafting", "internal", "tool", "at most 120"),
    ],
)
def test_a_question_that_cannot_be_answered_names_its_field(
    catalogue: dict[str, Tool],
    org: dict[str, Person],
    tool: str,
    use: str,
    data_class: str,
    field: str,
    message: str,
) -> None:
    with pytest.raises(CatalogInputError, match=message) as caught:
        catalog_ask(asker=org["alice"], tool=tool, use=use, data_class=data_class)
    assert caught.value.field == field
    assert not UseRequest.objects.exists()
