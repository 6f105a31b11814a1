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

from peerwheel.engine.study.errors import SurveyProblem, format_rows
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
    problems: list[SurveyProblem] = []
    rows = tuple(data.index)
    where = format_rows(rows, row_noun)
    for construct in scores.columns:
        values = scores[construct]
        if values.nunique() <= 1:
            cols = ", ".join(item_columns[construct])
            problems.append(
                SurveyProblem(
                    f"The {construct} scale (columns {cols}) has the same score "
                    f"({values.iloc[0]:g}) for every respondent ({where}), so its effect cannot "
                    "be estimated. Check that the answers were exported (not a default value), "
                    f"or remove {construct} from the instrument.",
                    column=construct,
                    rows=rows,
                )
            )
    for col in categorical:
        if data[col].nunique() <= 1:
            problems.append(
                SurveyProblem(
                    f"Column {col} has the same value ({data[col].iloc[0]!s}) for every "
                    f"respondent ({where}), so it cannot be a control: remove the column.",
                    column=col,
                    rows=rows,
                )
            )
    return problems


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
    """Problems for an outcome that is constant or perfectly predicted by the predictors."""
    values = y.to_numpy(dtype=float)
    if np.unique(values).size < 2:
        v = int(values[0])
        return [
            SurveyProblem(
                f"{outcome} is {v} for every one of the {values.size} respondents, so nothing "
                f"can explain who is one of the {outcome_label}. Check the export of {outcome}, "
                "or analyse only the other outcomes.",
                column=outcome,
                rows=tuple(y.index),
            )
        ]
    problems = _category_separation(y, outcome, outcome_label, categorical, data, row_noun)
    if problems:
        return problems
    return _lp_separation(design, y, outcome, outcome_label, row_noun)


def _category_separation(
    y: pd.Series,
    outcome: str,
    outcome_label: str,
    categorical: Sequence[str],
    data: pd.DataFrame,
    row_noun: str,
) -> list[SurveyProblem]:
    problems: list[SurveyProblem] = []
    for col in categorical:
        for level, yy in y.groupby(data[col].astype(str), sort=True):
            if yy.nunique() == 1:
                v = int(yy.iloc[0])
                who = f"are {outcome_label}" if v == 1 else f"are not {outcome_label}"
                name = f"{col} = {level}" if col != TRAINING_COLUMN else f"training = {level}"
                problems.append(
                    SurveyProblem(
                        f"{outcome} is perfectly predicted by {name}: all {yy.size} respondents "
                        f"in it ({format_rows(tuple(yy.index), row_noun)}) {who}, which makes "
                        f"the logit's estimates infinite. Merge {level!s} with a similar "
                        f"{col} value, remove the {col} column, or collect more responses.",
                        column=col,
                        rows=tuple(yy.index),
                    )
                )
    return problems


def _single_column_separation(
    design: pd.DataFrame, y: pd.Series, outcome: str, outcome_label: str, row_noun: str
) -> list[SurveyProblem]:
    """A threshold on one predictor that splits users from non-users (ties allowed)."""
    yy = y.to_numpy(dtype=float) == 1.0
    for col in design.columns:
        x = design[col].to_numpy(dtype=float)
        x0, x1 = x[~yy], x[yy]
        if x0.max() <= x1.min():
            strict = (~yy & (x < x1.min())) | (yy & (x > x0.max()))
        elif x1.max() <= x0.min():
            strict = (~yy & (x > x1.max())) | (yy & (x < x0.min()))
        else:
            continue
        rows = tuple(y.index[strict])
        return [
            SurveyProblem(
                f"{outcome} is perfectly separated by {col}: a threshold on it tells exactly "
                f"who is one of the {outcome_label} for {format_rows(rows, row_noun)}, which "
                f"makes the logit's estimates infinite. Check that {outcome} was not derived "
                f"from the {col} answers, collect more responses, or remove {col}.",
                column=outcome,
                rows=rows,
            )
        ]
    return []


def _lp_separation(
    design: pd.DataFrame, y: pd.Series, outcome: str, outcome_label: str, row_noun: str
) -> list[SurveyProblem]:
    single = _single_column_separation(design, y, outcome, outcome_label, row_noun)
    if single:
        return single
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
    if res.status != 0 or -res.fun <= _LP_TOL * len(a):
        return []
    b = res.x
    margin = a @ b
    rows = tuple(y.index[margin > _LP_TOL])
    cols = [c for c, v in zip(design.columns, b[1:], strict=True) if abs(v) > _LP_TOL]
    names = ", ".join(cols[:-1]) + " and " + cols[-1] if len(cols) > 1 else "".join(cols)
    return [
        SurveyProblem(
            f"{outcome} is perfectly separated by {names}: a threshold on these predictors "
            f"tells exactly who is one of the {outcome_label} for "
            f"{format_rows(rows, row_noun)}, which makes the logit's estimates infinite. "
            "Collect more responses, or remove one of these predictors.",
            column=outcome,
            rows=rows,
        )
    ]
