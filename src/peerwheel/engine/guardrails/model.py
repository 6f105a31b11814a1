"""The vocabulary of the guardrails: kinds, severities, findings, results and the policy."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple


class GuardrailPolicyError(ValueError):
    """A policy setting that cannot be used, with the setting's name and what to do about it."""


class RedactionError(ValueError):
    """Findings that do not fit the text they are applied to (usually: the text changed since)."""


class Severity(Enum):
    """BLOCK stops publishing until the finding is fixed; WARN only points at it."""

    BLOCK = "block"
    WARN = "warn"


class Family(Enum):
    """The three families of detectors; each family has a default severity."""

    SECRET = "secret"  # noqa: S105 - the name of a kind, not a password
    PERSONAL_DATA = "personal_data"
    CONFIDENTIAL = "confidential"


class FindingKind(Enum):
    """What was found. Declaration order is also the priority when two findings coincide."""

    PRIVATE_KEY = "private_key"
    ANTHROPIC_KEY = "anthropic_key"
    OPENAI_KEY = "openai_key"
    AWS_ACCESS_KEY_ID = "aws_access_key_id"
    AWS_SECRET_KEY = "aws_secret_key"  # noqa: S105 - the name of a kind, not a password
    GITHUB_TOKEN = "github_token"  # noqa: S105 - the name of a kind, not a password
    SLACK_TOKEN = "slack_token"  # noqa: S105 - the name of a kind, not a password
    GOOGLE_API_KEY = "google_api_key"
    STRIPE_KEY = "stripe_key"
    AZURE_KEY = "azure_key"
    JWT = "jwt"
    URL_PASSWORD = "url_password"  # noqa: S105 - the name of a kind, not a password
    GENERIC_SECRET = "generic_secret"  # noqa: S105 - the name of a kind, not a password
    PAYMENT_CARD = "payment_card"
    IBAN = "iban"
    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"
    CONFIDENTIAL_TERM = "confidential_term"

    @property
    def family(self) -> Family:
        if self is FindingKind.CONFIDENTIAL_TERM:
            return Family.CONFIDENTIAL
        if self in _PERSONAL_KINDS:
            return Family.PERSONAL_DATA
        return Family.SECRET


_PERSONAL_KINDS = frozenset(
    {
        FindingKind.PAYMENT_CARD,
        FindingKind.IBAN,
        FindingKind.NATIONAL_ID,
        FindingKind.PHONE,
        FindingKind.EMAIL,
    }
)
_PRIORITY = {kind: rank for rank, kind in enumerate(FindingKind)}

DEFAULT_SEVERITY: Mapping[Family, Severity] = MappingProxyType(
    {
        Family.SECRET: Severity.BLOCK,
        Family.PERSONAL_DATA: Severity.WARN,
        Family.CONFIDENTIAL: Severity.BLOCK,
    }
)


def kind_priority(kind: FindingKind) -> int:
    """Lower is more important (a specific provider key beats the generic secret detector)."""
    return _PRIORITY[kind]


class Hit(NamedTuple):
    """What a detector reports before the policy gives it a severity and a message."""

    kind: FindingKind
    start: int
    end: int
    label: str
    placeholder: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to change: the span ``text[start:end]`` and the placeholder that replaces it."""

    kind: FindingKind
    severity: Severity
    start: int
    end: int
    message: str
    replacement: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The findings of one text, sorted by start (then end)."""

    findings: tuple[Finding, ...] = ()

    @property
    def blocked(self) -> bool:
        """True when at least one finding must be fixed before publishing."""
        return any(f.severity is Severity.BLOCK for f in self.findings)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.BLOCK)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARN)


@dataclass(frozen=True, slots=True)
class FieldFinding:
    """A finding together with the name of the field (title, body, prompt_text) it is in."""

    field: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class FieldsScanResult:
    """The scan of several named fields; ``by_field`` keeps the caller's field order."""

    by_field: Mapping[str, ScanResult]

    @property
    def findings(self) -> tuple[FieldFinding, ...]:
        return tuple(
            FieldFinding(name, finding)
            for name, result in self.by_field.items()
            for finding in result.findings
        )

    @property
    def blocked(self) -> bool:
        return any(result.blocked for result in self.by_field.values())


@dataclass(frozen=True, slots=True)
class NationalIdPattern:
    """A national identity number format: a regular expression and its placeholder.

    ``pattern`` is matched as written (add ``(?i)`` for case-insensitive formats); anchor it with
    look-arounds such as ``(?<![A-Za-z0-9])`` so it does not fire inside longer tokens.
    """

    name: str
    pattern: str
    placeholder: str = "<NATIONAL_ID>"

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise GuardrailPolicyError(
                f"national_id_patterns[{self.name!r}]: the regular expression does not compile "
                f"({exc.msg} at position {exc.pos}); fix the pattern or remove it."
            ) from exc


UK_NATIONAL_INSURANCE = NationalIdPattern(
    name="UK National Insurance number",
    # HMRC rules: no D, F, I, Q, U, V first; no D, F, I, O, Q, U, V second; some prefixes unused.
    pattern=(
        r"[A-CEGHJ-PR-TW-Z](?<![A-Za-z0-9][A-Z])(?!(?<=B)G|(?<=G)B|(?<=K)N|(?<=N)[KT]|(?<=T)N"
        r"|(?<=Z)Z)[A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])"
    ),
    placeholder="<NI_NUMBER>",
)
US_SOCIAL_SECURITY = NationalIdPattern(
    name="US Social Security number",
    # Area 000, 666 and 9xx, group 00 and serial 0000 are never issued. (The look-behinds come
    # after the first character so the regex engine can skip ahead to a digit: it is faster.)
    pattern=(
        r"\d(?<![\w-]\d)(?<!9)(?!(?<=0)00|(?<=6)66)\d{2}([- ])(?!00)\d{2}\1(?!0000)\d{4}"
        r"(?![\w-])"
    ),
    placeholder="<SSN>",
)
DEFAULT_NATIONAL_IDS: tuple[NationalIdPattern, ...] = (UK_NATIONAL_INSURANCE, US_SOCIAL_SECURITY)


def _frozen_severities(value: Mapping[FindingKind, Severity]) -> Mapping[FindingKind, Severity]:
    checked = {}
    for kind, severity in value.items():
        if not isinstance(kind, FindingKind) or not isinstance(severity, Severity):
            raise GuardrailPolicyError(
                f"severities: {kind!r} -> {severity!r} is not a FindingKind -> Severity pair; "
                "use e.g. {FindingKind.EMAIL: Severity.BLOCK}."
            )
        checked[kind] = severity
    return MappingProxyType(checked)


@dataclass(frozen=True, slots=True)
class GuardrailPolicy:
    """What to look for and how hard to stop it. The defaults suit most organisations.

    - ``confidential_terms``: words and phrases the organisation lists (matched whole-word,
      case-insensitive, any run of spaces inside a phrase matching any whitespace).
    - ``national_id_patterns``: formats of national identity numbers (UK NI and US SSN by
      default).
    - ``allowed_emails`` / ``allowed_email_domains``: addresses that may be shared (a domain also
      allows its subdomains). Documentation domains (example.com, .test, ...) are always allowed.
    - ``severities``: per-kind overrides of the family default (secrets and confidential terms
      block, personal data warns).
    - ``disabled_kinds``: kinds not looked for at all.
    """

    confidential_terms: tuple[str, ...] = ()
    national_id_patterns: tuple[NationalIdPattern, ...] = DEFAULT_NATIONAL_IDS
    allowed_emails: frozenset[str] = frozenset()
    allowed_email_domains: frozenset[str] = frozenset()
    severities: Mapping[FindingKind, Severity] = field(default_factory=dict, hash=False)
    disabled_kinds: frozenset[FindingKind] = frozenset()

    def __post_init__(self) -> None:
        terms = tuple(t.strip() for t in self.confidential_terms if t and t.strip())
        object.__setattr__(self, "confidential_terms", terms)
        object.__setattr__(self, "national_id_patterns", tuple(self.national_id_patterns))
        object.__setattr__(
            self, "allowed_emails", frozenset(e.strip().lower() for e in self.allowed_emails)
        )
        domains = frozenset(d.strip().lower().lstrip("@.") for d in self.allowed_email_domains)
        object.__setattr__(self, "allowed_email_domains", domains)
        object.__setattr__(self, "severities", _frozen_severities(self.severities))
        object.__setattr__(self, "disabled_kinds", frozenset(self.disabled_kinds))

    def severity_for(self, kind: FindingKind) -> Severity:
        return self.severities.get(kind, DEFAULT_SEVERITY[kind.family])

    def enabled(self, kind: FindingKind) -> bool:
        return kind not in self.disabled_kinds
