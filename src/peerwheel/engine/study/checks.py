"""Checks that stop a logit from giving a silently wrong number: constant predictors, separation.

Separation (some combination of predictors classifies an outcome perfectly) makes the maximum
likelihood estimate infinite; statsmodels then returns huge coefficients or a warning. We detect
it before fitting with the linear programme of Konis (2007): separation exists iff some b ≠ 0
has (2y−1)·x·b ≥ 0 for every respondent, with the sum strictly positive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from peerwheel.engine.study.errors import SurveyProblem
from peerwheel.engine.study.scoring import TRAINING_COLUMN

_LP_TOL = 1e-6


def constant_predictor_problems(
    scores: pd.DataFrame,
    data: pd.DataFrame,
    *,
    item_columns: Mapping[str, Sequence[str]],
    categorical: Sequence[str],
    row_noun: str,
) -> list[SurveyProblem]:
    """Scales and controls that do not vary. The messages do not say the shared value: that
    would state what every respondent answered."""
    problems: list[SurveyProblem] = []
    for construct in scores.columns:
        if scores[construct].nunique() <= 1:
            cols = ", ".join(item_columns[construct])
            problems.append(
                SurveyProblem(
                    f"The {construct} scale (columns {cols}) has the same score for every "
                    "respondent, so its effect cannot be estimated. Check that the answers were "
                    f"exported (not a default value), or remove {construct} from the instrument.",
                    column=construct,
                )
            )
    for col in categorical:
        if data[col].nunique() <= 1:
            problems.append(
                SurveyProblem(
                    f"Column {col} has the same value for every respondent, so it cannot be a "
                    "control: remove the column.",
                    column=col,
                )
            )
    return problems


def not_estimable(outcome: str, *, column: str | None = None, remedy: str = "") -> SurveyProblem:
    """The one message for an outcome the logit cannot estimate (constant, or perfectly
    predicted). It states no group's outcome: not which value, not which group or rows, not
    even which of those cases it is, since any of them would tell what the people in a group
    answered (or are, by usage data)."""
    return SurveyProblem(
        f"{outcome} cannot be estimated from these responses: it is constant, or some answers or "
        "controls predict it perfectly, which makes the logit's estimates infinite. "
        f"{remedy}Collect more responses, or analyse only the other outcomes.",
        column=column or outcome,
    )


def separation_problems(
    design: pd.DataFrame,
    y: pd.Series,
    *,
    outcome: str,
    outcome_label: str,
    categorical: Sequence[str],
    data: pd.DataFrame,
    row_noun: str,
) -> list[SurveyProblem]:
    """Problems for an outcome that is constant or perfectly predicted by the predictors.

    Every case gets the same message (`not_estimable`), naming at most the control column to
    merge or remove: the message of a live report must not tell a group's outcome.
    """
    values = y.to_numpy(dtype=float)
    if np.unique(values).size < 2:
        return [not_estimable(outcome, remedy=f"Check the export of {outcome}. ")]
    for col in categorical:
        if any(yy.nunique() == 1 for _, yy in y.groupby(data[col].astype(str), sort=True)):
            name = "training" if col == TRAINING_COLUMN else col
            return [
                not_estimable(
                    outcome,
                    column=col,
                    remedy=f"Merge similar {name} values or remove the {name} column. ",
                )
            ]
    if _single_column_separates(design, y) or _lp_separates(design, y):
        return [not_estimable(outcome)]
    return []


def _single_column_separates(design: pd.DataFrame, y: pd.Series) -> bool:
    """A threshold on one predictor that splits users from non-users (ties allowed)."""
    yy = y.to_numpy(dtype=float) == 1.0
    for col in design.columns:
        x = design[col].to_numpy(dtype=float)
        x0, x1 = x[~yy], x[yy]
        if x0.max() <= x1.min() or x1.max() <= x0.min():
            return True
    return False


def _lp_separates(design: pd.DataFrame, y: pd.Series) -> bool:
    x = np.column_stack([np.ones(len(design)), design.to_numpy(dtype=float)])
    sign = 2.0 * y.to_numpy(dtype=float) - 1.0
    a = sign[:, None] * x
    res = linprog(
        c=-a.sum(axis=0),
        A_ub=-a,
        b_ub=np.zeros(len(a)),
        bounds=[(-1.0, 1.0)] * x.shape[1],
        method="highs",
    )
    return bool(res.status == 0 and -res.fun > _LP_TOL * len(a))
