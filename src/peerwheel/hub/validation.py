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
        raise HubInputError(
            f"{field} is {len(value):,} characters long; the limit is {maximum:,}.", field=field
        )
    return value


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
