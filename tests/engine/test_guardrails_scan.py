"""The scan as the hub sees it: policy, severities, confidential terms, fields and redaction."""

import dataclasses

import pytest

from peerwheel.engine.guardrails import (
    FieldFinding,
    Finding,
    FindingKind,
    GuardrailPolicy,
    GuardrailPolicyError,
    NationalIdPattern,
    RedactionError,
    Severity,
    redact,
    redact_fields,
    scan,
    scan_fields,
)

KEY = "sk-" + "FAKE0123456789abcdefghijABCDEFGHIJklmnOPQR"
TERMS = GuardrailPolicy(confidential_terms=("Project Nightjar", "Bluebird", "  ", "C++ Core"))


def _finding(kind: FindingKind, start: int, end: int, replacement: str) -> Finding:
    return Finding(kind, Severity.WARN, start, end, "m", replacement)


def test_empty_text_has_no_findings() -> None:
    result = scan("")
    assert result.findings == ()
    assert not result.blocked


def test_findings_come_sorted_by_start() -> None:
    text = "Call +44 20 7946 0958, mail a.b@contoso.com, key " + KEY
    starts = [f.start for f in scan(text).findings]
    assert starts == sorted(starts)
    assert len(starts) == 3


def test_secrets_block_and_personal_data_warns_by_default() -> None:
    result = scan(f"a.b@contoso.com {KEY}")
    assert [(f.kind, f.severity) for f in result.findings] == [
        (FindingKind.EMAIL, Severity.WARN),
        (FindingKind.OPENAI_KEY, Severity.BLOCK),
    ]
    assert result.blocked
    assert [f.kind for f in result.blocking] == [FindingKind.OPENAI_KEY]
    assert [f.kind for f in result.warnings] == [FindingKind.EMAIL]


def test_per_kind_severity_and_disabled_kinds_are_honoured() -> None:
    strict = GuardrailPolicy(severities={FindingKind.EMAIL: Severity.BLOCK})
    assert scan("mail a.b@contoso.com", policy=strict).blocked
    lenient = GuardrailPolicy(disabled_kinds=frozenset({FindingKind.EMAIL}))
    assert scan("mail a.b@contoso.com", policy=lenient).findings == ()


def test_bad_policy_values_raise_a_clear_error() -> None:
    with pytest.raises(GuardrailPolicyError, match="severities"):
        GuardrailPolicy(severities={"email": "block"})  # type: ignore[dict-item]
    with pytest.raises(GuardrailPolicyError, match=r"national_id_patterns\['Broken'\].*position"):
        NationalIdPattern("Broken", r"(\d{3}")


def test_scan_needs_a_string() -> None:
    with pytest.raises(TypeError, match="str"):
        scan(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The project nightjar plan", ["project nightjar"]),
        ("PROJECT\n  NIGHTJAR kickoff", ["PROJECT\n  NIGHTJAR"]),
        ("bluebird, Bluebird; BLUEBIRD.", ["bluebird", "Bluebird", "BLUEBIRD"]),
        ("bluebirds and Bluebird2 and Nightjar alone", []),
        ("modern C++ Core guidelines", ["C++ Core"]),
    ],
)
def test_confidential_terms_match_whole_words_in_any_case(text: str, expected: list[str]) -> None:
    findings = scan(text, policy=TERMS).findings
    assert [text[f.start : f.end] for f in findings] == expected
    assert all(f.kind is FindingKind.CONFIDENTIAL_TERM for f in findings)
    assert all(f.severity is Severity.BLOCK for f in findings)


def test_confidential_message_names_the_term() -> None:
    finding = scan("Bluebird numbers", policy=TERMS).findings[0]
    assert "Bluebird" in finding.message
    assert finding.replacement == "<CONFIDENTIAL>"


def test_scan_fields_reports_the_field_of_each_finding() -> None:
    fields = {"title": "Bluebird win", "body": "all clean", "prompt_text": f"use {KEY}"}
    result = scan_fields(fields, TERMS)
    assert list(result.by_field) == ["title", "body", "prompt_text"]
    assert [(ff.field, ff.finding.kind) for ff in result.findings] == [
        ("title", FindingKind.CONFIDENTIAL_TERM),
        ("prompt_text", FindingKind.OPENAI_KEY),
    ]
    assert isinstance(result.findings[0], FieldFinding)
    assert result.blocked
    assert redact_fields(fields, result) == {
        "title": "<CONFIDENTIAL> win",
        "body": "all clean",
        "prompt_text": "use <API_KEY>",
    }


def test_scan_fields_passes_the_author_email_on() -> None:
    result = scan_fields({"body": "mail me@acme.io"}, author_email="me@acme.io")
    assert result.findings == ()
    assert not result.blocked


def test_one_click_redaction_replaces_every_finding() -> None:
    text = f"Call +44 20 7946 0958 or mail a.b@contoso.com; key {KEY}."
    assert redact(text, scan(text).findings) == "Call <PHONE> or mail <EMAIL>; key <API_KEY>."


def test_redacted_text_scans_clean() -> None:
    text = f"postgres://app:Tr0ub4dor-2024@db/x card 4111 1111 1111 1111 {KEY} Bluebird"
    redacted = redact(text, scan(text, policy=TERMS).findings)
    assert scan(redacted, policy=TERMS).findings == ()
    assert redacted == "postgres://app:<PASSWORD>@db/x card <CARD_NUMBER> <API_KEY> <CONFIDENTIAL>"


def test_redaction_merges_overlapping_findings() -> None:
    text = "0123456789"
    nested = [
        _finding(FindingKind.OPENAI_KEY, 1, 8, "<K>"),
        _finding(FindingKind.EMAIL, 2, 4, "<E>"),
    ]
    assert redact(text, nested) == "0<K>89"
    partial = [_finding(FindingKind.EMAIL, 1, 5, "<E>"), _finding(FindingKind.PHONE, 3, 7, "<P>")]
    assert redact(text, partial) == "0<E><P>789"
    same = [_finding(FindingKind.EMAIL, 1, 5, "<E>"), _finding(FindingKind.EMAIL, 4, 7, "<E>")]
    assert redact(text, same) == "0<E>789"
    touching = [_finding(FindingKind.EMAIL, 0, 2, "<E>"), _finding(FindingKind.PHONE, 2, 4, "<P>")]
    assert redact(text, touching) == "<E><P>456789"


def test_redaction_of_no_findings_is_the_identity() -> None:
    assert redact("unchanged", []) == "unchanged"


def test_redaction_refuses_findings_from_another_text() -> None:
    stale = _finding(FindingKind.EMAIL, 5, 40, "<E>")
    with pytest.raises(RedactionError, match="scan the current text again"):
        redact("short", [stale])


def test_findings_are_frozen() -> None:
    finding = scan(KEY).findings[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0  # type: ignore[misc]


def test_a_large_post_scans_to_the_same_findings_as_its_parts() -> None:
    paragraph = "We tried the summary prompt on 2024-03-15 with v2.3.1 and ticket #4521. " * 140
    text = paragraph + f"Key: {KEY}"
    findings = scan(text).findings
    assert [f.kind for f in findings] == [FindingKind.OPENAI_KEY]
    assert findings[0].start == len(paragraph) + len("Key: ")
