"""Reading and validating survey responses: every bad input gets a clear, located message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.study import (
    SurveyDataError,
    SurveyProblem,
    load_instrument,
    read_responses_csv,
    score_scales,
    simulate_responses,
    validate_responses,
)
from peerwheel.engine.study.responses import OTHER_CATEGORY

INSTRUMENT = load_instrument()


def _csv(tmp_path: Path, df: pd.DataFrame) -> pd.DataFrame:
    path = tmp_path / "responses.csv"
    df.to_csv(path, index=False)
    return read_responses_csv(path)


def _problem(exc: pytest.ExceptionInfo[SurveyDataError], column: str) -> SurveyProblem:
    matches = [p for p in exc.value.problems if p.column == column]
    assert matches, f"no problem about {column}: {exc.value}"
    return matches[0]


@pytest.fixture
def responses() -> pd.DataFrame:
    return simulate_responses(120, seed=12, n_teams=24)


def test_a_clean_file_validates_with_line_numbers_as_row_labels(
    tmp_path: Path, responses: pd.DataFrame
) -> None:
    v = validate_responses(_csv(tmp_path, responses), INSTRUMENT)
    assert v.n == v.n_before == 120
    assert v.data.index[0] == 2 and v.data.index[-1] == 121
    assert v.constructs == INSTRUMENT.construct_keys
    assert list(v.design.columns[:5]) == list(INSTRUMENT.construct_keys)
    assert v.design["peer_influence"].std() == pytest.approx(1.0)


def test_blank_lines_do_not_shift_line_numbers(tmp_path: Path, responses: pd.DataFrame) -> None:
    text = responses.head(40).to_csv(index=False).splitlines()
    text.insert(3, "")  # a blank line 4: data rows after it start at line 5
    text[6] = text[6].replace(",", ",", 3)
    path = tmp_path / "gappy.csv"
    path.write_text("\ufeff" + "\n".join(text) + "\n", encoding="utf-8")
    df = read_responses_csv(path)
    assert len(df) == 40
    assert list(df.index[:4]) == [2, 3, 5, 6]
    df.loc[6, "peer_influence_3"] = "9"
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(df, INSTRUMENT)
    assert _problem(exc, "peer_influence_3").rows == (6,)


def test_items_out_of_range_name_the_column_the_lines_and_the_values(
    tmp_path: Path, responses: pd.DataFrame
) -> None:
    responses.loc[[3, 7], "peer_influence_2"] = [7, 0]
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(_csv(tmp_path, responses), INSTRUMENT)
    problem = _problem(exc, "peer_influence_2")
    assert problem.rows == (5, 9)
    assert "outside the 1–5 scale on lines 5 and 9 (7, 0)" in problem.message
    assert "whole numbers from 1 to 5" in str(exc.value)


def test_text_in_a_numeric_column_is_named_with_examples(
    tmp_path: Path, responses: pd.DataFrame
) -> None:
    responses["fear_behind_3"] = responses["fear_behind_3"].astype(object)
    responses.loc[[0, 10, 11], "fear_behind_3"] = ["agree", "agree", "3 or 4"]
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(_csv(tmp_path, responses), INSTRUMENT)
    problem = _problem(exc, "fear_behind_3")
    assert problem.rows == (2, 12, 13)
    assert "text where a number from 1 to 5 is expected" in problem.message
    assert "'agree', '3 or 4'" in problem.message


def test_an_outcome_that_is_not_zero_or_one_is_refused(responses: pd.DataFrame) -> None:
    responses.loc[4, "agent_user"] = 2
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(responses, INSTRUMENT)
    problem = _problem(exc, "agent_user")
    assert problem.rows == (6,)
    assert "must be 0 or 1" in problem.message


def test_a_missing_outcome_column_says_what_to_add(responses: pd.DataFrame) -> None:
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(responses.drop(columns="agent_user"), INSTRUMENT)
    assert "no agent_user column" in _problem(exc, "agent_user").message
    # Analysing only the outcome that is there works.
    v = validate_responses(
        responses.drop(columns="agent_user"), INSTRUMENT, outcomes=("heavy_user",)
    )
    assert v.outcomes == ("heavy_user",)


def test_a_construct_with_only_one_item_column_is_refused(responses: pd.DataFrame) -> None:
    df = responses.drop(columns=["psych_safety_2", "psych_safety_3", "psych_safety_4"])
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(df, INSTRUMENT)
    message = _problem(exc, "psych_safety_1").message
    assert "psych_safety has only one item column (psych_safety_1)" in message
    assert "psych_safety_2, psych_safety_3, psych_safety_4" in message


def test_fewer_respondents_than_the_minimum_is_refused(responses: pd.DataFrame) -> None:
    with pytest.raises(SurveyDataError, match=r"Only 25 respondents .* at least 30"):
        validate_responses(responses.head(25), INSTRUMENT)


def test_missing_answers_are_dropped_listwise_and_reported(responses: pd.DataFrame) -> None:
    df = responses.astype({"leader_mandate_2": float, "team": object})
    df.loc[[1, 2, 3], "leader_mandate_2"] = np.nan
    df.loc[5, "team"] = None
    v = validate_responses(df, INSTRUMENT)
    assert (v.n_before, v.n) == (120, 116)
    assert v.dropped_rows == (3, 4, 5, 7)
    assert v.missing_by_column == {"leader_mandate_2": 3, "team": 1}
    assert any("4 of 120 respondents (3%) were left out" in w for w in v.warnings)
    # ... and when the deletion leaves too few, the message says where the gaps are.
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(df, INSTRUMENT, min_n=118)
    assert "Only 116 respondents have complete answers (120 rows, 4 dropped" in str(exc.value)
    assert "most often in leader_mandate_2" in str(exc.value)


def test_a_constant_scale_is_refused_naming_its_columns(responses: pd.DataFrame) -> None:
    for k in (1, 2, 3):
        responses[f"psych_safety_{k}"] = 3
    responses["psych_safety_4"] = 3  # reverse-coded: 6 − 3 = 3 as well
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(responses, INSTRUMENT)
    message = _problem(exc, "psych_safety").message
    assert "psych_safety_1, psych_safety_2, psych_safety_3, psych_safety_4" in message
    assert "same score for every respondent" in message
    assert "(3)" not in message and "lines" not in message  # no shared answer, no rows


def test_a_constant_control_is_refused(responses: pd.DataFrame) -> None:
    responses["level"] = "Manager"
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(responses, INSTRUMENT)
    assert "remove the column" in _problem(exc, "level").message


def test_perfect_separation_by_a_department_names_it_and_its_rows(
    responses: pd.DataFrame,
) -> None:
    sales = responses["department"] == "Sales"
    responses.loc[sales, "heavy_user"] = 1
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(responses, INSTRUMENT, outcomes=("heavy_user",))
    problem = _problem(exc, "department")
    # The message names the control to merge, never the group or its outcome.
    assert problem.rows == ()
    assert "heavy_user cannot be estimated" in problem.message
    assert "Sales" not in problem.message and str(sales.sum()) not in problem.message


def test_perfect_separation_by_a_scale_is_detected_before_fitting(
    responses: pd.DataFrame,
) -> None:
    peer = score_scales(responses, INSTRUMENT)["peer_influence"]
    responses["agent_user"] = (peer > peer.median()).astype(int)
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(responses, INSTRUMENT)
    problem = _problem(exc, "agent_user")
    assert "agent_user cannot be estimated" in problem.message
    assert problem.rows == ()


def test_an_outcome_nobody_has_is_refused(responses: pd.DataFrame) -> None:
    responses["agent_user"] = 0
    with pytest.raises(SurveyDataError, match="agent_user cannot be estimated") as exc:
        validate_responses(responses, INSTRUMENT)
    assert " 0 " not in str(exc.value) and "120" not in str(exc.value)


def test_text_answers_yes_no_and_small_groups_are_handled(responses: pd.DataFrame) -> None:
    df = responses.astype({"training": object, "level": object})
    df["training"] = np.where(responses["training"] == 1, "Yes", "no")
    df.loc[0:2, "level"] = "Intern"  # lines 2-4
    df.loc[3:20, "level"] = "Director"  # 18 people: a group of its own
    df.loc[21:22, "level"] = "Board"  # lines 23-24
    v = validate_responses(df, INSTRUMENT)
    assert v.data["training"].sum() == responses["training"].sum()
    assert (v.data.loc[[2, 3, 4, 23, 24], "level"] == OTHER_CATEGORY).all()
    assert (v.data.loc[5:22, "level"] == "Director").all()
    assert any("(Board, Intern) were pooled into 'Other" in w for w in v.warnings)


def test_a_pool_too_small_to_stand_alone_joins_the_most_common_value(
    responses: pd.DataFrame,
) -> None:
    df = responses.astype({"level": object})
    df.loc[:2, "level"] = "Intern"
    v = validate_responses(df, INSTRUMENT)
    assert (v.data.loc[2:4, "level"] == "Individual contributor").all()
    assert any("(Intern) were pooled into 'Individual contributor'" in w for w in v.warnings)


def test_rows_are_named_by_the_index_when_it_has_a_name(responses: pd.DataFrame) -> None:
    df = responses.set_index(pd.Index(range(1001, 1121), name="response_id"))
    df.loc[1005, "psych_safety_1"] = 6
    with pytest.raises(SurveyDataError) as exc:
        validate_responses(df, INSTRUMENT)
    assert "on response_id 1005 (6)" in _problem(exc, "psych_safety_1").message


def test_unreadable_files_get_a_message_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(SurveyDataError, match="No such file"):
        read_responses_csv(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SurveyDataError, match="empty"):
        read_responses_csv(empty)
