"""The labelled corpus: recall on what must be caught, false positives on ordinary posts."""

from pathlib import Path
from typing import NamedTuple

import pytest

from peerwheel.engine.guardrails import FindingKind, GuardrailPolicy, redact, scan

CORPUS = Path(__file__).parent / "guardrail_corpus"
POLICY = GuardrailPolicy(confidential_terms=("Project Nightjar", "Bluebird", "Helios"))
AUTHOR = "me@peerwheel-demo.test"


class Snippet(NamedTuple):
    ident: str
    kinds: frozenset[FindingKind]
    text: str


def load(name: str) -> list[Snippet]:
    """Records start with `=== id | kind, kind`; the text runs to the next such line."""
    snippets: list[Snippet] = []
    header: str | None = None
    lines: list[str] = []

    def close() -> None:
        if header is not None:
            ident, _, kinds = header.partition("|")
            labels = frozenset(FindingKind(k.strip()) for k in kinds.split(",") if k.strip())
            snippets.append(Snippet(ident.strip(), labels, "\n".join(lines).rstrip("\n")))

    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            close()
            header, lines = line[4:], []
        else:
            lines.append(line)
    close()
    return snippets


MUST_CATCH = load("must_catch.txt")
MUST_PASS = load("must_pass.txt")


def _found(snippet: Snippet) -> frozenset[FindingKind]:
    return frozenset(
        f.kind for f in scan(snippet.text, policy=POLICY, author_email=AUTHOR).findings
    )


def test_corpus_is_big_enough_and_labelled() -> None:
    assert len(MUST_CATCH) >= 60
    assert len(MUST_PASS) >= 60
    assert all(s.kinds for s in MUST_CATCH)
    assert not any(s.kinds for s in MUST_PASS)
    assert len({s.ident for s in MUST_CATCH + MUST_PASS}) == len(MUST_CATCH) + len(MUST_PASS)
    # every kind of detector is exercised
    assert frozenset().union(*(s.kinds for s in MUST_CATCH)) == frozenset(FindingKind)


def test_recall_is_at_least_95_percent() -> None:
    missed = [(s.ident, sorted(k.value for k in s.kinds - _found(s))) for s in MUST_CATCH]
    missed = [m for m in missed if m[1]]
    recall = 1 - len(missed) / len(MUST_CATCH)
    assert recall >= 0.95, f"recall {recall:.3f}; missed {missed}"


def test_false_positive_rate_is_at_most_5_percent() -> None:
    flagged = [(s.ident, sorted(k.value for k in _found(s))) for s in MUST_PASS]
    flagged = [f for f in flagged if f[1]]
    rate = len(flagged) / len(MUST_PASS)
    assert rate <= 0.05, f"false positive rate {rate:.3f}; flagged {flagged}"


@pytest.mark.parametrize("snippet", MUST_CATCH, ids=lambda s: s.ident)
def test_redacting_a_caught_snippet_leaves_nothing_to_catch(snippet: Snippet) -> None:
    result = scan(snippet.text, policy=POLICY, author_email=AUTHOR)
    redacted = redact(snippet.text, result.findings)
    assert scan(redacted, policy=POLICY, author_email=AUTHOR).findings == ()
