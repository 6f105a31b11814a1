"""@mentions in post and answer bodies: `@username` (a login's name) or `@employee-id`.

A mention is `@` at the start of the text or after a space or punctuation (so an email address
is not one), followed by the name. Code (fenced blocks and `inline` spans) is skipped: `@Override`
in a Java snippet mentions nobody. A name that matches no one is ignored.
"""

from __future__ import annotations

import re

from django.db.models import Q

from peerwheel.org.models import Person

MAX_MENTIONS = 20  # a body naming more people than this notifies the first 20
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)
_MENTION = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9][\w.+-]{0,119})")


def mentioned_names(text: str) -> list[str]:
    """The names mentioned in `text`, lower-case, in order, each once (trailing dots dropped)."""
    names: list[str] = []
    for match in _MENTION.finditer(_CODE.sub(" ", text or "")):
        name = match.group(1).rstrip(".").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_people(text: str) -> list[Person]:
    """The people `text` mentions by login name or employee id (one query; none: no query)."""
    names = mentioned_names(text)
    if not names:
        return []
    match = Q()
    for name in names:
        match |= Q(user__username__iexact=name) | Q(employee_id__iexact=name)
    return list(Person.objects.filter(match).order_by("pk"))
