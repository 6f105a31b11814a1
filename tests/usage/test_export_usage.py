"""`peerwheel export usage`: every weekly usage record, one row per person, week and tool, as CSV,
JSON or Parquet, for analysts working outside the product (usage is stored packed)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peerwheel.org.models import Person
from peerwheel.usage.selectors import USAGE_EXPORT_FIELDS, usage_records
from peerwheel.usage.services import usage_import

pytestmark = pytest.mark.django_db

START = date(2025, 1, 6)  # a Monday
FORMULA_ID = '=HYPERLINK("http://evil.example/","x")'


@pytest.fixture
def imported(org: dict[str, Person], tmp_path: Path) -> Path:
    """alice (matched by email): two weeks of ChatGPT Enterprise and one of Copilot; an
    unmatched id written as a formula: two weeks."""
    lines = ["email,week,tool,actions,agent_actions,active_days"]
    for week in range(2):
        monday = START + timedelta(weeks=week)
        lines.append(f"alice@example.com,{monday},ChatGPT Enterprise,{8 + week},1,3")
        lines.append(
            f'"{FORMULA_ID.replace(chr(34), chr(34) * 2)}",{monday},ChatGPT Enterprise,3,0,'
        )
    lines.append(f"alice@example.com,{START},Copilot,5,0,2")
    path = tmp_path / "usage.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    usage_import("usage-csv", path)
    return path


def _export(tmp_path: Path, file_format: str) -> Path:
    out = tmp_path / f"usage.{file_format}"
    call_command("exportdata", "usage", "--format", file_format, "--out", str(out))
    return out


def test_one_row_per_person_week_and_tool_named_by_employee_id(
    imported: Path, tmp_path: Path
) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(tmp_path, "csv").read_text("utf-8"))))

    assert tuple(rows[0]) == USAGE_EXPORT_FIELDS
    assert len(rows) == len(usage_records()) == 5
    keys = {(r["employee_id"], r["unmatched_id"], r["week"], r["tool"]) for r in rows}
    assert len(keys) == 5  # no person-week-tool twice
    alice = [r for r in rows if r["employee_id"] == "E2"]
    assert [(r["tool"], r["week"], r["actions"]) for r in alice] == [
        ("ChatGPT Enterprise", "2025-01-06", "8"),
        ("ChatGPT Enterprise", "2025-01-13", "9"),
        ("Copilot", "2025-01-06", "5"),
    ]
    assert {r["unmatched_id"] for r in alice} == {""}  # a matched person's email is not exported
    assert "alice@example.com" not in json.dumps(rows)


def test_an_unmatched_id_written_as_a_formula_is_neutralised_in_csv(
    imported: Path, tmp_path: Path
) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(tmp_path, "csv").read_text("utf-8"))))

    unmatched = [r for r in rows if r["employee_id"] == ""]
    assert {r["unmatched_id"] for r in unmatched} == {"'" + FORMULA_ID}
    assert [r["active_days"] for r in unmatched] == ["", ""]  # none given: an empty cell


def test_parquet_is_typed_for_pandas_and_the_same_rows_as_csv(
    imported: Path, tmp_path: Path
) -> None:
    table = pq.read_table(_export(tmp_path, "parquet"))
    frame = table.to_pandas()
    as_csv = pd.read_csv(_export(tmp_path, "csv"), dtype={"employee_id": str})

    assert table.schema.names == list(USAGE_EXPORT_FIELDS)
    assert table.schema.field("week").type == pa.date32()
    assert table.schema.field("actions").type == pa.int64()
    assert frame["week"].tolist()[:2] == [START, START + timedelta(weeks=1)]
    assert frame["actions"].tolist() == as_csv["actions"].tolist()
    assert frame["active_days"].isna().sum() == 2
    assert set(frame["unmatched_id"].dropna()) == {FORMULA_ID}  # data, as typed: not a cell


def test_json_has_the_same_records(imported: Path, tmp_path: Path) -> None:
    records = json.loads(_export(tmp_path, "json").read_text("utf-8"))

    assert len(records) == 5 and tuple(records[0]) == USAGE_EXPORT_FIELDS
    assert records[0]["week"] == "2025-01-06" and records[0]["employee_id"] == "E2"
    assert {r["active_days"] for r in records} == {3, 2, None}


def test_parquet_to_a_terminal_is_refused_and_nothing_is_written(
    imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = io.StringIO()
    monkeypatch.setattr(terminal, "isatty", lambda: True)
    monkeypatch.setattr("sys.stdout", terminal)

    with pytest.raises(CommandError, match="parquet is binary: write it to a file"):
        call_command("exportdata", "usage", "--format", "parquet")
    assert terminal.getvalue() == ""


def test_an_empty_store_exports_the_header_only(org: dict[str, Person], tmp_path: Path) -> None:
    assert _export(tmp_path, "csv").read_text("utf-8") == ",".join(USAGE_EXPORT_FIELDS) + "\n"
    assert pq.read_table(_export(tmp_path, "parquet")).num_rows == 0
