"""The question-stage classifier: TF-IDF word and character n-grams, then logistic regression.

Word uni- and bigrams carry the phrasing ("get access", "build an agent", "best prompt"); character
n-grams inside word boundaries carry the typos ("acces", "licence"/"license", "copliot"). The
model is fitted from the shipped corpus (and the corrections people made) on first use, in a few
tenths of a second, and kept: nothing is downloaded or unpickled.

A correction is a question with the stage a person gave it. It replaces any corpus question with
the same text (compared case- and space-insensitively), the last correction of a text wins, and
it weighs `CORRECTION_WEIGHT` corpus questions, so one correction moves its own question and the
questions phrased like it.

BLAS and OpenMP run on one thread while fitting and predicting: the matrices are small and sparse,
and on a busy server extra threads only spin.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from peerwheel.engine.question_stages.corpus import SPLITS, CorpusRow, Stage, load_corpus

__all__ = [
    "CORRECTION_WEIGHT",
    "Correction",
    "Evaluation",
    "QuestionStageModel",
    "StagePrediction",
    "build_pipeline",
    "classify",
    "evaluate",
    "model_for",
    "train",
]

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
#: inverse regularisation strength, chosen by 5-fold cross-validation on the train split only
REGULARISATION_C = 10.0
CORRECTION_WEIGHT = 3.0
#: texts transformed at a time, so a 200,000-post backlog does not build one huge matrix
BATCH = 10_000

Correction = tuple[str, int]


class StagePrediction(NamedTuple):
    """A question's stage and the model's probability for it (0.25 to 1 with four stages)."""

    stage: Stage
    confidence: float


def build_pipeline() -> Pipeline:
    """The unfitted model: word and character TF-IDF side by side, then a multinomial logit."""
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=WORD_NGRAMS, sublinear_tf=True, strip_accents="unicode"
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=CHAR_NGRAMS,
                    sublinear_tf=True,
                    strip_accents="unicode",
                ),
            ),
        ]
    )
    logit = LogisticRegression(C=REGULARISATION_C, max_iter=2000)
    return Pipeline([("features", features), ("logit", logit)])


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _checked_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("classify takes a list of texts, not one string")
    checked = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {index} is {type(text).__name__}, not str")
        if not text.strip():
            raise ValueError(f"text {index} is blank: there is no question to classify")
        checked.append(text)
    return checked


def _checked_corrections(corrections: Iterable[Correction]) -> dict[str, tuple[str, Stage]]:
    """Corrections by normalised text, the last one of a text winning; bad ones named."""
    fixed: dict[str, tuple[str, Stage]] = {}
    for index, (text, stage) in enumerate(corrections):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"correction {index}: the question text is blank")
        try:
            checked = Stage(int(stage))
        except (TypeError, ValueError):
            raise ValueError(
                f"correction {index}: stage {stage!r} is not one of 1, 2, 3, 4"
            ) from None
        key = _key(text)
        fixed.pop(key, None)  # re-insert so the dict keeps the order of the last corrections
        fixed[key] = (text.strip(), checked)
    return fixed


@dataclass(frozen=True, eq=False)
class QuestionStageModel:
    """A fitted classifier and what it was fitted on."""

    pipeline: Pipeline
    corpus_questions: int
    corrections: int

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per stage (1 to 4)."""
        checked = _checked_texts(texts)
        if not checked:
            return np.zeros((0, len(Stage)))
        unique = list(dict.fromkeys(checked))
        with threadpool_limits(limits=1):
            parts = [
                self.pipeline.predict_proba(unique[start : start + BATCH])
                for start in range(0, len(unique), BATCH)
            ]
        by_text = np.vstack(parts)
        row_of = {text: row for row, text in enumerate(unique)}
        return by_text[[row_of[text] for text in checked]]

    def classify(self, texts: Sequence[str]) -> list[StagePrediction]:
        """The most probable stage of each text and its probability, in the texts' order.

        Each text is classified on its own: the answer for a text never depends on the others
        in the list. A blank text is an error naming its position.
        """
        probabilities = self.probabilities(texts)
        best = probabilities.argmax(axis=1)
        stages = self.pipeline.classes_[best]
        confidences = probabilities[np.arange(len(best)), best]
        return [
            StagePrediction(Stage(int(stage)), float(confidence))
            for stage, confidence in zip(stages, confidences, strict=True)
        ]


def train(
    corrections: Iterable[Correction] = (), *, splits: tuple[str, ...] = SPLITS
) -> QuestionStageModel:
    """Fit a model on the corpus's `splits` (both by default) and the corrections.

    The tests and the benchmark fit on `("train",)` and measure on the test split; the product
    fits on the whole corpus.
    """
    fixed = _checked_corrections(corrections)
    rows = [row for row in load_corpus(splits) if _key(row.text) not in fixed]
    texts = [row.text for row in rows] + [text for text, _ in fixed.values()]
    stages = [int(row.stage) for row in rows] + [int(stage) for _, stage in fixed.values()]
    weights = [1.0] * len(rows) + [CORRECTION_WEIGHT] * len(fixed)
    pipeline = build_pipeline()
    with threadpool_limits(limits=1):
        pipeline.fit(texts, stages, logit__sample_weight=np.asarray(weights))
    return QuestionStageModel(pipeline=pipeline, corpus_questions=len(rows), corrections=len(fixed))


@functools.lru_cache(maxsize=8)
def _cached(corrections: tuple[Correction, ...]) -> QuestionStageModel:
    return train(corrections)


def model_for(corrections: Iterable[Correction] = ()) -> QuestionStageModel:
    """The model fitted on the whole corpus and these corrections, fitted once and kept."""
    return _cached(tuple((text, int(stage)) for text, stage in corrections))


def classify(texts: Sequence[str], corrections: Iterable[Correction] = ()) -> list[StagePrediction]:
    """`[(stage, confidence), ...]` for the texts, from the cached model of these corrections."""
    return model_for(corrections).classify(texts)


@dataclass(frozen=True)
class Evaluation:
    """How a model does on labelled questions: macro-F1 and the confusion matrix.

    `confusion[i][j]` counts questions of stage i + 1 that the model put at stage j + 1.
    """

    macro_f1: float
    confusion: tuple[tuple[int, ...], ...]
    questions: int

    def table(self) -> str:
        """The confusion matrix as a Markdown table (rows: true stage; columns: predicted)."""
        stages = [int(stage) for stage in Stage]
        lines = [
            "| true \\ predicted | " + " | ".join(str(s) for s in stages) + " |",
            "| --- |" + " --- |" * len(stages),
        ]
        for stage, counts in zip(stages, self.confusion, strict=True):
            lines.append(f"| {stage} | " + " | ".join(str(c) for c in counts) + " |")
        return "\n".join(lines)


def evaluate(model: QuestionStageModel, rows: Sequence[CorpusRow]) -> Evaluation:
    """Score `model` on labelled rows (the held-out split, say)."""
    labels = [int(stage) for stage in Stage]
    truth = [int(row.stage) for row in rows]
    predicted = [int(p.stage) for p in model.classify([row.text for row in rows])]
    matrix = confusion_matrix(truth, predicted, labels=labels)
    score = f1_score(truth, predicted, labels=labels, average="macro")
    return Evaluation(
        macro_f1=float(score),
        confusion=tuple(tuple(int(c) for c in row) for row in matrix),
        questions=len(rows),
    )
