"""Confidential terms an administrator lists: code names, unreleased products, client names."""

from __future__ import annotations

import re
from functools import lru_cache

from peerwheel.engine.guardrails.model import FindingKind, Hit

CONFIDENTIAL = "<CONFIDENTIAL>"


@lru_cache(maxsize=64)
def terms_regex(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive, whole-word alternation of the terms, longest first.

    A space inside a phrase matches any run of whitespace, so "Project  Falcon" split over two
    lines is still found. "Whole word" means no letter, digit or underscore on either side.
    """
    parts = sorted({t.strip() for t in terms if t.strip()}, key=lambda t: (-len(t), t.lower()))
    if not parts:
        return None
    escaped = (r"\s+".join(re.escape(word) for word in part.split()) for part in parts)
    return re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=64)
def _first_words(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple({t.split()[0].lower() for t in terms if t.strip()})


def detect_confidential_terms(text: str, terms: tuple[str, ...]) -> list[Hit]:
    regex = terms_regex(terms)
    if regex is None:
        return []
    lowered = text.lower()
    if not any(word in lowered for word in _first_words(terms)):
        return []  # the common case, decided by fast substring searches
    return [
        Hit(
            FindingKind.CONFIDENTIAL_TERM,
            match.start(),
            match.end(),
            f"“{match.group(0)}”",
            CONFIDENTIAL,
        )
        for match in regex.finditer(text)
    ]
