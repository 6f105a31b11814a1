"""Keys hidden by Unicode tricks are still found, and redaction still removes what was typed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerwheel.engine.guardrails import FindingKind, GuardrailPolicy, redact, scan
from peerwheel.engine.guardrails.normalise import normalise

OPENAI = "sk-" + "proj-" + "Zq4Lm9Tx2Vb7Nc5Rk8Wd3Hs6Jf1Gp0Ya"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
ZWSP = "\u200b"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("hidden", "kind"),
    [
        (OPENAI[:10] + ZWSP + OPENAI[10:], FindingKind.OPENAI_KEY),
        (GITHUB[:8] + ZWSP + GITHUB[8:], FindingKind.GITHUB_TOKEN),
        (GITHUB[:8] + "\u200d" + GITHUB[8:20] + "\u2060" + GITHUB[20:], FindingKind.GITHUB_TOKEN),
        (OPENAI[:5] + "\u00ad" + OPENAI[5:], FindingKind.OPENAI_KEY),  # soft hyphen
        (OPENAI[:12] + "\ufeff" + OPENAI[12:], FindingKind.OPENAI_KEY),  # byte-order mark
        (_fullwidth(OPENAI), FindingKind.OPENAI_KEY),
    ],
)
def test_a_key_hidden_by_invisible_or_full_width_characters_is_found_and_redacted(
    hidden: str, kind: FindingKind
) -> None:
    text = f"My key is {hidden} — try it."
    result = scan(text)
    assert [f.kind for f in result.findings] == [kind]
    assert result.blocked
    finding = result.findings[0]
    # The span is the one typed, invisible characters included: redaction removes all of it.
    assert text[finding.start : finding.end] == hidden
    assert redact(text, result.findings) == f"My key is {finding.replacement} — try it."


def test_offsets_after_a_hidden_key_still_point_at_what_was_typed() -> None:
    text = f"é{ZWSP}x {OPENAI[:9]}{ZWSP}{OPENAI[9:]} then mail a.b@contoso.com"
    result = scan(text)
    assert [f.kind for f in result.findings] == [FindingKind.OPENAI_KEY, FindingKind.EMAIL]
    email = result.findings[1]
    assert text[email.start : email.end] == "a.b@contoso.com"
    assert redact(text, result.findings).endswith("then mail <EMAIL>")


def test_a_confidential_term_with_a_zero_width_space_inside_is_found() -> None:
    policy = GuardrailPolicy(confidential_terms=("Project Nightjar",))
    text = f"About Project Night{ZWSP}jar: it ships"
    (finding,) = scan(text, policy=policy).findings
    assert text[finding.start : finding.end] == f"Project Night{ZWSP}jar"


def test_combining_accents_compose_and_keep_their_span() -> None:
    normal = normalise("cafe\u0301 \u200b\uff21")
    assert normal.text == "café A"
    assert normal.original_span(3, 4) == (3, 5)  # é came from e + combining acute
    assert normal.original_span(4, 5) == (5, 6)  # the space; the zero-width space is gone
    assert normal.original_span(5, 6) == (7, 8)  # full-width A


def test_a_letter_before_a_combining_mark_is_not_copied_on_its_own() -> None:
    normal = normalise("abce\u0301f")
    assert normal.text == "abcéf"
    assert normal.original_span(3, 4) == (3, 5)
    assert normal.original_span(4, 5) == (5, 6)


def test_plain_text_is_scanned_as_it_is() -> None:
    normal = normalise("plain ascii")
    assert normal.starts is None
    assert normal.original_span(2, 5) == (2, 5)


def test_text_of_only_invisible_characters_has_no_findings() -> None:
    assert scan(ZWSP * 5).findings == ()


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_every_normalised_character_maps_to_a_span_of_the_original_in_order(text: str) -> None:
    normal = normalise(text)
    spans = [normal.original_span(i, i + 1) for i in range(len(normal.text))]
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)
    assert [e for _, e in spans] == sorted(e for _, e in spans)
    assert not any(unicodedata.category(c) == "Cf" for c in normal.text)
