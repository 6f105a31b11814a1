"""Scale scores, Cronbach's alpha, z-scores, the design matrix and variance inflation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from peerwheel.engine.study.instrument import Instrument

TRAINING_COLUMN = "training"


def score_scales(
    items: pd.DataFrame,
    instrument: Instrument,
    item_columns: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Scale score per construct: the mean of its items, reverse-coded items as (min+max) − x.

    `item_columns` limits each construct to the items present (default: all of the instrument's).
    A respondent with a missing item gets a missing score (analysis uses listwise deletion).
    """
    reverse = {i.key for i in instrument.items if i.reverse}
    scores: dict[str, pd.Series] = {}
    for construct in instrument.constructs:
        cols = (
            list(item_columns[construct.key])
            if item_columns is not None
            else [i.key for i in construct.items]
        )
        if not cols:
            continue
        block = items[cols].astype(float)
        flip = [c for c in cols if c in reverse]
        block[flip] = instrument.scale.min + instrument.scale.max - block[flip]
        scores[construct.key] = block.mean(axis=1, skipna=False)
    return pd.DataFrame(scores, index=items.index)


def reverse_coded(items: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """The items with reverse-coded ones flipped, so that every item points the same way."""
    out = items.astype(float)
    flip = [i.key for i in instrument.items if i.reverse and i.key in out.columns]
    out[flip] = instrument.scale.min + instrument.scale.max - out[flip]
    return out


def cronbach_alpha(items: pd.DataFrame | np.ndarray) -> float:
    """Cronbach's alpha, k/(k−1)·(1 − Σ var(item) / var(total)), sample variances (ddof=1).

    Pass items already reverse-coded; rows with a missing item are left out. NaN when the
    total has no variance or there are fewer than two items or two rows.
    """
    x = np.asarray(items, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return float("nan")
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total_var))


def standardise(frame: pd.DataFrame) -> pd.DataFrame:
    """z-scores with the sample standard deviation (ddof=1)."""
    return (frame - frame.mean()) / frame.std(ddof=1)


def build_design(
    scores: pd.DataFrame,
    data: pd.DataFrame,
    *,
    controls: Sequence[str] = (),
    training: bool = False,
) -> pd.DataFrame:
    """Predictors of the logit, without the intercept.

    z-scored construct scores (so a coefficient is per SD), then the training flag (0/1), then
    one dummy per category of each control after the first, named `<control>=<category>`.
    """
    parts = [standardise(scores)]
    if training:
        parts.append(data[[TRAINING_COLUMN]].astype(float))
    for col in controls:
        levels = sorted(data[col].astype(str).unique())
        dummies = {
            f"{col}={level}": (data[col].astype(str) == level).astype(float) for level in levels[1:]
        }
        parts.append(pd.DataFrame(dummies, index=data.index))
    return pd.concat(parts, axis=1)


def variance_inflation(design: pd.DataFrame) -> dict[str, float]:
    """VIF of each column, 1/(1 − R²) of its regression on the others (with an intercept).

    Computed as the diagonal of the inverse correlation matrix, which is the same number.
    """
    x = design.to_numpy(dtype=float)
    corr = np.corrcoef(x, rowvar=False)
    corr = np.atleast_2d(corr)
    try:
        inv = np.linalg.inv(corr)
        diag = np.diag(inv)
    except np.linalg.LinAlgError:
        diag = np.full(x.shape[1], np.inf)
    return {col: float(v) for col, v in zip(design.columns, diag, strict=True)}
