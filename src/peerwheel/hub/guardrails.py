"""The guardrails as the hub applies them: the organisation's policy and one scan of a post.

The scanner is `peerwheel.engine.guardrails` (pure). Here: confidential terms come from the
`ConfidentialTerm` table (editable in the admin); personal data warns, blocks or is off as
`PEERWHEEL_GUARDRAILS_PERSONAL_DATA` says; secrets always block.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from peerwheel.engine.guardrails import (
    Family,
    FieldsScanResult,
    FindingKind,
    GuardrailPolicy,
    Severity,
    redact_fields,
    scan_fields,
)
from peerwheel.hub.models import ConfidentialTerm
from peerwheel.org.models import Person

SCANNED_FIELDS = ("title", "body", "prompt_text")
PERSONAL_KINDS = frozenset(k for k in FindingKind if k.family is Family.PERSONAL_DATA)


def guardrail_policy() -> GuardrailPolicy:
    """The policy in force now (one query for the confidential terms)."""
    terms = tuple(ConfidentialTerm.objects.values_list("term", flat=True))
    mode = settings.PEERWHEEL_GUARDRAILS_PERSONAL_DATA
    if mode == "block":
        return GuardrailPolicy(
            confidential_terms=terms, severities=dict.fromkeys(PERSONAL_KINDS, Severity.BLOCK)
        )
    if mode == "off":
        return GuardrailPolicy(confidential_terms=terms, disabled_kinds=PERSONAL_KINDS)
    return GuardrailPolicy(confidential_terms=terms)


def guardrail_check(
    fields: Mapping[str, str], *, author: Person | None, policy: GuardrailPolicy | None = None
) -> FieldsScanResult:
    """Scan the title, body and prompt text of a post (other keys are ignored)."""
    texts = {name: fields.get(name) or "" for name in SCANNED_FIELDS}
    return scan_fields(
        texts,
        policy if policy is not None else guardrail_policy(),
        author_email=(author.email or None) if author is not None else None,
    )


def findings_as_dicts(result: FieldsScanResult) -> list[dict[str, Any]]:
    """The findings as JSON-ready dicts (the shape the API and the pages show)."""
    return [
        {
            "field": item.field,
            "kind": item.finding.kind.value,
            "severity": item.finding.severity.value,
            "start": item.finding.start,
            "end": item.finding.end,
            "message": item.finding.message,
            "replacement": item.finding.replacement,
        }
        for item in result.findings
    ]


def guardrail_redact(fields: Mapping[str, str], *, author: Person | None) -> dict[str, str]:
    """The scanned fields with every finding replaced by its placeholder (one click)."""
    texts = {name: fields.get(name) or "" for name in SCANNED_FIELDS}
    return redact_fields(texts, guardrail_check(texts, author=author))
