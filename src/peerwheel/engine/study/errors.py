"""Errors of the peer-influence study: each names the column, the rows and what to do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_MAX_ROWS_SHOWN = 10


class StudyError(Exception):
    """Base class of every error the study engine raises on purpose."""


class InstrumentError(StudyError):
    """An instrument definition (JSON or admin edit) that cannot be used."""


@dataclass(frozen=True)
class SurveyProblem:
    """One problem found in a responses frame.

    `rows` holds row labels as the user knows them: 1-based line numbers of the file (the header
    is line 1) unless the frame's index is named otherwise (for example `response_id`).
    """

    message: str
    column: str | None = None
    rows: tuple[int | str, ...] = ()


class SurveyDataError(StudyError):
    """A responses frame that cannot be analysed; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[SurveyProblem] | str, *, source: str | None = None):
        if isinstance(problems, str):
            problems = (SurveyProblem(problems),)
        self.problems: tuple[SurveyProblem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            text = head + self.problems[0].message
        else:
            lines = [f"{head}{len(self.problems)} problems in the survey responses:"]
            lines += [f"- {p.message}" for p in self.problems]
            text = "\n".join(lines)
        super().__init__(text)


def format_rows(labels: Iterable[int | str], noun: str = "line") -> str:
    """`line 4`, `lines 4, 9 and 12`, or the first ten and how many more."""
    shown = [str(label) for label in labels]
    if not shown:
        return f"no {noun}s"
    if len(shown) == 1:
        return f"{noun} {shown[0]}"
    more = len(shown) - _MAX_ROWS_SHOWN
    if more > 0:
        return f"{noun}s {', '.join(shown[:_MAX_ROWS_SHOWN])} and {more} more"
    return f"{noun}s {', '.join(shown[:-1])} and {shown[-1]}"
