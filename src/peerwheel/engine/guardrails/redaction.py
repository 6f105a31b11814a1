"""One-click redaction: every finding's span becomes its placeholder."""

from __future__ import annotations

from collections.abc import Iterable

from peerwheel.engine.guardrails.model import Finding, RedactionError


def redact(text: str, findings: Iterable[Finding]) -> str:
    """Replace each finding's span of ``text`` with its placeholder.

    Overlapping findings are merged into one span; the merged span becomes the placeholders of
    the findings not inside another one, in order (``<API_KEY>`` for a key that holds a
    confidential term, ``<EMAIL><PHONE>`` for two that partly overlap). Findings from another text
    (a span past its end) raise :class:`RedactionError`.
    """
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    for finding in ordered:
        if not 0 <= finding.start <= finding.end <= len(text):
            raise RedactionError(
                f"finding {finding.kind.value} at {finding.start}..{finding.end} does not fit a "
                f"text of {len(text)} characters; scan the current text again and redact with "
                "those findings."
            )
    pieces: list[str] = []
    cursor = 0
    index = 0
    while index < len(ordered):
        cluster_start = ordered[index].start
        cluster_end = ordered[index].end
        placeholders = [ordered[index].replacement]
        outer_end = ordered[index].end
        index += 1
        while index < len(ordered) and ordered[index].start < cluster_end:
            finding = ordered[index]
            if finding.end > outer_end:  # not inside the previous outer finding
                if finding.replacement != placeholders[-1]:
                    placeholders.append(finding.replacement)
                outer_end = finding.end
            cluster_end = max(cluster_end, finding.end)
            index += 1
        pieces.append(text[cursor:cluster_start])
        pieces.append("".join(placeholders))
        cursor = cluster_end
    pieces.append(text[cursor:])
    return "".join(pieces)
