"""Secrets: provider API keys and tokens, private keys, passwords in URLs, key=value secrets.

Each detector is a regular expression with a cheap substring gate (so a text without ``sk-``
never runs the OpenAI pattern) and a validator that turns away placeholders such as
``sk-YOUR_KEY_HERE`` or ``password=${DB_PASSWORD}``. Patterns follow the token formats the
providers publish (and those used by detect-secrets and gitleaks).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from peerwheel.engine.guardrails.checksums import shannon_entropy
from peerwheel.engine.guardrails.model import FindingKind, Hit

API_KEY = "<API_KEY>"

# Words that mark a value as a placeholder in documentation and sample code.
_PLACEHOLDER = re.compile(
    r"your|xxxx|example|replace|change_?me|placeholder|insert|dummy|redacted|sample"
    r"|<|>|\.\.\.|\*\*\*|\$\{|\{\{|%\(",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    """True for values such as ``YOUR_API_KEY``, ``xxxxxxxx``, ``<token>`` or ``${SECRET}``."""
    if _PLACEHOLDER.search(value):
        return True
    return len(value) >= 8 and len(set(value.lower()) - set("-_")) <= 2  # "aaaaaaaa", "0000-0000"


def _has_digit_and_letter(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _random_looking(value: str, min_entropy: float = 3.0) -> bool:
    return (
        _has_digit_and_letter(value)
        and not is_placeholder(value)
        and shannon_entropy(value) >= min_entropy
    )


def _mixed_case_random(value: str) -> bool:
    return (
        _random_looking(value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
    )


def _jwt_header_ok(token: str) -> bool:
    header = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        parsed = json.loads(decoded)
    except (binascii.Error, ValueError):
        return False
    return isinstance(parsed, dict) and ("alg" in parsed or "typ" in parsed)


@dataclass(frozen=True, slots=True)
class _Pattern:
    kind: FindingKind
    label: str
    placeholder: str
    gates: tuple[str, ...]  # at least one must occur in the lower-cased text
    regex: re.Pattern[str]
    group: str | int = 0  # the part of the match that is the secret
    valid: Callable[[str], bool] = _random_looking


# Speed: each pattern starts with a literal, so the regex engine can skip ahead to it; the
# "not inside a longer token" look-behind comes right after the literal and re-reads it.
_PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        FindingKind.ANTHROPIC_KEY,
        "Anthropic API key",
        API_KEY,
        ("sk-ant-",),
        re.compile(r"sk-ant-(?<![A-Za-z0-9_-]sk-ant-)[A-Za-z0-9_-]{20,}"),
    ),
    _Pattern(
        FindingKind.OPENAI_KEY,
        "OpenAI API key",
        API_KEY,
        ("sk-",),
        re.compile(r"sk-(?<![A-Za-z0-9_-]sk-)(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
        valid=_mixed_case_random,
    ),
    _Pattern(
        FindingKind.AWS_ACCESS_KEY_ID,
        "AWS access key ID",
        "<AWS_ACCESS_KEY_ID>",
        ("akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka"),
        re.compile(
            r"A(?<![A-Za-z0-9]A)(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|IPA|NPA|NVA|PKA)"
            r"[A-Z0-9]{16}(?![A-Za-z0-9])"
        ),
        valid=lambda v: not is_placeholder(v),
    ),
    _Pattern(
        FindingKind.GITHUB_TOKEN,
        "GitHub token",
        "<GITHUB_TOKEN>",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        re.compile(r"gh(?<![A-Za-z0-9_]gh)[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])"),
    ),
    _Pattern(
        FindingKind.GITHUB_TOKEN,
        "GitHub token",
        "<GITHUB_TOKEN>",
        ("github_pat_",),
        re.compile(r"github_pat_(?<![A-Za-z0-9_]github_pat_)[A-Za-z0-9_]{40,255}(?![A-Za-z0-9_])"),
    ),
    _Pattern(
        FindingKind.SLACK_TOKEN,
        "Slack token",
        "<SLACK_TOKEN>",
        ("xox",),
        re.compile(r"xox(?<![A-Za-z0-9]xox)[abposr]-[A-Za-z0-9-]{10,}"),
        valid=lambda v: _random_looking(v, 2.5),
    ),
    _Pattern(
        FindingKind.SLACK_TOKEN,
        "Slack webhook URL",
        "<SLACK_WEBHOOK>",
        ("hooks.slack.com",),
        re.compile(
            r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"
        ),
        valid=lambda v: not is_placeholder(v),
    ),
    _Pattern(
        FindingKind.GOOGLE_API_KEY,
        "Google API key",
        API_KEY,
        ("aiza",),
        re.compile(r"AIza(?<![A-Za-z0-9_-]AIza)[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])"),
    ),
    _Pattern(
        FindingKind.STRIPE_KEY,
        "Stripe secret key",
        API_KEY,
        ("k_live_", "k_test_"),
        re.compile(r"[sr]k_(?<![A-Za-z0-9_][sr]k_)(?:live|test)_[0-9A-Za-z]{16,}"),
    ),
    _Pattern(
        FindingKind.STRIPE_KEY,
        "Stripe webhook secret",
        API_KEY,
        ("whsec_",),
        re.compile(r"whsec_(?<![A-Za-z0-9_]whsec_)[A-Za-z0-9]{24,}"),
    ),
    _Pattern(
        FindingKind.AZURE_KEY,
        "Azure storage account key",
        API_KEY,
        ("accountkey=",),
        re.compile(r"AccountKey=(?P<v>[A-Za-z0-9+/]{86}==)"),
        group="v",
    ),
    _Pattern(
        FindingKind.AZURE_KEY,
        "Azure shared access key",
        API_KEY,
        ("sharedaccesskey=",),
        re.compile(r"SharedAccessKey=(?P<v>[A-Za-z0-9+/]{43}=)"),
        group="v",
    ),
    _Pattern(
        FindingKind.AZURE_KEY,
        "Azure SAS signature",
        API_KEY,
        ("sig=",),
        re.compile(r"sig=(?<=[?&]sig=)(?P<v>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})"),
        group="v",
    ),
    _Pattern(
        FindingKind.JWT,
        "JSON Web Token",
        "<JWT>",
        ("eyj",),
        re.compile(
            r"eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
        ),
        valid=_jwt_header_ok,
    ),
)

_PEM_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_LINE = re.compile(r"[ \t]*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: .*)[ \t]*(?:\r?\n|$)")
_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/=]")

_URL_CREDENTIALS = re.compile(  # from "://" (fast to find); a scheme character must precede it
    r"(?<=[A-Za-z0-9+.-])://"
    r"(?P<user>[^\s:/?#@\"'<>]{1,64}):(?P<v>[^\s@/?#\"'<>]{1,128})@[A-Za-z0-9.\[\]_-]+"
)
_PASSWORD_PLACEHOLDERS = frozenset(
    {"password", "pass", "passwd", "pwd", "secret", "pw", "changeme", "mypassword", "pass123"}
)

# key=value secrets: find the assignment first (rare in prose), then read the name before it.
# The value sits in a look-ahead so that a long value never hides the next assignment.
_ASSIGNMENT = re.compile(r"(?:=>|:=|=|:)(?=\s*[\"']?(?P<v>[^\s\"'`,;:<>(){}\[\]]{6,256}))")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_SECRET_WORD = re.compile(
    r"(?P<word>api[_-]?key|key|token|secret|passw(?:or)?d|passphrase|pwd|credentials?|auth)"
    r"(?:[_-]?(?:base|value|string))?$"
)
# Names whose values have a provider's own shape.
_AWS_SECRET_NAME = re.compile(r"aws_?secret(?:_?access)?(?:_?key)?$|secret_?access_?key$")
_AWS_SECRET_VALUE = re.compile(r"[A-Za-z0-9/+]{40}")
_AZURE_NAME = re.compile(r"azure[\w.-]*?(?:key|secret)$|ocp-apim-subscription-key$")
_AZURE_VALUE = re.compile(r"[0-9a-fA-F]{32}|[A-Za-z0-9]{84}")
_KEY_GATES = ("key", "token", "secret", "pass", "pwd", "credential", "auth")
_BEARER = re.compile(r"(?i:\bbearer)\s+(?P<v>[A-Za-z0-9._~+/-]{20,}=*)")
_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_JOINERS = re.compile(r"[-_.]")
_LITERALS = frozenset({"true", "false", "none", "null", "nil", "undefined", "required", "optional"})


def _password_ok(value: str) -> bool:
    lowered = value.lower()
    if lowered in _PASSWORD_PLACEHOLDERS or lowered in _LITERALS or is_placeholder(value):
        return False
    if value.startswith(("$", "%", "&", "@")) or _DOTTED_NAME.fullmatch(value):
        return False
    classes = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
    return classes >= 2 and not _ENV_NAME.fullmatch(value)


def _wordy(value: str) -> bool:
    """``user-42-report-weekly-v2``: words and small numbers joined up, a name not a token."""
    segments = [s for s in _JOINERS.split(value) if s]
    return len(segments) > 1 and all(
        s.isalpha() or len(s) <= 3 or (s.isdigit() and len(s) <= 4) for s in segments
    )


def _token_ok(value: str) -> bool:
    if len(value) < 16 or value.startswith(("$", "%", "&", "@")) or _wordy(value):
        return False
    if _DOTTED_NAME.fullmatch(value) or _ENV_NAME.fullmatch(value) or value.isdigit():
        return False
    return _random_looking(value, 3.0)


def _pem_blocks(text: str) -> Iterator[Hit]:
    for begin in _PEM_BEGIN.finditer(text):
        end_match = _PEM_END.search(text, begin.end())
        if end_match is not None:
            end = end_match.end()
            body = text[begin.end() : end_match.start()]
        else:  # a truncated paste: take the base64 lines that follow the header
            end = begin.end()
            if end < len(text) and text[end] == "\r":
                end += 1
            if end < len(text) and text[end] == "\n":
                end += 1
            while (line := _PEM_LINE.match(text, end)) is not None and line.end() > end:
                end = line.end()
            body = text[begin.end() : end]
            end = begin.end() + len(body.rstrip())
        if len(_BASE64_CHARS.findall(body)) >= 16:
            yield Hit(FindingKind.PRIVATE_KEY, begin.start(), end, "private key", "<PRIVATE_KEY>")


def _url_passwords(text: str) -> Iterator[Hit]:
    for match in _URL_CREDENTIALS.finditer(text):
        password = match.group("v")
        if password == match.group("user") or not _password_ok(password):
            continue
        yield Hit(
            FindingKind.URL_PASSWORD,
            match.start("v"),
            match.end("v"),
            "password in the URL",
            "<PASSWORD>",
        )


def _name_before(text: str, end: int) -> tuple[int, str]:
    """Where the identifier that ends just before ``end`` starts, and the identifier (an
    optional closing quote and spaces may sit between them)."""
    stop = end
    while stop > 0 and text[stop - 1] in " \t":
        stop -= 1
    if stop > 0 and text[stop - 1] in "\"'":
        stop -= 1
    start = stop
    while start > 0 and stop - start < 60 and text[start - 1] in _NAME_CHARS:
        start -= 1
    return start, text[start:stop]


def _classify(name: str, value: str) -> tuple[FindingKind, str, str] | None:
    """(kind, label, placeholder) for ``name = value``, or None when it is no secret."""
    lowered = name.lower()
    word = _SECRET_WORD.search(lowered)
    if word is None:
        return None
    aws = _AWS_SECRET_NAME.search(lowered) and _AWS_SECRET_VALUE.fullmatch(value)
    if aws and _random_looking(value, 3.5):
        return FindingKind.AWS_SECRET_KEY, "AWS secret access key", "<AWS_SECRET_KEY>"
    azure = _AZURE_NAME.search(lowered) and _AZURE_VALUE.fullmatch(value)
    if azure and _random_looking(value):
        return FindingKind.AZURE_KEY, "Azure key", API_KEY
    if word.group("word").startswith("pass") or word.group("word") == "pwd":
        if not _password_ok(value):
            return None
        return FindingKind.GENERIC_SECRET, f"value of {name}", "<PASSWORD>"
    if _token_ok(value):
        return FindingKind.GENERIC_SECRET, f"value of {name}", "<SECRET>"
    return None


def _key_values(text: str, lowered: str) -> Iterator[Hit]:
    for match in _ASSIGNMENT.finditer(text):
        name_start, name = _name_before(text, match.start())
        if not name or not any(g in name.lower() for g in _KEY_GATES):
            continue
        value = match.group("v")
        if name_start > 0 and text[name_start - 1] in "?&":  # a URL query parameter
            value = value.split("&", 1)[0].split("#", 1)[0]
        found = _classify(name, value)
        if found is not None:
            kind, label, placeholder = found
            start = match.start("v")
            yield Hit(kind, start, start + len(value), label, placeholder)
    if "bearer" in lowered:
        for match in _BEARER.finditer(text):
            if _token_ok(match.group("v")):
                yield Hit(
                    FindingKind.GENERIC_SECRET,
                    match.start("v"),
                    match.end("v"),
                    "bearer token",
                    "<TOKEN>",
                )


def detect_secrets(text: str, enabled: Callable[[FindingKind], bool]) -> list[Hit]:
    """All secret-shaped spans of ``text`` of the enabled kinds (unsorted, may overlap)."""
    hits: list[Hit] = []
    lowered = text.lower()
    for pattern in _PATTERNS:
        if not enabled(pattern.kind) or not any(g in lowered for g in pattern.gates):
            continue
        for match in pattern.regex.finditer(text):
            value = match.group(pattern.group)
            if pattern.valid(value):
                start, end = match.span(pattern.group)
                hits.append(Hit(pattern.kind, start, end, pattern.label, pattern.placeholder))
    if enabled(FindingKind.PRIVATE_KEY) and "PRIVATE KEY" in text:
        hits.extend(_pem_blocks(text))
    if enabled(FindingKind.URL_PASSWORD) and "://" in text and "@" in text:
        hits.extend(_url_passwords(text))
    named = (FindingKind.GENERIC_SECRET, FindingKind.AWS_SECRET_KEY, FindingKind.AZURE_KEY)
    if any(enabled(k) for k in named) and any(g in lowered for g in _KEY_GATES):
        hits.extend(hit for hit in _key_values(text, lowered) if enabled(hit.kind))
    return hits
