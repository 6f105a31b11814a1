"""The responses frame: reading it from CSV and validating it against an instrument.

Format: one row per respondent; item columns `<construct>_<k>` (1–5); outcome columns
`heavy_user` and `agent_user` (0/1); the cluster column `team`; optional `training` (0/1 or
yes/no), `frequency` (the instrument's choice values) and controls `department` and `level`.
Other columns are ignored (and listed in the warnings).

Rows are named to the user by their label: the 1-based line of the file (header = line 1) when
the frame's index is named `line` (as `read_responses_csv` makes it) or unnamed (position + 2),
otherwise the index's own name and values (say `response_id`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from peerwheel.engine.study.checks import constant_predictor_problems, separation_problems
from peerwheel.engine.study.errors import SurveyDataError, SurveyProblem, format_rows
from peerwheel.engine.study.instrument import Instrument, QuestionKind
from peerwheel.engine.study.scoring import TRAINING_COLUMN, build_design, score_scales

DEFAULT_OUTCOMES = ("heavy_user", "agent_user")
CLUSTER_COLUMN = "team"
CONTROL_COLUMNS = ("department", "level")
FREQUENCY_COLUMN = "frequency"
OTHER_CATEGORY = "Other (small groups)"
DEFAULT_MIN_N = 30
DEFAULT_MIN_GROUP = 5
FEW_CLUSTERS = 20
_TRUE = {"1", "1.0", "yes", "y", "true", "t"}
_FALSE = {"0", "0.0", "no", "n", "false", "f"}


@dataclass(frozen=True, eq=False)
class ValidatedResponses:
    """Complete cases ready for analysis, with what was dropped and why."""

    instrument: Instrument
    data: pd.DataFrame
    item_columns: Mapping[str, tuple[str, ...]]
    outcomes: tuple[str, ...]
    controls: tuple[str, ...]
    has_training: bool
    cluster: str | None
    scores: pd.DataFrame
    design: pd.DataFrame
    n_before: int
    dropped_rows: tuple[int | str, ...]
    missing_by_column: Mapping[str, int]
    row_noun: str = "line"
    min_group: int = DEFAULT_MIN_GROUP
    warnings: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.data)

    @property
    def constructs(self) -> tuple[str, ...]:
        return tuple(self.item_columns)

    @property
    def groups(self) -> np.ndarray | None:
        """Integer team codes for cluster-robust errors, or None without a team column."""
        if self.cluster is None:
            return None
        return pd.factorize(self.data[self.cluster])[0]


def read_responses_csv(path: str | Path) -> pd.DataFrame:
    """Read a responses CSV as text, indexed by file line (`line`, header = 1).

    Cells are kept as text so that validation can name a bad cell; blank lines are skipped
    without shifting the line numbers.
    """
    try:
        df = pd.read_csv(
            path, dtype=str, skip_blank_lines=False, encoding="utf-8-sig", skipinitialspace=True
        )
    except FileNotFoundError:
        raise SurveyDataError(f"No such file: {path}.") from None
    except UnicodeDecodeError:
        raise SurveyDataError(
            "The file is not UTF-8 text: export it again as CSV UTF-8.", source=str(path)
        ) from None
    except pd.errors.EmptyDataError:
        raise SurveyDataError(
            "The file is empty: it needs a header line.", source=str(path)
        ) from None
    except pd.errors.ParserError as exc:
        raise SurveyDataError(f"Not a readable CSV file: {exc}", source=str(path)) from None
    df.index = pd.RangeIndex(2, len(df) + 2, name="line")
    return df.dropna(how="all")


def row_labels(df: pd.DataFrame) -> tuple[str, pd.Index]:
    """How to name rows to the user: (noun, labels)."""
    if df.index.name in (None, "line"):
        if df.index.name == "line":
            return "line", df.index
        return "line", pd.RangeIndex(2, len(df) + 2, name="line")
    return str(df.index.name), df.index


def validate_responses(
    df: pd.DataFrame,
    instrument: Instrument,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    min_n: int = DEFAULT_MIN_N,
    min_group: int = DEFAULT_MIN_GROUP,
) -> ValidatedResponses:
    """Check a responses frame and keep complete cases; every problem raises `SurveyDataError`."""
    noun, labels = row_labels(df)
    frame = df.copy()
    frame.index = labels
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.dropna(how="all")
    problems: list[SurveyProblem] = []
    warnings: list[str] = []

    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise SurveyDataError(
            [SurveyProblem(f"Column {c} appears twice: keep one.", column=c) for c in dupes]
        )

    item_columns = _item_columns(frame, instrument, problems, warnings)
    for outcome in outcomes:
        if outcome not in frame.columns:
            problems.append(
                SurveyProblem(
                    f"The responses have no {outcome} column. Add {outcome} as 0/1 "
                    f"(1 = one of the {instrument.outcome_label(outcome)}), or analyse only the "
                    "outcomes you have.",
                    column=outcome,
                )
            )

    scale = instrument.scale
    all_items = [col for cols in item_columns.values() for col in cols]
    parts: list[pd.DataFrame | pd.Series] = [
        _parse_likert(frame[all_items], scale.min, scale.max, noun, problems)
    ]
    binary = [o for o in outcomes if o in frame.columns]
    has_training = TRAINING_COLUMN in frame.columns
    if has_training:
        binary.append(TRAINING_COLUMN)
    parts += [_parse_binary(frame[col], col, noun, problems) for col in binary]
    if FREQUENCY_COLUMN in frame.columns:
        parts.append(_parse_choice(frame[FREQUENCY_COLUMN], instrument, noun, problems))
    cluster = CLUSTER_COLUMN if CLUSTER_COLUMN in frame.columns else None
    controls = tuple(c for c in CONTROL_COLUMNS if c in frame.columns)
    parts += [_text_or_missing(frame[col]) for col in (*([cluster] if cluster else []), *controls)]
    parsed = pd.concat(parts, axis=1)
    if problems:
        raise SurveyDataError(problems)

    known = set(parsed.columns)
    ignored = [c for c in frame.columns if c not in known]
    if ignored:
        warnings.append(f"Ignored columns: {', '.join(ignored)}.")
    if cluster is None:
        warnings.append(
            "No team column: standard errors are robust but not clustered by team, so they may "
            "be too small if people in a team answer alike."
        )

    # Listwise deletion over everything the models use (frequency is descriptive only).
    needed = [c for c in parsed.columns if c != FREQUENCY_COLUMN]
    missing = parsed[needed].isna()
    missing_by_column = {str(c): int(v) for c, v in missing.sum().items() if v > 0}
    incomplete = missing.any(axis=1)
    dropped = tuple(parsed.index[incomplete])
    data = parsed.loc[~incomplete].copy()
    n_before = len(parsed)
    if len(data) < min_n:
        worst = max(missing_by_column, key=lambda c: missing_by_column[c], default=None)
        detail = (
            f", {len(dropped)} dropped for missing answers, most often in {worst}" if worst else ""
        )
        raise SurveyDataError(
            [
                SurveyProblem(
                    f"Only {len(data)} respondents have complete answers ({n_before} rows"
                    f"{detail}); the analysis needs at least {min_n}. Collect more responses or "
                    "fill in the missing answers.",
                    column=worst,
                    rows=dropped,
                )
            ]
        )
    if dropped:
        share = len(dropped) / n_before
        msg = (
            f"{len(dropped)} of {n_before} respondents ({share:.0%}) were left out for missing "
            f"answers ({format_rows(dropped, noun)})."
        )
        if share > 0.2:
            msg += " Results may not represent everyone: check why so many answers are missing."
        warnings.append(msg)

    for col in controls:
        data[col] = _pool_small(data[col], col, min_group, warnings)
    if cluster is not None:
        n_teams = data[cluster].nunique()
        if n_teams < FEW_CLUSTERS:
            warnings.append(
                f"Only {n_teams} teams: standard errors clustered by team are unreliable below "
                f"about {FEW_CLUSTERS} teams, so read the confidence intervals as too narrow."
            )

    scores = score_scales(data, instrument, item_columns)
    categorical = (*((TRAINING_COLUMN,) if has_training else ()), *controls)
    problems += constant_predictor_problems(
        scores, data, item_columns=item_columns, categorical=categorical, row_noun=noun
    )
    if problems:
        raise SurveyDataError(problems)
    design = build_design(scores, data, controls=controls, training=has_training)
    for outcome in outcomes:
        problems += separation_problems(
            design,
            data[outcome],
            outcome=outcome,
            outcome_label=instrument.outcome_label(outcome),
            categorical=categorical,
            data=data,
            row_noun=noun,
        )
    if problems:
        raise SurveyDataError(problems)
    return ValidatedResponses(
        instrument=instrument,
        data=data,
        item_columns=item_columns,
        outcomes=tuple(outcomes),
        controls=controls,
        has_training=has_training,
        cluster=cluster,
        scores=scores,
        design=design,
        n_before=n_before,
        dropped_rows=dropped,
        missing_by_column=missing_by_column,
        row_noun=noun,
        min_group=min_group,
        warnings=tuple(warnings),
    )


def _item_columns(
    frame: pd.DataFrame,
    instrument: Instrument,
    problems: list[SurveyProblem],
    warnings: list[str],
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for c in instrument.constructs:
        expected = [i.key for i in c.items]
        present = tuple(k for k in expected if k in frame.columns)
        extra = [
            col
            for col in frame.columns
            if re.fullmatch(rf"{re.escape(c.key)}_\d+", col) and col not in expected
        ]
        if extra:
            warnings.append(
                f"Columns {', '.join(extra)} are not items of {c.key} in instrument "
                f"{instrument.id} v{instrument.version}; they were ignored. Add them to the "
                "instrument to use them."
            )
        if not present:
            problems.append(
                SurveyProblem(
                    f"The responses have no item columns for {c.key} (expected "
                    f"{', '.join(expected)}). Add them, or remove {c.key} from the instrument.",
                    column=c.key,
                )
            )
        elif len(present) == 1:
            problems.append(
                SurveyProblem(
                    f"Construct {c.key} has only one item column ({present[0]}); a scale needs "
                    f"at least two items to measure it reliably. Add the others "
                    f"({', '.join(k for k in expected if k not in present)}), or remove "
                    f"{c.key} from the instrument.",
                    column=present[0],
                )
            )
        else:
            if len(present) < len(expected):
                absent = ", ".join(k for k in expected if k not in present)
                warnings.append(f"{c.key} is scored without its missing items: {absent}.")
            out[c.key] = present
    return out


def _as_text(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = col.astype("string").str.strip()
    blank = (text.isna() | (text == "")).fillna(True).astype(bool)
    return text, blank


def _text_or_missing(col: pd.Series) -> pd.Series:
    text, blank = _as_text(col)
    return text.mask(blank)


def _parse_numbers(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers as float (NaN when blank) and a mask of cells holding text."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.astype(float), pd.Series(False, index=col.index)
    text, blank = _as_text(col)
    nums = pd.to_numeric(text.astype(object).where(~blank, None), errors="coerce").astype(float)
    return nums, (~blank) & nums.isna()


def _parse_likert(
    block: pd.DataFrame, low: int, high: int, noun: str, problems: list[SurveyProblem]
) -> pd.DataFrame:
    """All item columns at once: numbers where valid, NaN elsewhere, a problem per bad column."""
    values = np.empty(block.shape)
    is_text = np.zeros(block.shape, dtype=bool)
    for j, col in enumerate(block.columns):
        nums, text = _parse_numbers(block[col])
        values[:, j] = nums.to_numpy()
        is_text[:, j] = text.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
    for j in map(int, np.flatnonzero(is_text.any(axis=0) | bad.any(axis=0))):
        name = str(block.columns[j])
        if is_text[:, j].any():
            rows = tuple(block.index[is_text[:, j]])
            cells = block[name][is_text[:, j]].astype(str)
            examples = ", ".join(repr(v) for v in pd.unique(cells)[:3])
            problems.append(
                SurveyProblem(
                    f"Column {name} has text where a number from {low} to {high} is expected on "
                    f"{format_rows(rows, noun)} ({examples}). Recode the answers as {low}–{high}, "
                    "or leave the cell blank for a missing answer.",
                    column=name,
                    rows=rows,
                )
            )
        if bad[:, j].any():
            rows = tuple(block.index[bad[:, j]])
            examples = ", ".join(f"{v:g}" for v in pd.unique(values[bad[:, j], j])[:3])
            problems.append(
                SurveyProblem(
                    f"Column {name} has values outside the {low}–{high} scale on "
                    f"{format_rows(rows, noun)} ({examples}). Answers must be whole numbers from "
                    f"{low} to {high}: correct these cells, or blank them to leave those "
                    "respondents out.",
                    column=name,
                    rows=rows,
                )
            )
    values[is_text | bad] = np.nan
    return pd.DataFrame(values, index=block.index, columns=block.columns)


def _parse_binary(col: pd.Series, name: str, noun: str, problems: list[SurveyProblem]) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col):
        nums = col.astype(float)
        bad = nums.notna() & ~nums.isin((0.0, 1.0))
        shown: pd.Series = nums
    else:
        text, blank = _as_text(col)
        lowered = text.str.lower()
        ones = lowered.isin(_TRUE).fillna(False).astype(bool)
        zeros = lowered.isin(_FALSE).fillna(False).astype(bool)
        bad = ~blank & ~ones & ~zeros
        nums = pd.Series(np.nan, index=col.index)
        nums[ones] = 1.0
        nums[zeros] = 0.0
        shown = text
    if bad.any():
        rows = tuple(col.index[bad])
        examples = ", ".join(repr(str(v)) for v in pd.unique(shown[bad].astype(str))[:3])
        problems.append(
            SurveyProblem(
                f"Column {name} must be 0 or 1 (or no/yes), but {format_rows(rows, noun)} "
                f"hold {examples}. Correct these cells, or blank them to leave those "
                "respondents out.",
                column=name,
                rows=rows,
            )
        )
    return nums.where(~bad).rename(name)


def _parse_choice(
    col: pd.Series, instrument: Instrument, noun: str, problems: list[SurveyProblem]
) -> pd.Series:
    allowed: set[int] = set()
    for q in instrument.questions:
        if q.key == FREQUENCY_COLUMN and q.kind is QuestionKind.CHOICE:
            allowed = {ch.value for ch in q.choices}
    nums, is_text = _parse_numbers(col)
    bad = is_text | (nums.notna() & ~nums.isin(allowed)) if allowed else is_text
    if bad.any():
        rows = tuple(col.index[bad])
        choices = ", ".join(str(v) for v in sorted(allowed))
        problems.append(
            SurveyProblem(
                f"Column {FREQUENCY_COLUMN} must hold one of the answer codes {choices}, but "
                f"{format_rows(rows, noun)} do not. Recode them, or blank them.",
                column=FREQUENCY_COLUMN,
                rows=rows,
            )
        )
    return nums.where(~bad).rename(FREQUENCY_COLUMN)


def _pool_small(values: pd.Series, col: str, min_group: int, warnings: list[str]) -> pd.Series:
    """Pool values held by fewer than `min_group` people; if the pool is itself that small,
    fold it into the most common value."""
    counts = values.value_counts()
    small = sorted(str(v) for v in counts.index[counts < min_group])
    if not small:
        return values
    pooled = int(counts[counts < min_group].sum())
    target = OTHER_CATEGORY if pooled >= min_group else str(counts.index[0])
    warnings.append(
        f"{col}: {len(small)} value(s) with fewer than {min_group} respondents "
        f"({', '.join(small)}) were pooled into {target!r}."
    )
    return values.where(~values.isin(small), target)
