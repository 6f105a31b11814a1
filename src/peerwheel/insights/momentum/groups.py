"""Groups for the momentum measures and the dashboard's filter: departments and sites of the
current people, which of them may be shown (the minimum group with complementary suppression,
`engine/privacy.py`, on headcounts), and rows that hide a suppressed group's values.

Each breakdown is one partition of the organisation, shown alone: the dashboard filters by a
department or by a site, never by both (a cross-tabulation could be differenced).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings

from peerwheel.engine.privacy import suppressed_groups
from peerwheel.insights.momentum.data import MomentumData, PersonRow

BREAKDOWNS = ("department", "site")


class GroupNotShownError(ValueError):
    """A filter asked for a group that does not exist or is too small to be shown."""


@dataclass(frozen=True)
class GroupFilter:
    """People of one department or one site (`by`), or everyone (`by` None)."""

    by: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return "the organisation" if self.by is None else self.name

    @property
    def key(self) -> str:
        return "" if self.by is None else f"{self.by}:{self.name}"

    @classmethod
    def parse(cls, text: str | None) -> GroupFilter:
        """`department:Engineering`, `site:London` or empty (everyone)."""
        if not text:
            return cls()
        by, _, name = text.partition(":")
        if by not in BREAKDOWNS or not name:
            raise GroupNotShownError(
                f"group {text!r}: write department:NAME or site:NAME, e.g. department:Legal"
            )
        return cls(by, name)


def group_of(person: PersonRow, by: str) -> str:
    return person.department if by == "department" else person.site


def partition(people: Mapping[int, PersonRow], by: str) -> dict[str, set[int]]:
    """Group name → its current people."""
    groups: dict[str, set[int]] = {}
    for pk, person in people.items():
        groups.setdefault(group_of(person, by), set()).add(pk)
    return groups


def hidden_groups(sizes: Mapping[str, int]) -> dict[str, bool]:
    """Group → hidden, by `engine.privacy.suppressed_groups` on the given sizes."""
    names = sorted(sizes)
    hide = suppressed_groups(
        np.array([sizes[n] for n in names], dtype=np.int64),
        min_group=settings.PEERWHEEL_MIN_GROUP,
    )
    return dict(zip(names, hide.tolist(), strict=True))


def shown_groups(data: MomentumData) -> dict[str, list[str]]:
    """The departments and sites the dashboard may filter by (headcount suppression)."""
    out = {}
    for by in BREAKDOWNS:
        sizes = {name: len(members) for name, members in partition(data.people, by).items()}
        out[by] = sorted(name for name, hidden in hidden_groups(sizes).items() if not hidden)
    return out


def members_of(data: MomentumData, group: GroupFilter) -> set[int]:
    """The people of `group`; GroupNotShownError when it is unknown or hidden."""
    if group.by is None:
        return set(data.people)
    if group.name not in shown_groups(data)[group.by]:
        raise GroupNotShownError(
            f"{group.by} {group.name!r}: no such {group.by}, or fewer than "
            f"{settings.PEERWHEEL_MIN_GROUP} people (or hidden with one that is), so it is not "
            "shown on its own"
        )
    return partition(data.people, group.by)[group.name]


def group_rows(
    by: str,
    sizes: Mapping[str, int],
    values: Mapping[str, Mapping[str, Any]],
    *,
    names: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per group: `{by: name, "people": size, **values, "suppressed": False}`, or for a
    hidden group `{by: name, "people": None, <each value>: None, "suppressed": True}`. Sizes
    decide what is hidden (complementary suppression among the groups listed)."""
    hide = hidden_groups(sizes)
    keys = sorted({k for v in values.values() for k in v})
    rows = []
    for name in sorted(names if names is not None else sizes):
        if hide.get(name, True):
            rows.append({by: name, "people": None, **dict.fromkeys(keys), "suppressed": True})
        else:
            own = values.get(name, {})
            rows.append(
                {
                    by: name,
                    "people": sizes[name],
                    **{k: own.get(k) for k in keys},
                    "suppressed": False,
                }
            )
    return rows
