"""What other apps read from the rollout program (docs/architecture.md: reads go through here).

Until a scope, champions or program actions are recorded these give the "nothing set" answers:
no scope (None: everyone is in scope), no champions, no actions, no one trained.
"""

from __future__ import annotations

from datetime import date


def scope_person_ids(*, on: date | None = None) -> set[int] | None:
    """People in the rollout scope on a day; None = no scope set (everyone is in scope)."""
    return None


def champion_person_ids(*, on: date | None = None) -> set[int]:
    """People who are active champions (accepted, not stepped down) on a day."""
    return set()


def program_actions(*, since: date, until: date) -> list[tuple[int | None, date]]:
    """(department id or None for organisation-wide, day) of every program push in [since, until].

    A cohort or promptathon start, a show-and-tell session, a stage move: organic demand's
    "before any push".
    """
    return []


def trained_person_ids() -> set[int]:
    """People recorded as trained (a cohort completed, a training import); empty if none."""
    return set()
