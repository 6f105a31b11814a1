"""`peerwheel insights classify-questions PATH [--out PATH]`: a CSV of questions comes back with
`stage` and `confidence`, every other column kept; a bad file is refused with where and why."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))

QUESTIONS = (
    "id;Text;team\n"
    "q1;wat is copilot even;legal\n"
    'q2;"plz, who do i ask for an API key";engineering\n'
    "q3;how do I get it to summarise a 40 page lease;legal\n"
    "q4;could we build an agent that reconciles intercompany invoices by itself;finance\n"
    "q5;=1+1 what is this;sales\n"
)


def classify(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("insights", "classify-questions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_row_comes_back_with_its_columns_a_stage_and_a_confidence(tmp_path: Path):
    source = tmp_path / "questions.csv"
    source.write_text("\ufeff" + QUESTIONS, encoding="utf-8")  # Excel's BOM, semicolons

    written, summary = classify(str(source))

    rows = rows_of(written)
    assert list(rows[0]) == ["id", "Text", "team", "stage", "confidence"]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q4", "q5"]
    assert [r["team"] for r in rows] == ["legal", "engineering", "legal", "finance", "sales"]
    assert rows[1]["Text"] == "plz, who do i ask for an API key"
    assert [r["stage"] for r in rows[:4]] == ["1", "2", "3", "4"]
    assert all(0.25 <= float(r["confidence"]) <= 1 for r in rows)
    # a cell a spreadsheet would run is written inert, as in every export
    assert rows[4]["Text"] == "'=1+1 what is this"
    assert "classified 5 question(s)" in summary and "stage 4: 1" in summary


def test_out_writes_the_file_and_may_replace_the_input(tmp_path: Path):
    source = tmp_path / "questions.csv"
    source.write_text(QUESTIONS, encoding="utf-8")
    to_stdout, _ = classify(str(source))

    _, summary = classify(str(source), "--out", str(source))

    assert source.read_text(encoding="utf-8") == to_stdout
    assert f"wrote {source}" in summary
    # run again on its own output: stage and confidence are replaced, not added twice
    classify(str(source), "--out", str(source))
    again = rows_of(source.read_text(encoding="utf-8"))
    assert list(again[0]) == ["id", "Text", "team", "stage", "confidence"]
    assert [r["stage"] for r in again] == [r["stage"] for r in rows_of(to_stdout)]
    assert not list(tmp_path.glob("*.partial"))


BAD_FILES = {
    "empty": (b"", "the file is empty", None),
    "spreadsheet": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "NUL byte at byte 5", None),
    "utf-16": ("text\nwhat is copilot\n".encode("utf-16"), "saved as UTF-16", None),
    "not utf-8": (b"text\nqu\xe9 es esto\n", "not UTF-8 text", None),
    "no text column": (b"id,question\n1,what is it\n", "no 'text' column", "line 1, column 'text'"),
    "header only": (b"text,team\n", "no questions", "line 2, column 'text'"),
    "blank questions": (
        b"team,TEXT\nsales,what is it\nlegal,\nhr,  \n",
        "2 row(s) have no question (lines 3, 4)",
        "line 3, column 'TEXT'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_naming_where_and_nothing_is_written(tmp_path: Path, case: str):
    content, message, where = BAD_FILES[case]
    source = tmp_path / "questions.csv"
    source.write_bytes(content)
    out = tmp_path / "classified.csv"

    with pytest.raises(CommandError) as caught:
        classify(str(source), "--out", str(out))

    text = str(caught.value)
    assert caught.value.returncode == 2
    assert text.startswith(str(source)) and message in text
    if where:
        assert where in text
    assert not out.exists() and source.read_bytes() == content


def test_a_missing_file_or_out_folder_is_refused(tmp_path: Path):
    with pytest.raises(CommandError, match="no such file"):
        classify(str(tmp_path / "nowhere.csv"))
    source = tmp_path / "questions.csv"
    source.write_text(QUESTIONS, encoding="utf-8")
    with pytest.raises(CommandError, match="the folder does not exist"):
        classify(str(source), "--out", str(tmp_path / "no" / "such" / "out.csv"))


def test_the_real_command_exits_2_with_one_line_and_no_traceback(tmp_path: Path):
    source = tmp_path / "questions.csv"
    source.write_bytes(b"id,question\n1,what is it\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    env["PEERWHEEL_HOME"] = str(tmp_path)

    result = subprocess.run(
        [PEERWHEEL, "insights", "classify-questions", str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert "no 'text' column" in result.stderr and "Traceback" not in result.stderr
