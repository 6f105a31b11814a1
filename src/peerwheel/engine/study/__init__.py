"""The peer-influence study: instrument, responses, scales, logits, mediation, report.

The Django `study` app and the `peerwheel import survey` command call only what is exported here.
"""

from peerwheel.engine.study.errors import (
    InstrumentError,
    StudyError,
    SurveyDataError,
    SurveyProblem,
)
from peerwheel.engine.study.instrument import (
    Construct,
    Instrument,
    Item,
    LikertScale,
    Outcome,
    Question,
    QuestionKind,
    load_instrument,
)
from peerwheel.engine.study.logit import Effect, OutcomeFit, fit_outcome
from peerwheel.engine.study.mediation import MediationResult, mediation_analysis
from peerwheel.engine.study.narrative import BENCHMARKS, BenchmarkComparison, Verdict
from peerwheel.engine.study.plots import forest_plot_data, forest_plot_figure
from peerwheel.engine.study.report import (
    Breakdown,
    BreakdownRow,
    StudyReport,
    analyze,
    breakdown,
)
from peerwheel.engine.study.responses import (
    ValidatedResponses,
    read_responses_csv,
    validate_responses,
)
from peerwheel.engine.study.scoring import cronbach_alpha, score_scales, variance_inflation
from peerwheel.engine.study.synthetic import (
    SimulationSpec,
    TrueEffects,
    simulate_responses,
    true_effects,
)

__all__ = [
    "BENCHMARKS",
    "BenchmarkComparison",
    "Breakdown",
    "BreakdownRow",
    "Construct",
    "Effect",
    "Instrument",
    "InstrumentError",
    "Item",
    "LikertScale",
    "MediationResult",
    "Outcome",
    "OutcomeFit",
    "Question",
    "QuestionKind",
    "SimulationSpec",
    "StudyError",
    "StudyReport",
    "SurveyDataError",
    "SurveyProblem",
    "TrueEffects",
    "ValidatedResponses",
    "Verdict",
    "analyze",
    "breakdown",
    "cronbach_alpha",
    "fit_outcome",
    "forest_plot_data",
    "forest_plot_figure",
    "load_instrument",
    "mediation_analysis",
    "read_responses_csv",
    "score_scales",
    "simulate_responses",
    "true_effects",
    "validate_responses",
    "variance_inflation",
]
