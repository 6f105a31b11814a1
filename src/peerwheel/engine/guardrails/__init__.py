"""Guardrails: find secrets, personal data and confidential terms before anything is published.

The hub calls :func:`scan` (or :func:`scan_fields`) on every keystroke and before publishing,
shows each :class:`Finding`'s message, and offers :func:`redact` as the one-click fix. Pure: no
Django, no database; a 10 KB post scans in about a millisecond.
"""

from peerwheel.engine.guardrails.checksums import iban_valid, luhn_valid, shannon_entropy
from peerwheel.engine.guardrails.model import (
    DEFAULT_NATIONAL_IDS,
    DEFAULT_SEVERITY,
    UK_NATIONAL_INSURANCE,
    US_SOCIAL_SECURITY,
    Family,
    FieldFinding,
    FieldsScanResult,
    Finding,
    FindingKind,
    GuardrailPolicy,
    GuardrailPolicyError,
    NationalIdPattern,
    RedactionError,
    ScanResult,
    Severity,
)
from peerwheel.engine.guardrails.redaction import redact
from peerwheel.engine.guardrails.scanner import DEFAULT_POLICY, redact_fields, scan, scan_fields

__all__ = [
    "DEFAULT_NATIONAL_IDS",
    "DEFAULT_POLICY",
    "DEFAULT_SEVERITY",
    "UK_NATIONAL_INSURANCE",
    "US_SOCIAL_SECURITY",
    "Family",
    "FieldFinding",
    "FieldsScanResult",
    "Finding",
    "FindingKind",
    "GuardrailPolicy",
    "GuardrailPolicyError",
    "NationalIdPattern",
    "RedactionError",
    "ScanResult",
    "Severity",
    "iban_valid",
    "luhn_valid",
    "redact",
    "redact_fields",
    "scan",
    "scan_fields",
    "shannon_entropy",
]
