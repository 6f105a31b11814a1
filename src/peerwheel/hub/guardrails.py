"""The guardrails as the hub applies them: the organisation's policy and one scan of a post.

The scanner is `peerwheel.engine.guardrails` (pure). Here: confidential terms come from the
`ConfidentialTerm` table (editable in the admin); personal data warns, blocks or is off as
`PEERWHEEL_GUARDRAILS_PERSONAL_DATA` says; secrets always block.

Every free-text field of every write is scanned: a post's title, body, prompt, tool, task and
tags, an answer or comment's body, a trial's note. The engine scans the NFKC text without
invisible characters, so a zero-width space inside a key does not hide it. A field longer than
its limit (validation.FIELD_LIMITS) is refused before the scan.
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
from peerwheel.hub import validation
from peerwheel.hub.models import ConfidentialTerm
from peerwheel.org.models import Person

SCANNED_FIELDS = ("title", "body", "prompt_text", "tool", "task", "tags", "note")
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


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def scanned_texts(fields: Mapping[str, Any]) -> dict[str, str]:
    """The free-text fields present in `fields` (tags as one text), each within its limit."""
    texts = {name: _as_text(fields.get(name)) for name in SCANNED_FIELDS if name in fields}
    validation.lengths(texts)
    return texts


def guardrail_check(
    fields: Mapping[str, Any], *, author: Person | None, policy: GuardrailPolicy | None = None
) -> FieldsScanResult:
    """Scan every free-text field present in `fields` (other keys are ignored).

    A field over its limit raises HubInputError naming the field and the limit.
    """
    return scan_fields(
        scanned_texts(fields),
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


def guardrail_redact(fields: Mapping[str, Any], *, author: Person | None) -> dict[str, str]:
    """The scanned fields with every finding replaced by its placeholder (one click)."""
    texts = scanned_texts(fields)
    return redact_fields(texts, guardrail_check(texts, author=author))
