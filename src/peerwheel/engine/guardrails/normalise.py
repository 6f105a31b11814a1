"""What the detectors read: the text after NFKC, without invisible format characters.

A key typed with a zero-width space inside (``sk-proj-…\\u200b…``), in full-width letters
(``ｓｋ－ｐｒｏｊ…``) or with a soft hyphen reads the same to a person but would slip past a
pattern. The scan therefore runs on :func:`normalise`'s text, and maps every hit back to the
span of the text as typed, so findings and redaction work on what the person wrote.

Removed: every character of Unicode category Cf (format): zero-width space, joiners, word joiner,
byte-order mark, soft hyphen, bidirectional controls and the like. Then each character (with its
combining marks) is NFKC-normalised on its own, so each normalised character knows the span it
came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """``text`` as the detectors read it; ``starts``/``ends`` map each of its characters to the
    span of the original it came from (both None when the text needed no change)."""

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` (non-empty) came from."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def normalise(text: str) -> NormalisedText:
    """The text the detectors scan: NFKC, format characters removed, with the offset map."""
    if text.isascii():
        return NormalisedText(text)
    if not any(_invisible(c) for c in text) and unicodedata.is_normalized("NFKC", text):
        return NormalisedText(text)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index, length = 0, len(text)
    while index < length:
        run = _ASCII_RUN.match(text, index)
        if run is not None:  # ASCII is its own NFKC: copy the run, one offset per character
            stop = run.end()
            if stop < length and unicodedata.combining(text[stop]):
                stop -= 1  # the run's last letter goes with the combining marks after it
            if stop > index:
                pieces.append(text[index:stop])
                starts.extend(range(index, stop))
                ends.extend(range(index + 1, stop + 1))
                index = stop
                continue
        if _invisible(text[index]):
            index += 1
            continue
        stop = index + 1
        while stop < length and (unicodedata.combining(text[stop]) or _invisible(text[stop])):
            stop += 1
        chunk = "".join(c for c in text[index:stop] if not _invisible(c))
        normal = unicodedata.normalize("NFKC", chunk)
        pieces.append(normal)
        starts.extend([index] * len(normal))
        ends.extend([stop] * len(normal))
        index = stop
    return NormalisedText("".join(pieces), tuple(starts), tuple(ends))
