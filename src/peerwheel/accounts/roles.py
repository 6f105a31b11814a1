"""The five roles, as Django groups, and the capabilities each one has.

A capability is a Django permission in the `accounts` app (codename below); each role's group
holds exactly the capabilities of its row. `permissions.py` is the one place that asks.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    CHAMPION = "champion"
    LEAD = "lead"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def group_name(self) -> str:
        return self.value.capitalize()


class Capability(StrEnum):
    """What a role may do, stored as a permission codename on `accounts.Capability`."""

    USE_HUB = "use_hub"
    ANSWER_QUESTIONS = "answer_questions"
    RUN_SHOW_AND_TELL = "run_show_and_tell"
    VIEW_AGGREGATES = "view_aggregates"
    MANAGE_PROGRAM = "manage_program"
    RUN_STUDY = "run_study"
    READ_STUDY_REPORTS = "read_study_reports"  # a closed wave's report, read only
    RUN_SIMULATIONS = "run_simulations"
    IMPORT_DATA = "import_data"
    MANAGE_PEOPLE = "manage_people"
    MODERATE = "moderate"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.MEMBER: frozenset({Capability.USE_HUB}),
    Role.CHAMPION: frozenset(
        {Capability.USE_HUB, Capability.ANSWER_QUESTIONS, Capability.RUN_SHOW_AND_TELL}
    ),
    Role.LEAD: frozenset(
        {
            Capability.USE_HUB,
            Capability.ANSWER_QUESTIONS,
            Capability.RUN_SHOW_AND_TELL,
            Capability.VIEW_AGGREGATES,
            Capability.MANAGE_PROGRAM,
            Capability.RUN_SIMULATIONS,
            Capability.READ_STUDY_REPORTS,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Capability.USE_HUB,
            Capability.VIEW_AGGREGATES,
            Capability.RUN_STUDY,
            Capability.READ_STUDY_REPORTS,
            Capability.RUN_SIMULATIONS,
        }
    ),
    Role.ADMIN: frozenset(Capability),
}
