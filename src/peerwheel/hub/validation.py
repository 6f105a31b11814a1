"""Checks on what people type, shared by every write (the limits are documented in docs/hub.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from peerwheel.hub.errors import HubInputError
from peerwheel.hub.models import PostKind, QuestionStage, TrialOutcome

TITLE_MAX = 200
BODY_MAX = 20_000
PROMPT_MAX = 10_000
TOOL_MAX = 100
TASK_MAX = 100
MINUTES_MAX = 1_440  # a day per use is already generous
TAGS_MAX = 10
TAG_MAX = 40
ANSWER_MAX = 10_000
NOTE_MAX = 2_000
REASON_MAX = 500
REACTIONS = ("👍", "🎉", "💡", "❤️", "🙏", "👀")
TAGS_TEXT_MAX = TAGS_MAX * (TAG_MAX + 2)  # the tags as typed: "a, b, c"

# Every free-text field a person can send, and its limit in characters. The API's schemas and
# the guardrails' check use the same numbers, so a too-long field is refused before it is
# scanned or stored, with a message naming the field and the limit.
FIELD_LIMITS: dict[str, int] = {
    "title": TITLE_MAX,
    "body": BODY_MAX,
    "prompt_text": PROMPT_MAX,
    "tool": TOOL_MAX,
    "task": TASK_MAX,
    "tags": TAGS_TEXT_MAX,
    "note": NOTE_MAX,
    "answer": ANSWER_MAX,
    "reason": REASON_MAX,
}

_TAG = re.compile(r"^[a-z0-9][a-z0-9+#.-]*$")


def text(value: Any, field: str, *, maximum: int, required: bool = False) -> str:
    """A stripped string within its limit; an empty required field is an error."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise HubInputError(f"{field} must be text.", field=field)
    value = value.strip()
    if "\x00" in value:
        raise HubInputError(f"{field} contains a NUL character; remove it.", field=field)
    if required and not value:
        raise HubInputError(f"{field} is empty; write something.", field=field)
    if len(value) > maximum:
        raise too_long(field, len(value), maximum)
    return value


def too_long(field: str, length: int, maximum: int) -> HubInputError:
    return HubInputError(
        f"{field} is {length:,} characters long; the limit is {maximum:,}.", field=field
    )


def lengths(fields: dict[str, str]) -> None:
    """Refuse the first field longer than its FIELD_LIMITS entry (before any other work)."""
    for name, value in fields.items():
        maximum = FIELD_LIMITS.get(name)
        if maximum is not None and len(value) > maximum:
            raise too_long(name, len(value), maximum)


def kind(value: Any) -> PostKind:
    try:
        return PostKind(value)
    except ValueError:
        allowed = ", ".join(PostKind.values)
        raise HubInputError(
            f"kind {value!r} is unknown; use one of {allowed}.", field="kind"
        ) from None


def minutes(value: Any, field: str = "minutes_saved") -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise HubInputError(f"{field} must be a whole number of minutes.", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise HubInputError(f"{field} must be a whole number of minutes.", field=field) from None
    if isinstance(value, float) and value != number:
        raise HubInputError(f"{field} must be a whole number of minutes.", field=field)
    if not 0 <= number <= MINUTES_MAX:
        raise HubInputError(
            f"{field} must be between 0 and {MINUTES_MAX} minutes per use.", field=field
        )
    return number


def tags(value: Any) -> list[str]:
    """Lower-case tags, without '#', de-duplicated in order; a comma-separated string works too."""
    if value is None or value == "":
        return []
    items: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        items = list(items)
    cleaned: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise HubInputError("tags must be a list of words.", field="tags")
        tag = item.strip().lstrip("#").lower().replace(" ", "-")
        if not tag:
            continue
        if len(tag) > TAG_MAX or not _TAG.match(tag):
            raise HubInputError(
                f"tag {item!r} is not usable: letters, digits, '-', '+', '#' or '.', "
                f"at most {TAG_MAX} characters.",
                field="tags",
            )
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise HubInputError(f"{len(cleaned)} tags; the limit is {TAGS_MAX}.", field="tags")
    return cleaned


def outcome(value: Any) -> TrialOutcome:
    try:
        return TrialOutcome(value)
    except ValueError:
        allowed = ", ".join(TrialOutcome.values)
        raise HubInputError(
            f"outcome {value!r} is unknown; use one of {allowed}.", field="outcome"
        ) from None


def stage(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(QuestionStage(int(value)))
    except (TypeError, ValueError):
        raise HubInputError(
            "question_stage must be 1, 2, 3 or 4.", field="question_stage"
        ) from None


def emoji(value: Any) -> str:
    if value not in REACTIONS:
        raise HubInputError(
            f"emoji {value!r} is not one of the reactions: {' '.join(REACTIONS)}.", field="emoji"
        )
    return str(value)
