"""The scan: run the enabled detectors, settle overlaps, give each hit a severity and advice."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from peerwheel.engine.guardrails.confidential import detect_confidential_terms
from peerwheel.engine.guardrails.model import (
    Family,
    FieldsScanResult,
    Finding,
    FindingKind,
    GuardrailPolicy,
    Hit,
    ScanResult,
    kind_priority,
)
from peerwheel.engine.guardrails.normalise import normalise
from peerwheel.engine.guardrails.personal import detect_personal_data
from peerwheel.engine.guardrails.redaction import redact
from peerwheel.engine.guardrails.secrets import detect_secrets

DEFAULT_POLICY = GuardrailPolicy()

_SHARE_WITHOUT = frozenset({FindingKind.PAYMENT_CARD, FindingKind.IBAN, FindingKind.NATIONAL_ID})


def _message(hit: Hit) -> str:
    family = hit.kind.family
    if family is Family.SECRET:
        return (
            f"Replace the {hit.label} with {hit.placeholder}. If it is real, revoke it: "
            "once pasted, treat it as leaked."
        )
    if family is Family.CONFIDENTIAL:
        return (
            f"{hit.label} is on your organisation's confidential list: replace it with "
            f"{hit.placeholder} or a general description."
        )
    if hit.kind in _SHARE_WITHOUT:
        return f"Replace the {hit.label} with {hit.placeholder}; the story works without it."
    return f"Replace the {hit.label} with {hit.placeholder}, unless its owner agreed to share it."


def _settle_overlaps(hits: list[Hit]) -> list[Hit]:
    """Drop a hit that lies inside a more important one (the password inside a URL-shaped
    email, the generic ``key=`` value that is also an OpenAI key)."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (kind_priority(h.kind), h.start, h.start - h.end)):
        if not any(k.start <= hit.start and hit.end <= k.end for k in kept):
            kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.end, kind_priority(h.kind)))
    return kept


def scan(
    text: str, *, policy: GuardrailPolicy = DEFAULT_POLICY, author_email: str | None = None
) -> ScanResult:
    """Find what should not be published in ``text``.

    ``author_email`` is the writer's own address, which they may share. Findings come sorted by
    start; ``result.blocked`` says whether publishing must wait.

    The detectors read the text after NFKC with invisible format characters removed
    (:mod:`.normalise`): a zero-width space or full-width letters inside a key do not hide it.
    Each finding's span is one of ``text`` as given, so :func:`redact` works on it.
    """
    if not isinstance(text, str):
        raise TypeError(f"scan() needs the text as str, not {type(text).__name__}")
    normal = normalise(text)
    scanned = normal.text
    if not scanned:
        return ScanResult()
    enabled = policy.enabled
    hits = detect_secrets(scanned, enabled)
    hits.extend(detect_personal_data(scanned, policy, author_email, enabled))
    if enabled(FindingKind.CONFIDENTIAL_TERM) and policy.confidential_terms:
        hits.extend(detect_confidential_terms(scanned, policy.confidential_terms))
    findings = []
    for hit in _settle_overlaps(hits):
        start, end = normal.original_span(hit.start, hit.end)
        findings.append(
            Finding(
                kind=hit.kind,
                severity=policy.severity_for(hit.kind),
                start=start,
                end=end,
                message=_message(hit),
                replacement=hit.placeholder,
            )
        )
    return ScanResult(tuple(findings))


def scan_fields(
    fields: Mapping[str, str],
    policy: GuardrailPolicy = DEFAULT_POLICY,
    *,
    author_email: str | None = None,
) -> FieldsScanResult:
    """Scan several named fields (title, body, prompt_text); offsets are per field."""
    return FieldsScanResult(
        MappingProxyType(
            {
                name: scan(value, policy=policy, author_email=author_email)
                for name, value in fields.items()
            }
        )
    )


def redact_fields(fields: Mapping[str, str], result: FieldsScanResult) -> dict[str, str]:
    """The fields with every finding replaced by its placeholder (fields without one unchanged)."""
    return {
        name: redact(value, result.by_field[name].findings) if name in result.by_field else value
        for name, value in fields.items()
    }
