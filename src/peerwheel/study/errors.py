"""Errors of the study app, each saying what to do."""

from __future__ import annotations

from peerwheel.engine.study import SurveyProblem


class StudyActionError(Exception):
    """A wave or instrument action that cannot be done now (with the reason, for the user)."""


class SurveyClosedError(StudyActionError):
    """The wave is not open: answers can no longer be given or changed."""


BOUND_ELSEWHERE = (
    "Answers to this survey were given for your person under another login: they cannot be "
    "shown or changed from this one."
)


class AnswersBoundElsewhereError(StudyActionError):
    """The person's answers were given under another login (the person was re-linked)."""


class AnswerError(ValueError):
    """Answers that do not fit the wave's instrument; `fields` maps field key to message."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))


def describe_problem(problem: SurveyProblem) -> str:
    """The engine's message, prefixed with the column when the message does not name it."""
    if problem.column and problem.column not in problem.message:
        return f"[{problem.column}] {problem.message}"
    return problem.message
