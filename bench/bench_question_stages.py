"""Classify 10,000 questions: peerwheel `classify` vs a plain `pipeline.predict` of the same model.

    PYTHONPATH=src .venv/bin/python bench/bench_question_stages.py [--questions 10000] [--seed 42]

Fits the product model (whole corpus) and times the fit; builds --questions distinct questions by
roughening corpus questions (a typo, a greeting, a trailing "thanks", upper or lower case: seed
42); then, in the same run, best of --repeat (taking turns):
  peerwheel:  model.classify(texts) -> [(stage, confidence)] (probabilities, one BLAS thread)
  peer:       model.pipeline.predict(texts), scikit-learn's own call on the same fitted pipeline
and prints both, the ratio and whether the stages agree. Last, fits on the train split only and
prints the held-out macro-F1 and confusion matrix (the figures of bench/README.md).
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import numpy as np
import sklearn

from peerwheel.engine.question_stages import evaluate, load_corpus, train

GREETINGS = ("", "", "", "hi all ", "quick q: ", "hey team, ", "sorry if this is dumb but ")
ENDINGS = ("", "", "", " thanks", "?", " pls", " :)", " cheers")


def roughened(count: int, seed: int) -> list[str]:
    """`count` distinct questions made from the corpus the way people retype them."""
    rng = np.random.default_rng(seed)
    corpus = [row.text for row in load_corpus()]
    seen: set[str] = set()
    questions: list[str] = []
    while len(questions) < count:
        text = corpus[rng.integers(len(corpus))]
        if len(text) > 3 and rng.random() < 0.5:  # swap two neighbouring letters
            i = int(rng.integers(len(text) - 1))
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        text = GREETINGS[rng.integers(len(GREETINGS))] + text
        text += ENDINGS[rng.integers(len(ENDINGS))]
        text = text.lower() if rng.random() < 0.3 else text
        if text not in seen:
            seen.add(text)
            questions.append(text)
    return questions


def best_of(repeat: int, *works: Callable[[], object]) -> list[float]:
    """The best time of each piece of work, the pieces taking turns so load hits them alike."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(repeat):
        for work, spent in zip(works, times, strict=True):
            start = time.perf_counter()
            work()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}")
    start = time.perf_counter()
    model = train()
    print(
        f"fit on the whole corpus ({model.corpus_questions} questions): "
        f"{time.perf_counter() - start:.2f} s"
    )

    texts = roughened(args.questions, args.seed)
    ours, peer = best_of(
        args.repeat, lambda: model.classify(texts), lambda: model.pipeline.predict(texts)
    )
    agree = [int(p.stage) for p in model.classify(texts)] == list(model.pipeline.predict(texts))
    print(f"{len(texts):,} distinct questions, best of {args.repeat}:")
    print(f"  peerwheel classify (stage + confidence): {ours:.2f} s")
    print(f"  peer pipeline.predict (stage only):      {peer:.2f} s")
    print(f"  ratio peerwheel / peer: {ours / peer:.2f}; stages identical: {agree}")
    assert agree, "classify must give the stages pipeline.predict gives"

    held_out = load_corpus(("test",))
    evaluation = evaluate(train(splits=("train",)), held_out)
    print(f"\nheld-out split ({evaluation.questions} questions), model fitted on the train split:")
    print(f"macro-F1 {evaluation.macro_f1:.3f}")
    print(evaluation.table())


if __name__ == "__main__":
    main()
