"""The stages and the labelled corpus shipped beside this module (`corpus.csv`).

The corpus is hand-written: questions as people type them in a chat or a hub (typos, no question
marks, one word or three lines) from many job functions, with keyword traps on purpose ("access"
in a stage-3 question, "API key" in a stage-2 one, "what is the best prompt" at stage 3, "build"
in a stage-3 one). Its `split` column is fixed in the file: `test` is every fourth question of
each stage in SHA-256 order of its text, assigned once when the corpus was written; nothing is
tuned on it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import IntEnum
from importlib import resources

__all__ = [
    "CORPUS_FILE",
    "SPLITS",
    "STAGE_QUESTIONS",
    "CorpusRow",
    "Stage",
    "load_corpus",
]

CORPUS_FILE = "corpus.csv"
_PACKAGE = "peerwheel.engine.question_stages"
SPLITS = ("train", "test")


class Stage(IntEnum):
    """How far a question has come: from hearing of the tool to building what nobody has."""

    WHAT_IS_THIS = 1
    GET_ACCESS = 2
    DO_X_WITH_IT = 3
    BUILD_NEW = 4


#: the question each stage stands for, as people would ask it
STAGE_QUESTIONS: dict[Stage, str] = {
    Stage.WHAT_IS_THIS: "What is this?",
    Stage.GET_ACCESS: "How do I get access?",
    Stage.DO_X_WITH_IT: "How do I do X with it?",
    Stage.BUILD_NEW: "How do I build Y that nobody has tried?",
}


@dataclass(frozen=True)
class CorpusRow:
    """One labelled question: its text, stage, split (`train` or `test`) and job function."""

    text: str
    stage: Stage
    split: str
    function: str


def load_corpus(splits: tuple[str, ...] = SPLITS) -> list[CorpusRow]:
    """The shipped corpus's rows in file order, only those of `splits`.

    The file is part of the package; a malformed row is a packaging bug, reported with its line.
    """
    unknown = set(splits) - set(SPLITS)
    if unknown:
        raise ValueError(f"unknown split(s) {sorted(unknown)}; the corpus has {list(SPLITS)}")
    text = resources.files(_PACKAGE).joinpath(CORPUS_FILE).read_text(encoding="utf-8")
    rows: list[CorpusRow] = []
    for line, record in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            row = CorpusRow(
                text=record["text"].strip(),
                stage=Stage(int(record["stage"])),
                split=record["split"],
                function=record["function"],
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{CORPUS_FILE}, line {line}: malformed corpus row ({exc})") from exc
        if not row.text or row.split not in SPLITS:
            raise ValueError(f"{CORPUS_FILE}, line {line}: blank text or unknown split")
        if row.split in splits:
            rows.append(row)
    return rows
