"""The generic usage CSV: shapes real files arrive in, and every kind of bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from peerwheel.engine.segments import UsageSegment, usage_segments
from peerwheel.engine.usage_formats import UsageFileError, detect_format, usage_csv

TODAY = date(2025, 6, 30)


def write(tmp_path: Path, text: str, name: str = "usage.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def rows(path: Path) -> list[usage_csv.ParsedUsageRow]:
    records, _ = usage_csv.parse(path, today=TODAY)
    return list(records)


def test_weekly_rows_land_on_the_monday_of_their_iso_week(tmp_path: Path) -> None:
    path = write(tmp_path, "person,week,tool,actions\nana@x.com,2025-01-08,ChatGPT,4\n")
    (row,) = rows(path)
    assert (row.external_id, row.week, row.tool, row.actions) == (
        "ana@x.com",
        date(2025, 1, 6),
        "ChatGPT",
        4,
    )
    assert row.line == 2
    assert row.active_days is None


def test_bom_crlf_semicolons_quotes_and_header_case_are_all_read(tmp_path: Path) -> None:
    text = 'PERSON;Week;Tool;Actions;Agent Actions\r\nana;2025-01-06;"Copilot; Teams";3;1\r\n'
    (row,) = rows(write(tmp_path, text, bom=True))
    assert (row.external_id, row.tool, row.actions, row.agent_actions) == (
        "ana",
        "Copilot; Teams",
        3,
        1,
    )


def test_quoted_commas_stay_inside_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, 'email,week,tool,actions\nana,2025-01-06,"Copilot, Word",2\n')
    assert rows(path)[0].tool == "Copilot, Word"


def test_daily_rows_are_summed_into_weeks_with_active_days_counted(tmp_path: Path) -> None:
    text = (
        "user,date,app,count\n"
        "ana,2025-01-06,ChatGPT,2\n"
        "ana,2025-01-07,ChatGPT,0\n"
        "ana,2025-01-09,ChatGPT,5\n"
        "ana,2025-01-13,ChatGPT,1\n"
    )
    first, second = rows(write(tmp_path, text))
    assert (first.week, first.actions, first.active_days) == (date(2025, 1, 6), 7, 2)
    assert (second.week, second.actions, second.active_days) == (date(2025, 1, 13), 1, 1)


def test_blank_lines_are_skipped_without_shifting_line_numbers(tmp_path: Path) -> None:
    text = "person,week,tool,actions\nana,2025-01-06,T,1\n\nben,2025-01-06,T,x\n"
    with pytest.raises(UsageFileError) as error:
        rows(write(tmp_path, text))
    assert (error.value.line, error.value.column) == (4, "actions")
    assert "'x' is not a number" in str(error.value)


def test_missing_required_column_lists_the_accepted_names(tmp_path: Path) -> None:
    with pytest.raises(UsageFileError) as error:
        usage_csv.parse(write(tmp_path, "person,week,actions\nana,2025-01-06,1\n"), today=TODAY)
    assert error.value.line == 1
    assert "'tool'" in str(error.value)
    assert "'application'" in str(error.value)


def test_a_file_needs_a_week_or_a_date_column(tmp_path: Path) -> None:
    with pytest.raises(UsageFileError, match="'week_start'"):
        usage_csv.parse(write(tmp_path, "person,tool,actions\nana,T,1\n"), today=TODAY)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "negative"),
        ("2.5", "whole number"),
        ("5000000", "implausibly large"),
        ("lots", "not a number"),
    ],
)
def test_bad_counts_name_the_line_and_column(tmp_path: Path, value: str, message: str) -> None:
    text = f"person,week,tool,actions\nana,2025-01-06,T,1\nben,2025-01-06,T,{value}\n"
    with pytest.raises(UsageFileError, match=message) as error:
        rows(write(tmp_path, text))
    assert (error.value.file, error.value.line, error.value.column) == (
        str(tmp_path / "usage.csv"),
        3,
        "actions",
    )


@pytest.mark.parametrize(
    ("value", "message"), [("2031-01-06", "in the future"), ("soon", "not a date"), ("", "empty")]
)
def test_bad_dates_name_the_line(tmp_path: Path, value: str, message: str) -> None:
    text = f"person,week,tool,actions\nana,{value},T,1\n"
    with pytest.raises(UsageFileError, match=message) as error:
        rows(write(tmp_path, text))
    assert (error.value.line, error.value.column) == (2, "week")


def test_duplicate_rows_point_at_both_lines(tmp_path: Path) -> None:
    text = (
        "person,week,tool,actions\n"
        "ana,2025-01-06,T,1\n"
        "ben,2025-01-06,T,1\n"
        "ana,2025-01-08,T,2\n"  # same ISO week as line 2
    )
    with pytest.raises(UsageFileError, match="already appears on line 2") as error:
        rows(write(tmp_path, text))
    assert error.value.line == 4


def test_duplicates_are_found_across_chunks(tmp_path: Path) -> None:
    body = "".join(f"p{i},2025-01-06,T,1\n" for i in range(50))
    path = write(tmp_path, "person,week,tool,actions\n" + body + "p3,2025-01-06,T,9\n")
    frames, _ = usage_csv.read_frames(path, today=TODAY, chunksize=8)
    with pytest.raises(UsageFileError, match="line 5") as error:
        list(frames)
    assert error.value.line == 52


def test_garbage_row_with_extra_values_is_an_error(tmp_path: Path) -> None:
    text = "person,week,tool,actions\nana,2025-01-06,T,1\nben,2025-01-06,T,1,9,9\n"
    with pytest.raises(UsageFileError, match="more values than the header") as error:
        rows(write(tmp_path, text))
    assert error.value.line == 3


def test_report_fills_in_as_rows_are_read(tmp_path: Path) -> None:
    text = "person,week,tool,actions,notes\nana,2025-01-06,T,1,hi\nana,2025-01-13,T,2,\n"
    records, report = usage_csv.parse(write(tmp_path, text), today=TODAY)
    assert not report.complete
    assert len(list(records)) == 2
    assert (report.complete, report.records, report.rows_read) == (True, 2, 2)
    assert report.columns_ignored == ("notes",)
    assert (report.first_week, report.last_week) == (date(2025, 1, 6), date(2025, 1, 13))


def test_parsed_frames_feed_the_segments(tmp_path: Path) -> None:
    body = "".join(
        f"ana,{d.date()},T,20\n" for d in pd.date_range("2025-01-06", periods=9, freq="7D")
    )
    frames, _ = usage_csv.read_frames(
        write(tmp_path, "person,week,tool,actions\n" + body), today=TODAY
    )
    usage = pd.concat(list(frames))
    result = usage_segments(usage, person="external_id")
    assert list(result["segment"])[-1] is UsageSegment.POWER


def test_detects_the_generic_format(tmp_path: Path) -> None:
    assert (
        detect_format(write(tmp_path, "Email,Date,App,Count\nana,2025-01-06,T,1\n")) == "usage-csv"
    )
