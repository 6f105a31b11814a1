"""Reading the catalogue's fixed lists from what people type: a key or a label, any case,
spaces, dashes or underscores. An unknown data class is an error naming the choices; an unknown
use is `other`, kept as typed."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from peerwheel.catalog.errors import CatalogInputError
from peerwheel.catalog.models import ANY_USE, DataClass, ToolStatus, Use, Verdict

_SEPARATORS = re.compile(r"[\s_\-]+")


def _key(text: str) -> str:
    return _SEPARATORS.sub(" ", text.strip().casefold()).strip()


def _lookup(choices: list[tuple[str, str]], text: str) -> str | None:
    wanted = _key(text)
    for value, label in choices:
        if wanted in (_key(value), _key(label)):
            return value
    return None


def _names(choices: list[tuple[str, str]]) -> str:
    return ", ".join(value for value, _ in choices)


def data_class_of(text: str, *, field: str = "data_class") -> str:
    """The data class `text` names; CatalogInputError listing the classes otherwise."""
    found = _lookup(DataClass.choices, text)
    if found is None:
        what = f"{text.strip()!r} is not a data class" if text.strip() else "it is empty"
        raise CatalogInputError(f"{what}; write one of {_names(DataClass.choices)}", field=field)
    return found


def use_of(text: str, *, field: str = "use") -> tuple[str, str]:
    """(use, as typed): one of the fixed uses, else `other` with the text kept."""
    if not text.strip():
        raise CatalogInputError("say what you want to use the tool for", field=field)
    found = _lookup(Use.choices, text)
    if found is None or found == Use.OTHER:
        return Use.OTHER, " ".join(text.split())[:200]
    return found, ""


def rule_use_of(text: str, *, field: str = "use") -> str:
    """A rule's use: a fixed use or `any` (blank, "any" or "*" mean every use)."""
    if _key(text) in ("", "any", "*", "all", "any use"):
        return ANY_USE
    found = _lookup([c for c in Use.choices if c[0] != Use.OTHER], text)
    if found is None:
        raise CatalogInputError(
            f"{text.strip()!r} is not a use; write one of "
            f"{_names([c for c in Use.choices if c[0] != Use.OTHER])}, or any",
            field=field,
        )
    return found


def verdict_of(text: str, *, field: str = "verdict") -> str:
    aliases = {"yes with conditions": Verdict.CONDITIONS, "conditional": Verdict.CONDITIONS}
    found = _lookup(Verdict.choices, text) or aliases.get(_key(text))
    if found is None:
        raise CatalogInputError(
            f"{text.strip()!r} is not a verdict; write yes, conditions or no", field=field
        )
    return str(found)


def status_of(text: str, *, field: str = "status") -> str:
    found = _lookup(ToolStatus.choices, text)
    if found is None:
        raise CatalogInputError(
            f"{text.strip()!r} is not a tool status; write approved, pilot or not_approved",
            field=field,
        )
    return found


_URL = URLValidator(schemes=["https", "http"])


def url_of(text: str, *, field: str = "access_url") -> str:
    """An http(s) address, or blank."""
    text = text.strip()
    if not text:
        return ""
    try:
        _URL(text)
    except ValidationError:
        raise CatalogInputError(
            f"{text!r} is not a web address; write it as https://...", field=field
        ) from None
    return text
