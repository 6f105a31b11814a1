"""Question stages: how far a question has come, from "What is this?" to "How do I build Y
that nobody has tried?".

    >>> from peerwheel.engine.question_stages import classify
    >>> classify(["how do i get acces to copilot"])
    [StagePrediction(stage=<Stage.GET_ACCESS: 2>, confidence=0.9...)]

`corpus.py` holds the stages and the shipped labelled corpus; `model.py` the classifier (TF-IDF
word and character n-grams + logistic regression), fitted on first use and cached per list of
corrections. docs/metrics.md, "Question stages".
"""

from peerwheel.engine.question_stages.corpus import (
    STAGE_QUESTIONS,
    CorpusRow,
    Stage,
    load_corpus,
)
from peerwheel.engine.question_stages.model import (
    CORRECTION_WEIGHT,
    Correction,
    Evaluation,
    QuestionStageModel,
    StagePrediction,
    build_pipeline,
    classify,
    evaluate,
    model_for,
    train,
)

__all__ = [
    "CORRECTION_WEIGHT",
    "STAGE_QUESTIONS",
    "CorpusRow",
    "Correction",
    "Evaluation",
    "QuestionStageModel",
    "Stage",
    "StagePrediction",
    "build_pipeline",
    "classify",
    "evaluate",
    "load_corpus",
    "model_for",
    "train",
]
