"""The question-stage classifier: its corpus, the held-out target, the traps, corrections."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from peerwheel.engine.question_stages import (
    QuestionStageModel,
    Stage,
    classify,
    evaluate,
    load_corpus,
    model_for,
    train,
)


@pytest.fixture(scope="module")
def train_only() -> QuestionStageModel:
    """Fitted on the train split only: the held-out split is never seen."""
    return train(splits=("train",))


def _in_corpus(text: str) -> bool:
    return text.casefold() in {row.text.casefold() for row in load_corpus()}


def test_the_corpus_is_several_hundred_questions_over_many_functions_with_a_held_out_quarter():
    rows = load_corpus()
    assert len(rows) >= 600
    per_stage = Counter(row.stage for row in rows)
    assert set(per_stage) == set(Stage) and min(per_stage.values()) >= 120
    for stage in Stage:
        of_stage = [row for row in rows if row.stage == stage]
        held_out = sum(row.split == "test" for row in of_stage)
        assert held_out / len(of_stage) >= 0.2
    functions = Counter(row.function for row in rows)
    assert len(functions) >= 12
    assert {"sales", "legal", "finance", "hr", "engineering", "support", "marketing"} <= set(
        functions
    )
    texts = [row.text.casefold() for row in rows]
    assert len(set(texts)) == len(texts), "a question appears twice (maybe in both splits)"
    assert sum("?" not in row.text for row in rows) / len(rows) > 0.9  # typed as in a chat


def test_the_corpus_holds_the_keyword_traps():
    rows = load_corpus()

    def count(stage: Stage, words: str) -> int:
        return sum(row.stage == stage and words in row.text.casefold() for row in rows)

    assert count(Stage.DO_X_WITH_IT, "access") >= 5
    assert count(Stage.GET_ACCESS, "api key") >= 5
    assert count(Stage.DO_X_WITH_IT, "what is the best prompt") >= 3
    assert count(Stage.BUILD_NEW, "access") >= 3
    assert count(Stage.WHAT_IS_THIS, "how does") >= 3


def test_held_out_macro_f1_is_at_least_0_85(train_only: QuestionStageModel):
    held_out = load_corpus(("test",))
    result = evaluate(train_only, held_out)
    assert result.questions == len(held_out) >= 150
    assert result.macro_f1 >= 0.85, result.table()
    assert sum(map(sum, result.confusion)) == len(held_out)
    # every stage is mostly right: the diagonal holds at least 80% of each row
    for stage, row in enumerate(result.confusion):
        assert row[stage] >= 0.8 * sum(row)


TRAPS = [
    (
        Stage.DO_X_WITH_IT,
        "now that I have access how do I get it to summarise my inbox every morning",
    ),
    (
        Stage.DO_X_WITH_IT,
        "i already got access, whats the way to make it draft replies to suppliers",
    ),
    (Stage.GET_ACCESS, "need an API key to get started where do I request one"),
    (Stage.GET_ACCESS, "who hands out API keys for the azure openai account"),
    (Stage.DO_X_WITH_IT, "what is the best prompt for turning a call transcript into a crm note"),
    (Stage.DO_X_WITH_IT, "what is the best prompt to summarise a legal memo"),
    (Stage.DO_X_WITH_IT, "how do I get copilot to build a slide from my notes"),
    (Stage.WHAT_IS_THIS, "how does copilot even work"),
    (Stage.WHAT_IS_THIS, "what is the best thing about having ai at work"),
    (
        Stage.BUILD_NEW,
        "can we build an agent with access to our erp that raises purchase orders by itself",
    ),
]


@pytest.mark.parametrize(("stage", "text"), TRAPS)
def test_a_keyword_trap_lands_on_its_stage(stage: Stage, text: str):
    assert not _in_corpus(text), "a trap must be new to the model"
    (prediction,) = classify([text])
    assert prediction.stage == stage


def test_a_correction_moves_its_question_and_those_phrased_like_it():
    question = "roster planning with the bot"  # a stage-3 task the corpus model puts elsewhere
    paraphrases = ["shift roster planning with the bot", "roster planning with the assistant"]
    assert not any(_in_corpus(text) for text in [question, *paraphrases])
    before = classify([question, *paraphrases])
    assert all(p.stage != Stage.DO_X_WITH_IT for p in before)

    after = classify([question, *paraphrases], corrections=[(question, 3)])
    assert [p.stage for p in after] == [Stage.DO_X_WITH_IT] * 3
    # the same text in other case and spacing is the same question
    (same,) = classify(["Roster  planning with the BOT"], corrections=[(question, 3)])
    assert same.stage == Stage.DO_X_WITH_IT


def test_a_correction_of_a_corpus_question_replaces_its_label():
    question = "what is the best prompt for a board summary"
    assert _in_corpus(question)
    assert classify([question])[0].stage == Stage.DO_X_WITH_IT
    model = train([(question, Stage.BUILD_NEW)])
    assert model.corrections == 1 and model.corpus_questions == len(load_corpus()) - 1
    assert model.classify([question])[0].stage == Stage.BUILD_NEW
    # the last correction of a text wins
    model = train([(question, 4), (question.upper(), 1)])
    assert model.corrections == 1 and model.classify([question])[0].stage == Stage.WHAT_IS_THIS


def test_a_correction_leaves_unrelated_questions_alone(train_only: QuestionStageModel):
    held_out = [row.text for row in load_corpus(("test",))]
    corrected = train([("roster planning with the bot", 3)], splits=("train",))
    before = [p.stage for p in train_only.classify(held_out)]
    after = [p.stage for p in corrected.classify(held_out)]
    assert sum(b != a for b, a in zip(before, after, strict=True)) <= 2


def test_fitting_twice_gives_the_same_model_and_answers():
    first, second = train(splits=("train",)), train(splits=("train",))
    np.testing.assert_array_equal(
        first.pipeline.named_steps["logit"].coef_, second.pipeline.named_steps["logit"].coef_
    )
    texts = [row.text for row in load_corpus(("test",))]
    assert first.classify(texts) == second.classify(texts)


def test_an_answer_does_not_depend_on_the_rest_of_the_batch(train_only: QuestionStageModel):
    texts = [row.text for row in load_corpus(("test",))][:40]
    batch = train_only.classify([*texts, texts[0], *reversed(texts)])
    alone = [train_only.classify([text])[0] for text in texts]
    for got, expected in zip(batch[: len(texts)], alone, strict=True):
        assert got.stage == expected.stage
        assert got.confidence == pytest.approx(expected.confidence, abs=1e-12)
    assert batch[len(texts)] == batch[0]  # a duplicate gets its twin's answer
    assert batch[len(texts) + 1 :] == batch[: len(texts)][::-1]


def test_confidence_is_the_probability_of_the_chosen_stage(train_only: QuestionStageModel):
    texts = ["access pls", "how do i build an agent for payroll", "wat is this"]
    probabilities = train_only.probabilities(texts)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    for row, prediction in zip(probabilities, train_only.classify(texts), strict=True):
        assert prediction.confidence == pytest.approx(row.max())
        assert int(prediction.stage) == int(np.argmax(row)) + 1
        assert 0.25 <= prediction.confidence <= 1.0
    assert train_only.classify([]) == []


def test_the_model_is_fitted_once_per_list_of_corrections():
    assert model_for() is model_for([])
    assert model_for([("roster planning with the bot", 3)]) is model_for(
        [("roster planning with the bot", Stage.DO_X_WITH_IT)]
    )
    assert model_for() is not model_for([("roster planning with the bot", 3)])


def test_bad_input_is_an_error_naming_where():
    with pytest.raises(ValueError, match="text 1 is blank"):
        classify(["what is copilot", "   "])
    with pytest.raises(TypeError, match="not one string"):
        classify("what is copilot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"correction 1: stage 5 is not one of 1, 2, 3, 4"):
        train([("what is copilot", 1), ("how do I build a bot", 5)])
    with pytest.raises(ValueError, match="correction 0: the question text is blank"):
        train([("", 2)])
    with pytest.raises(ValueError, match="unknown split"):
        load_corpus(("validation",))
