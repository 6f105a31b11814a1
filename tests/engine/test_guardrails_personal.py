"""Personal data detectors and the checksums behind them."""

import pytest

from peerwheel.engine.guardrails import (
    DEFAULT_POLICY,
    FindingKind,
    GuardrailPolicy,
    NationalIdPattern,
    Severity,
    iban_valid,
    luhn_valid,
    scan,
)


def _found(
    text: str,
    kind: FindingKind,
    *,
    policy: GuardrailPolicy = DEFAULT_POLICY,
    author_email: str | None = None,
) -> list[str]:
    findings = scan(text, policy=policy, author_email=author_email).findings
    return [text[f.start : f.end] for f in findings if f.kind is kind]


# --- checksums against published examples -------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "79927398713",  # the worked example of the Luhn algorithm (ISO/IEC 7812-1)
        "4111111111111111",  # Visa test number
        "4012888888881881",  # Visa test number
        "5555555555554444",  # Mastercard test number
        "378282246310005",  # American Express test number
        "6011111111111117",  # Discover test number
        "3530111333300000",  # JCB test number
    ],
)
def test_luhn_accepts_published_valid_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize(
    "number",
    ["79927398710", "79927398714", "4111111111111112", "1234567890123456", "", "4111-1111"],
)
def test_luhn_rejects_invalid_numbers(number: str) -> None:
    assert not luhn_valid(number)


@pytest.mark.parametrize(
    "iban",
    [
        "GB82 WEST 1234 5698 7654 32",  # ECBS / SWIFT registry examples
        "DE89 3704 0044 0532 0130 00",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91ABNA0417164300",
        "BE68 5390 0754 7034",
        "CH93 0076 2011 6238 5295 7",
        "IT60 X054 2811 1010 0000 0123 456",
        "ES91 2100 0418 4502 0005 1332",
    ],
)
def test_iban_accepts_published_examples(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "GB82 WEST 1234 5698 7654 31",  # check digits do not match
        "GB82 WEST 1234 5698 7654 3",  # one character short for GB
        "DE89 3704 0044 0532 0130 01",
        "XX89 3704 0044 0532 0130 00",  # no such country
        "gb82 west 1234 5698 7654 32",  # lower case is not how IBANs are printed
    ],
)
def test_iban_rejects_wrong_checksum_length_or_country(iban: str) -> None:
    assert not iban_valid(iban)


# --- email ----------------------------------------------------------------------------------------


def test_other_peoples_email_warns_by_default() -> None:
    text = "Draft a reply to jane.doe@contoso-retail.co.uk about the delay."
    result = scan(text)
    assert _found(text, FindingKind.EMAIL) == ["jane.doe@contoso-retail.co.uk"]
    assert result.findings[0].severity is Severity.WARN
    assert not result.blocked


def test_authors_own_address_and_allowed_ones_pass() -> None:
    text = "Mail me at Me@Acme.io or the team at ai-help@acme.io, or bob@partner.acme.io."
    assert _found(text, FindingKind.EMAIL, author_email="me@acme.io") == [
        "ai-help@acme.io",
        "bob@partner.acme.io",
    ]
    policy = GuardrailPolicy(allowed_emails=frozenset({"AI-Help@acme.io"}))
    assert _found(text, FindingKind.EMAIL, policy=policy, author_email="me@acme.io") == [
        "bob@partner.acme.io"
    ]
    by_domain = GuardrailPolicy(allowed_email_domains=frozenset({"acme.io"}))
    assert _found(text, FindingKind.EMAIL, policy=by_domain) == []


@pytest.mark.parametrize(
    "text",
    [
        "support@example.com",
        "alice@corp.example",
        "git@github.com:acme/repo.git",
        "noreply@github.com",
        "npm i @types/node@18.19.3",
        "assets/logo@2x.png",
        "you@yourcompany.com",
        "https://user@host.internal/path",
    ],
)
def test_non_personal_addresses_pass(text: str) -> None:
    assert _found(text, FindingKind.EMAIL) == []


# --- phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Call +44 20 7946 0958 after 3pm", "+44 20 7946 0958"),
        ("ring (415) 555-0132 for the demo", "(415) 555-0132"),
        ("Escalations: +1 415-555-0175 (on call)", "+1 415-555-0175"),
        ("Pierre, 06 12 34 56 78.", "06 12 34 56 78"),
        ("mobile: 07700900123", "07700900123"),
        ("Berlin +49 30 1234 5678", "+49 30 1234 5678"),
        ("UK office 020 7946 0000 or later", "020 7946 0000"),
        ("Call 020 7946 0958 at 10 am", "020 7946 0958"),
        ("US line 212.555.0147", "212.555.0147"),
    ],
)
def test_phone_numbers_in_common_formats(text: str, number: str) -> None:
    assert _found(text, FindingKind.PHONE) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "released on 2024-03-15",
        "meeting on 15/03/2024 at 09:30",
        "version 3.11.9 and 0.12.3",
        "Order #555-123-4567 shipped",
        "order number 0207 946 0958 (old format)",
        "invoice 0207-946-0958",
        "Ticket INC-2024-118822",
        "ISBN 978-0-13-468599-1",
        "reference 07700900123",
        "IP 10.0.0.12 and 192.168.1.20",
        "1 234 567 rows",
        "Zoom meeting ID 812 3456 7890",
        "tracking 1Z999AA10123456784",
        "build 10.0.22631.3447",
    ],
)
def test_dates_versions_and_order_numbers_are_not_phones(text: str) -> None:
    assert _found(text, FindingKind.PHONE) == []


# --- cards, IBANs, national ids ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("card number 4111 1111 1111 1111 on file", "4111 1111 1111 1111"),
        ("refund 5555-5555-5555-4444, exp 12/27", "5555-5555-5555-4444"),
        ("Amex 3782 822463 10005 declined", "3782 822463 10005"),
        ('{"pan": "4012888888881881"}', "4012888888881881"),
    ],
)
def test_card_numbers_that_pass_luhn_are_found(text: str, card: str) -> None:
    findings = scan(text).findings
    assert [text[f.start : f.end] for f in findings] == [card]
    assert findings[0].kind is FindingKind.PAYMENT_CARD
    assert findings[0].replacement == "<CARD_NUMBER>"


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112",  # fails Luhn
        "1234 5678 9012 3456",  # fails Luhn
        "0000 0000 0000 0000",  # passes Luhn, but no issuer uses it
        "9999 9999 9999 9995",  # passes Luhn, no issuer prefix 9
        "timestamp 1718450000123",  # 13 digits, no issuer
    ],
)
def test_digit_runs_that_are_not_cards(text: str) -> None:
    assert _found(text, FindingKind.PAYMENT_CARD) == []


def test_iban_is_found_and_stops_at_its_country_length() -> None:
    text = "Pay DE89 3704 0044 0532 0130 00 BY FRIDAY please"
    assert _found(text, FindingKind.IBAN) == ["DE89 3704 0044 0532 0130 00"]
    assert _found("IBAN GB82 WEST 1234 5698 7654 31", FindingKind.IBAN) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("NI number AB 12 34 56 C", "AB 12 34 56 C"),
        ("employee JG103759A", "JG103759A"),
        ("SSN 078-05-1120 in the sheet", "078-05-1120"),
    ],
)
def test_default_national_ids(text: str, number: str) -> None:
    assert _found(text, FindingKind.NATIONAL_ID) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "QQ 12 34 56 C is HMRC's placeholder",  # Q is never a first letter
        "GB 12 34 56 A",  # unallocated prefix
        "000-12-3456",  # area 000 is never issued
        "666-12-3456",
        "923-45-6789",
        "123-00-4567",
    ],
)
def test_unissuable_national_ids_pass(text: str) -> None:
    assert _found(text, FindingKind.NATIONAL_ID) == []


def test_national_id_patterns_are_configurable() -> None:
    dutch_bsn = NationalIdPattern("Dutch BSN", r"(?<!\d)BSN[: ]+\d{9}(?!\d)", "<BSN>")
    policy = GuardrailPolicy(national_id_patterns=(dutch_bsn,))
    text = "BSN: 111222333 and SSN 078-05-1120"
    findings = scan(text, policy=policy).findings
    assert [(text[f.start : f.end], f.replacement) for f in findings] == [
        ("BSN: 111222333", "<BSN>")
    ]
