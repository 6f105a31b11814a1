"""`analyze`: validated responses in, a frozen `StudyReport` out (JSON-ready)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from peerwheel.engine.study.instrument import Instrument, load_instrument
from peerwheel.engine.study.logit import Effect, fit_outcome
from peerwheel.engine.study.mediation import (
    DEFAULT_EXPOSURE,
    DEFAULT_MEDIATOR,
    MediationResult,
    mediation_analysis,
)
from peerwheel.engine.study.narrative import (
    HIGH_VIF,
    BenchmarkComparison,
    compare_to_benchmark,
    effect_sentence,
    mediation_sentence,
    next_steps,
)
from peerwheel.engine.study.responses import (
    DEFAULT_MIN_GROUP,
    DEFAULT_MIN_N,
    DEFAULT_OUTCOMES,
    FREQUENCY_COLUMN,
    ValidatedResponses,
    validate_responses,
)
from peerwheel.engine.study.scoring import (
    TRAINING_COLUMN,
    cronbach_alpha,
    reverse_coded,
    variance_inflation,
)

DEFAULT_SEED = 42
ALPHA_THRESHOLD = 0.7
BOOTSTRAP_FAILURE_WARN = 0.01


@dataclass(frozen=True)
class ConstructSummary:
    key: str
    label: str
    n_items: int
    alpha: float
    mean: float
    sd: float


@dataclass(frozen=True)
class OutcomeSummary:
    outcome: str
    label: str
    n: int
    n_clusters: int | None
    rate: float
    cov_type: str
    converged: bool
    effects: tuple[Effect, ...]


@dataclass(frozen=True)
class BreakdownRow:
    """One group; `suppressed` groups (fewer than min_group, or needed to stop recovery of a
    suppressed one by subtraction) carry no numbers."""

    group: str
    n: int | None
    suppressed: bool
    rates: Mapping[str, float | None]
    means: Mapping[str, float | None]


@dataclass(frozen=True)
class Breakdown:
    by: str
    rows: tuple[BreakdownRow, ...]


@dataclass(frozen=True, eq=False)
class StudyReport:
    instrument_id: str
    instrument_version: str
    seed: int
    ci_level: float
    min_n: int
    min_group: int
    n_before: int
    n: int
    dropped_rows: tuple[int | str, ...]
    missing_by_column: Mapping[str, int]
    constructs: tuple[ConstructSummary, ...]
    outcomes: tuple[OutcomeSummary, ...]
    vif: Mapping[str, float]
    mediation: tuple[MediationResult, ...]
    benchmarks: tuple[BenchmarkComparison, ...]
    breakdowns: tuple[Breakdown, ...]
    sentences: tuple[str, ...]
    next_steps: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())
    descriptives: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def alpha(self) -> dict[str, float]:
        return {c.key: c.alpha for c in self.constructs}

    def effect(self, outcome: str, construct: str) -> Effect:
        for o in self.outcomes:
            for e in o.effects:
                if o.outcome == outcome and e.construct == construct:
                    return e
        raise KeyError((outcome, construct))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types; NaN and infinities become None. Effects are proportions."""
        out = {
            "instrument": {"id": self.instrument_id, "version": self.instrument_version},
            "seed": self.seed,
            "ci_level": self.ci_level,
            "min_n": self.min_n,
            "min_group": self.min_group,
            "n_before": self.n_before,
            "n": self.n,
            "dropped_rows": list(self.dropped_rows),
            "missing_by_column": dict(self.missing_by_column),
            "alpha": self.alpha,
            "constructs": {
                c.key: {
                    "label": c.label,
                    "n_items": c.n_items,
                    "alpha": c.alpha,
                    "mean": c.mean,
                    "sd": c.sd,
                }
                for c in self.constructs
            },
            "outcomes": {
                o.outcome: {
                    "label": o.label,
                    "n": o.n,
                    "n_clusters": o.n_clusters,
                    "rate": o.rate,
                    "cov_type": o.cov_type,
                    "converged": o.converged,
                    "effects": {
                        e.construct: {
                            "ame": e.ame,
                            "se": e.se,
                            "ci_low": e.ci_low,
                            "ci_high": e.ci_high,
                            "p": e.p,
                        }
                        for e in o.effects
                    },
                }
                for o in self.outcomes
            },
            "vif": dict(self.vif),
            "mediation": {
                m.outcome: {k: v for k, v in vars(m).items() if k != "outcome"}
                for m in self.mediation
            },
            "benchmarks": [{**vars(b), "verdict": b.verdict.value} for b in self.benchmarks],
            "breakdowns": {
                b.by: [
                    {
                        "group": r.group,
                        "n": r.n,
                        "suppressed": r.suppressed,
                        "rates": dict(r.rates),
                        "means": dict(r.means),
                    }
                    for r in b.rows
                ]
                for b in self.breakdowns
            },
            "descriptives": dict(self.descriptives),
            "sentences": list(self.sentences),
            "next_steps": list(self.next_steps),
            "warnings": list(self.warnings),
        }
        return _jsonable(out)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


def analyze(
    df: pd.DataFrame | ValidatedResponses,
    instrument: Instrument | None = None,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    min_n: int = DEFAULT_MIN_N,
    min_group: int = DEFAULT_MIN_GROUP,
    seed: int = DEFAULT_SEED,
    ci_level: float = 0.95,
    mediation: bool = True,
    n_boot: int = 1000,
    exposure: str = DEFAULT_EXPOSURE,
    mediator: str = DEFAULT_MEDIATOR,
    alpha_threshold: float = ALPHA_THRESHOLD,
) -> StudyReport:
    """Validate (unless given `ValidatedResponses`), fit, and describe the results.

    Without an instrument, the default shipped one (`load_instrument()`) is used.

    Raises `SurveyDataError` for data that cannot be analysed; everything else that a reader
    should know (low alpha, few teams, dropped rows) lands in `warnings`.
    """
    if isinstance(df, ValidatedResponses):
        v = df
    else:
        v = validate_responses(
            df,
            instrument or load_instrument(),
            outcomes=outcomes,
            min_n=min_n,
            min_group=min_group,
        )
    ins = v.instrument
    warnings = list(v.warnings)

    constructs = []
    alpha: dict[str, float] = {}
    for key, cols in v.item_columns.items():
        a = cronbach_alpha(reverse_coded(v.data[list(cols)], ins))
        alpha[key] = a
        if not a >= alpha_threshold:
            warnings.append(
                f"The {ins.construct_label(key)} scale has Cronbach's alpha {a:.2f}, below "
                f"{alpha_threshold:g}: its items may not measure one thing, and its effect is "
                "underestimated."
            )
        s = v.scores[key]
        constructs.append(
            ConstructSummary(
                key, ins.construct_label(key), len(cols), a, float(s.mean()), float(s.std())
            )
        )

    vif = variance_inflation(v.design)
    for key in v.constructs:
        if vif[key] > HIGH_VIF:
            warnings.append(
                f"{key} has a variance inflation factor of {vif[key]:.1f} (above {HIGH_VIF:g}): "
                "it overlaps strongly with the other predictors."
            )

    groups = v.groups
    summaries: list[OutcomeSummary] = []
    mediations: list[MediationResult] = []
    sentences = [_sample_sentence(v)]
    for outcome in v.outcomes:
        fit = fit_outcome(
            v.design,
            v.data[outcome],
            constructs=v.constructs,
            groups=groups,
            outcome=outcome,
            ci_level=ci_level,
        )
        if not fit.converged:
            warnings.append(f"The logit for {outcome} did not converge: treat it with caution.")
        summaries.append(
            OutcomeSummary(
                outcome,
                ins.outcome_label(outcome),
                fit.n,
                fit.n_clusters,
                fit.rate,
                fit.cov_type,
                fit.converged,
                fit.effects,
            )
        )
        sentences += [effect_sentence(e, ins, ci_level) for e in fit.effects]
        if mediation and exposure in v.constructs and mediator in v.constructs:
            m = mediation_analysis(
                v.design,
                v.data[outcome],
                groups=groups,
                exposure=exposure,
                mediator=mediator,
                outcome=outcome,
                n_boot=n_boot,
                seed=seed,
                ci_level=ci_level,
            )
            mediations.append(m)
            sentences.append(mediation_sentence(m, ins))
            if m.n_boot_failed > BOOTSTRAP_FAILURE_WARN * n_boot:
                warnings.append(
                    f"{m.n_boot_failed} of {n_boot} bootstrap fits for {outcome} failed to "
                    "converge and were left out of the mediation CI."
                )

    effects = [e for s in summaries for e in s.effects]
    return StudyReport(
        instrument_id=ins.id,
        instrument_version=ins.version,
        seed=seed,
        ci_level=ci_level,
        min_n=min_n,
        min_group=v.min_group,
        n_before=v.n_before,
        n=v.n,
        dropped_rows=v.dropped_rows,
        missing_by_column=dict(v.missing_by_column),
        constructs=tuple(constructs),
        outcomes=tuple(summaries),
        vif=vif,
        mediation=tuple(mediations),
        benchmarks=compare_to_benchmark(effects, ins, ci_level),
        breakdowns=tuple(breakdown(v, by) for by in v.controls),
        sentences=tuple(sentences),
        next_steps=next_steps(
            effects, mediations, alpha, vif, ins, n=v.n, alpha_threshold=alpha_threshold
        ),
        warnings=tuple(warnings),
        descriptives=_descriptives(v),
    )


def _descriptives(v: ValidatedResponses) -> dict[str, float | None]:
    """Outcome rates, share trained and mean self-reported frequency (where asked)."""
    out: dict[str, float | None] = {f"{o}_rate": float(v.data[o].mean()) for o in v.outcomes}
    if v.has_training:
        out["training_rate"] = float(v.data[TRAINING_COLUMN].mean())
        for o in v.outcomes:
            trained = v.data[TRAINING_COLUMN] == 1
            if trained.sum() >= v.min_group and (~trained).sum() >= v.min_group:
                out[f"{o}_rate_trained"] = float(v.data.loc[trained, o].mean())
                out[f"{o}_rate_untrained"] = float(v.data.loc[~trained, o].mean())
    if FREQUENCY_COLUMN in v.data.columns:
        freq = v.data[FREQUENCY_COLUMN].dropna()
        out["frequency_mean"] = float(freq.mean()) if len(freq) else None
    return out


def breakdown(v: ValidatedResponses, by: str) -> Breakdown:
    """Outcome rates and scale means per group, with small groups suppressed.

    A group below `min_group` is suppressed; if that leaves exactly one suppressed group, the
    next smallest is suppressed too, so that no suppressed group can be recovered from the total.
    """
    counts = v.data[by].value_counts()
    small = set(counts.index[counts < v.min_group])
    if len(small) == 1 and len(counts) > 1:
        rest = counts[~counts.index.isin(small)].sort_values(kind="stable")
        small.add(rest.index[0])
    rows = []
    for group, frame in v.data.groupby(by, sort=True):
        hidden = group in small
        rows.append(
            BreakdownRow(
                group=str(group),
                n=None if hidden else len(frame),
                suppressed=hidden,
                rates={o: None if hidden else float(frame[o].mean()) for o in v.outcomes},
                means={
                    c: None if hidden else float(v.scores.loc[frame.index, c].mean())
                    for c in v.constructs
                },
            )
        )
    return Breakdown(by=by, rows=tuple(rows))


def _sample_sentence(v: ValidatedResponses) -> str:
    teams = f" in {v.data[v.cluster].nunique()} teams" if v.cluster else ""
    dropped = len(v.dropped_rows)
    left = f" ({dropped} of {v.n_before} left out for missing answers)" if dropped else ""
    return f"Based on {v.n} respondents{teams}{left}."


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return str(value)
