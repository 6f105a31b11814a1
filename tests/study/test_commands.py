"""`peerwheel import survey PATH` and `peerwheel study analyze PATH`: good files, every bad input
of the issue (a message naming the column and the rows, exit code 2), and the JSON's shape."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.models import Import
from peerwheel.study import cli
from peerwheel.study.models import Response, SurveyWave

PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))
CONSTRUCTS = (
    "peer_influence",
    "leader_mandate",
    "leader_consistency",
    "psych_safety",
    "fear_behind",
)


@pytest.mark.django_db
def test_import_survey_writes_every_row_into_one_closed_wave(
    survey_frame: pd.DataFrame, write_csv: Callable[..., Path]
) -> None:
    frame = survey_frame.copy()
    frame.loc[4, "fear_behind_2"] = None  # a blank answer is kept as missing
    out = io.StringIO()

    call_command("importdata", "survey", str(write_csv(frame)), stdout=out)

    wave = SurveyWave.objects.get()
    assert "(survey): read 200 rows; created 200," in out.getvalue()
    assert f"survey wave {wave.pk}" in out.getvalue()
    assert (wave.source, wave.status) == (SurveyWave.Source.IMPORT, SurveyWave.Status.CLOSED)
    assert Response.objects.filter(wave=wave).count() == 200
    row = Response.objects.get(wave=wave, line=6)
    assert "fear_behind_2" not in row.answers and len(row.answers) == 19
    assert row.team == frame.loc[4, "team"] and row.department == frame.loc[4, "department"]
    assert Import.objects.get().status == Import.Status.SUCCEEDED


def _bad(frame: pd.DataFrame, case: str) -> pd.DataFrame:
    df = frame.copy().astype({"leader_mandate_1": object})
    if case == "out_of_range":
        df.loc[3, "peer_influence_2"] = 7
        df.loc[10, "peer_influence_2"] = 0
    elif case == "text":
        df.loc[7, "leader_mandate_1"] = "agree"
    elif case == "missing_outcome":
        df = df.drop(columns="agent_user")
    elif case == "one_item":
        df = df.drop(columns=["psych_safety_2", "psych_safety_3", "psych_safety_4"])
    elif case == "too_few":
        df = df.head(20)
    elif case == "separation":
        df.loc[:11, "department"] = "Board"
        df.loc[:11, "heavy_user"] = 1
    elif case == "constant":
        df["training"] = 1
    return df


BAD_INPUTS = [
    ("out_of_range", "peer_influence_2", ["lines 5 and 12", "outside the 1–5 scale", "(7, 0)"]),
    ("text", "leader_mandate_1", ["line 9", "'agree'", "Recode the answers"]),
    ("missing_outcome", "agent_user", ["no agent_user column", "Add agent_user as 0/1"]),
    ("one_item", "psych_safety_1", ["only one item column", "at least two items"]),
    ("too_few", None, ["Only 20 respondents", "at least 30", "Collect more responses"]),
    # Neither names the group nor its outcome (nor the value everyone gave).
    ("separation", "department", ["heavy_user cannot be estimated", "remove the department"]),
    ("constant", "training", ["same value for every respondent", "remove the column"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "column", "phrases"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_a_bad_survey_file_names_column_and_rows_writes_nothing_and_exits_2(
    survey_frame: pd.DataFrame,
    write_csv: Callable[..., Path],
    case: str,
    column: str | None,
    phrases: list[str],
) -> None:
    path = write_csv(_bad(survey_frame, case), f"{case}.csv")

    with pytest.raises(CommandError) as caught:
        call_command("importdata", "survey", str(path))

    message = str(caught.value)
    assert caught.value.returncode == 2
    assert message.startswith(f"{case}.csv (survey): ")
    assert "nothing was written" in message
    for phrase in phrases:
        assert phrase in message, (phrase, message)
    if column:
        assert column in message
    assert SurveyWave.objects.count() == 0 and Response.objects.count() == 0
    record = Import.objects.get()
    assert record.status == Import.Status.FAILED and record.kind == "survey"
    assert record.errors and all(
        {"file", "line", "column", "message"} <= set(e) for e in record.errors
    )


@pytest.mark.django_db
def test_analyze_json_has_effects_n_alpha_and_warnings(
    survey_frame: pd.DataFrame, write_csv: Callable[..., Path]
) -> None:
    out = io.StringIO()

    call_command("study", "analyze", str(write_csv(survey_frame)), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["n"] == 200
    assert set(report["alpha"]) == set(CONSTRUCTS)
    assert all(0.7 < a < 1 for a in report["alpha"].values())
    assert isinstance(report["warnings"], list)
    for outcome in ("heavy_user", "agent_user"):
        effects = report["outcomes"][outcome]["effects"]
        assert set(effects) == set(CONSTRUCTS)
        for effect in effects.values():
            assert {"ame", "ci_low", "ci_high", "p"} <= set(effect)
            assert effect["ci_low"] < effect["ame"] < effect["ci_high"]
    assert report["outcomes"]["agent_user"]["effects"]["peer_influence"]["ci_low"] > 0


@pytest.mark.django_db
def test_analyze_prints_sentences_and_a_table_for_one_outcome(
    survey_frame: pd.DataFrame, write_csv: Callable[..., Path]
) -> None:
    out = io.StringIO()

    call_command(
        "study", "analyze", str(write_csv(survey_frame)), "--outcome", "agent_user", stdout=out
    )

    text = out.getvalue()
    assert text.startswith("Based on 200 respondents in 30 teams.")
    assert "People one SD higher in peer influence are" in text
    assert "likely to be heavy users" not in text and "heavy users  " not in text
    assert "agent users  peer influence" in text
    assert "+10.4 (consistent)" in text or "+10.4 (below)" in text or "+10.4 (above)" in text
    assert "What to do next:" in text


@pytest.mark.slow  # a real process: imports the scientific stack (~3-8 s)
def test_analyze_bad_file_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("peer_influence_1,peer_influence_2\n3,9\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERWHEEL", "DATABASE"))}
    env["PEERWHEEL_HOME"] = str(tmp_path)

    result = subprocess.run(
        [PEERWHEEL, "study", "analyze", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "bad.csv: " in result.stderr
    assert "peer_influence_2 has values outside the 1–5 scale on line 2" in result.stderr
    assert "no heavy_user column" in result.stderr


def test_the_progress_bar_shows_only_when_the_work_takes_a_while(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "PROGRESS_AFTER_SECONDS", 0.05)
    # a bar is drawn on a terminal only (core.commands.ProgressBar): the capture plays one
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    fast = cli.with_progress("analysing", 1.0, lambda: 1)
    quiet = capsys.readouterr().err
    slow = cli.with_progress("analysing", 1.0, lambda: time.sleep(0.4) or 2)
    shown = capsys.readouterr().err

    assert (fast, slow) == (1, 2)
    assert quiet == ""
    assert "analysing:" in shown


@pytest.mark.django_db
def test_a_survey_dry_run_checks_the_file_and_writes_no_wave(
    survey_frame: pd.DataFrame, write_csv: Callable[..., Path]
) -> None:
    out = io.StringIO()

    call_command("importdata", "survey", str(write_csv(survey_frame)), "--dry-run", stdout=out)

    assert "would create 200" in out.getvalue() and "dry run: nothing was written" in out.getvalue()
    assert not SurveyWave.objects.exists() and not Response.objects.exists()
    assert Import.objects.get().status == Import.Status.DRY_RUN
