"""Personal data: email addresses, phone numbers, payment cards, IBANs and national ids.

Every candidate is checked before it is reported: card numbers pass Luhn and an issuer prefix,
IBANs pass the country length and mod 97, phone numbers are turned away when the words before
them say "order", "invoice", "ticket"... or when they read as a date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from peerwheel.engine.guardrails.checksums import IBAN_LENGTHS, iban_valid, luhn_valid
from peerwheel.engine.guardrails.model import FindingKind, GuardrailPolicy, Hit
from peerwheel.engine.guardrails.secrets import is_placeholder

# --- email -------------------------------------------------------------------------------------

# Found from the "@" outwards: the local part read backwards, the domain forwards.
_LOCAL_PART = re.compile(r"[A-Za-z0-9._%+-]{1,64}$")
_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
# RFC 2606 / 6761 names reserved for documentation, plus the usual stand-ins.
_RESERVED_DOMAINS = frozenset(
    {"example.com", "example.net", "example.org", "domain.com", "company.com", "yourcompany.com"}
)
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "js", "ts", "css", "py"})
_NON_PERSONAL_LOCAL = frozenset({"git", "noreply", "no-reply", "donotreply", "do-not-reply"})


def _domain_allowed(domain: str, allowed: frozenset[str]) -> bool:
    parts = domain.split(".")
    suffixes = {".".join(parts[i:]) for i in range(len(parts))}
    return bool(suffixes & allowed) or bool(suffixes & _RESERVED_DOMAINS)


def _email_spans(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, local part, domain) of every address-shaped span."""
    at = text.find("@")
    while at != -1:
        local = _LOCAL_PART.search(text, max(0, at - 64), at)
        domain = _DOMAIN.match(text, at + 1)
        if local is not None and domain is not None:
            start = local.start()
            while start < at and not text[start].isalnum():
                start += 1
            token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
            if start < at and "://" not in text[token_start:start]:  # not a URL's user info
                yield start, domain.end(), text[start:at], domain.group(0)
        at = text.find("@", at + 1)


def _emails(text: str, policy: GuardrailPolicy, author_email: str | None) -> Iterator[Hit]:
    own = author_email.strip().lower() if author_email else None
    for start, end, local_part, domain_part in _email_spans(text):
        local, domain = local_part.lower(), domain_part.lower()
        tld = domain.rsplit(".", 1)[-1]
        if (
            f"{local}@{domain}" == own
            or f"{local}@{domain}" in policy.allowed_emails
            or tld in _RESERVED_TLDS
            or tld in _FILE_TLDS
            or local in _NON_PERSONAL_LOCAL
            or _domain_allowed(domain, policy.allowed_email_domains)
            or is_placeholder(local)
        ):
            continue
        yield Hit(FindingKind.EMAIL, start, end, "email address", "<EMAIL>")


# --- phone numbers -----------------------------------------------------------------------------

# Candidate runs of digits and separators first (cheap), then the phone shapes inside them.
_PHONE_RUN = re.compile(r"[+(\d][\d ().-]{6,}\d")
_PHONE = re.compile(
    r"(?<![\w+/.#-])(?:"
    r"(?P<intl>(?:\+|00)[1-9]\d{0,3}(?:[ .-]?\(0?\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6})"
    r"|(?P<paren>\(0?\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]?\d{2,5}){1,3})"
    r"|(?P<national>0[1-9]\d{0,4}(?:[ .-]?\d{2,8}){1,4})"
    r"|(?P<nanp>(?:1[ .-])?[2-9]\d{2}[ .-]\d{3}[ .-]\d{4})"
    r")(?![\w-]|[.,]\d)"
)
_DIGIT_LIMITS = {"intl": (8, 15), "paren": (9, 12), "national": (9, 12), "nanp": (10, 11)}
_DATE_SHAPE = re.compile(r"\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}")
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?i:\b(?:order|invoice|ticket|ref|reference|id|no|case|po|tracking|account|acct|serial"
    r"|sku|build|version|isbn|part|batch|lot|transaction|txn|confirmation|booking|pin|code"
    r"|issue|pr|item|policy|claim|shipment|parcel|employee|customer|job|run|request))"
    r"[\s.:#-]{0,3}(?:number|num|no|nr|id)?[\s.:#-]{0,3}$"
)
_PHONE_CONTEXT = re.compile(
    r"(?i:\b(?:phone|tel|telephone|mobile|mob|cell|call|ring|text|sms|whatsapp|fax|dial"
    r"|contact|reach|landline))"
)
_SEPARATORS = re.compile(r"[ .-]")
_ANY_DIGIT = re.compile(r"\d")


def _trim_to_limit(candidate: str, limit: int) -> str:
    """Drop trailing separated groups until the digit count fits (``020 7946 0958 10`` → 3)."""
    while sum(c.isdigit() for c in candidate) > limit:
        cut = max(candidate.rfind(" "), candidate.rfind("-"), candidate.rfind("."))
        if cut <= 0:
            return ""
        candidate = candidate[:cut]
    return candidate


def _phone_matches(text: str) -> Iterator[re.Match[str]]:
    for run in _PHONE_RUN.finditer(text):
        # endpos two past the run: the closing look-ahead must see the characters after it.
        yield from _PHONE.finditer(text, run.start(), min(len(text), run.end() + 2))


def _phones(text: str) -> Iterator[Hit]:
    for match in _phone_matches(text):
        form = match.lastgroup or "national"
        low, high = _DIGIT_LIMITS[form]
        candidate = _trim_to_limit(match.group(0), high)
        digits = sum(c.isdigit() for c in candidate)
        if not candidate or digits < low or _DATE_SHAPE.fullmatch(candidate):
            continue
        start = match.start()
        before = text[max(0, start - 30) : start]
        if _NOT_A_PHONE_BEFORE.search(before):
            continue
        separated = form in ("intl", "paren") or bool(_SEPARATORS.search(candidate))
        if not separated and not _PHONE_CONTEXT.search(before):
            continue
        if form == "national" and candidate.count(".") >= 2 and " " not in candidate:
            continue  # 0x.xx.xx reads as a version or an address, not a phone number
        yield Hit(FindingKind.PHONE, start, start + len(candidate), "phone number", "<PHONE>")


# --- payment cards -----------------------------------------------------------------------------

_CARD = re.compile(r"\d(?<![\w.+/-]\d)(?:[ -]?\d){12,18}(?![\w-]|[.,]\d)")


def card_brand(digits: str) -> str | None:
    """The card scheme an issuer prefix and length belong to, or None."""
    n = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4" and n in (13, 16, 19):
        return "Visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16:
        return "Mastercard"
    if two in (34, 37) and n == 15:
        return "American Express"
    if (four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649) and 16 <= n <= 19:
        return "Discover"
    if 3528 <= four <= 3589 and 16 <= n <= 19:
        return "JCB"
    if (300 <= int(digits[:3]) <= 305 or two in (36, 38, 39)) and 14 <= n <= 19:
        return "Diners Club"
    if two == 62 and 16 <= n <= 19:
        return "UnionPay"
    if (two == 50 or 56 <= two <= 69) and 12 <= n <= 19:
        return "Maestro"
    return None


def _cards(text: str) -> Iterator[Hit]:
    for match in _CARD.finditer(text):
        raw = match.group(0)
        if " " in raw and "-" in raw:
            continue
        groups = _SEPARATORS.split(raw)
        if len(groups) > 1 and min(len(g) for g in groups[:-1]) < 3:
            continue
        digits = "".join(groups)
        if not 13 <= len(digits) <= 19 or len(set(digits)) == 1 or not luhn_valid(digits):
            continue
        brand = card_brand(digits)
        if brand is not None:
            label = f"{brand} card number"
            yield Hit(FindingKind.PAYMENT_CARD, match.start(), match.end(), label, "<CARD_NUMBER>")


# --- IBANs -------------------------------------------------------------------------------------

_IBAN = re.compile(r"(?P<cc>[A-Z](?<![A-Za-z0-9][A-Z])[A-Z])\d{2}(?: ?[A-Z0-9]){10,30}")


def _ibans(text: str) -> Iterator[Hit]:
    for match in _IBAN.finditer(text):
        length = IBAN_LENGTHS.get(match.group("cc"))
        if length is None:
            continue
        # Read the country's length of characters (spaces don't count), then stop.
        start, end, seen = match.start(), match.start(), 0
        while end < match.end() and seen < length:
            seen += text[end] != " "
            end += 1
        if seen != length or (end < len(text) and text[end].isalnum()):
            continue
        if iban_valid(text[start:end]):
            yield Hit(FindingKind.IBAN, start, end, "IBAN (bank account)", "<IBAN>")


# --- national ids ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _national_ids(text: str, policy: GuardrailPolicy) -> Iterator[Hit]:
    for national in policy.national_id_patterns:
        for match in _compiled(national.pattern).finditer(text):
            if match.end() > match.start():
                yield Hit(
                    FindingKind.NATIONAL_ID,
                    match.start(),
                    match.end(),
                    national.name,
                    national.placeholder,
                )


def detect_personal_data(
    text: str,
    policy: GuardrailPolicy,
    author_email: str | None,
    enabled: Callable[[FindingKind], bool],
) -> list[Hit]:
    """All personal-data spans of ``text`` of the enabled kinds (unsorted, may overlap)."""
    hits: list[Hit] = []
    if enabled(FindingKind.EMAIL) and "@" in text:
        hits.extend(_emails(text, policy, author_email))
    if _ANY_DIGIT.search(text) is None:
        return hits
    if enabled(FindingKind.PAYMENT_CARD):
        hits.extend(_cards(text))
    if enabled(FindingKind.IBAN):
        hits.extend(_ibans(text))
    if enabled(FindingKind.NATIONAL_ID):
        hits.extend(_national_ids(text, policy))
    if enabled(FindingKind.PHONE):
        hits.extend(_phones(text))
    return hits
