"""Issue 13, item 14 (polish): what the usage formats say when a file is wrong reads as plain
text: no numpy reprs, no warning for a documented column, and a JSON file given to a CSV kind
is called JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import (
    UsageFileError,
    chatgpt_enterprise,
    m365_copilot_usage,
    usage_csv,
)
from peerwheel.usage import readers

TODAY = date(2025, 6, 30)


def write(tmp_path: Path, text: str, name: str = "usage.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(path: Path) -> list[usage_csv.ParsedUsageRow]:
    records, _ = usage_csv.parse(path, today=TODAY)
    return list(records)


# "7": every count is whole, the column is read as int64; "": an empty cell, read as floats
@pytest.mark.parametrize("last", ["7", ""])
def test_a_negative_count_is_quoted_as_the_plain_number_not_a_numpy_repr(
    tmp_path: Path, last: str
) -> None:
    text = f"person,week,tool,actions\nana,2025-01-06,T,-3\nben,2025-01-06,T,{last}\n"
    with pytest.raises(UsageFileError) as error:
        rows(write(tmp_path, text))
    said = str(error.value)
    assert "-3 is negative" in said
    assert "np." not in said
    assert "-3.0" not in said


def test_a_fraction_is_quoted_as_the_plain_number(tmp_path: Path) -> None:
    text = "person,week,tool,actions\nana,2025-01-06,T,2.5\n"
    with pytest.raises(UsageFileError) as error:
        rows(write(tmp_path, text))
    said = str(error.value)
    assert "2.5 is not a whole number" in said
    assert "np." not in said


CHATGPT_HEADER = "cadence,period_start,period_end,name,email,user_status,messages,credits_used"
CHATGPT_ROW = "Weekly,2025-10-12,2025-10-18,Ana,ana@example.com,enabled,12,3.5"


def test_chatgpt_credits_used_is_a_documented_column_read_past_without_a_warning(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, f"{CHATGPT_HEADER}\n{CHATGPT_ROW}\n", name="chatgpt_weekly.csv")
    records, report = chatgpt_enterprise.parse(path, today=date(2025, 10, 20))
    (row,) = list(records)
    assert (row.external_id, row.actions) == ("ana@example.com", 12)  # credits are not actions
    assert report.columns_ignored == ()
    assert not any("credits_used" in w for w in report.warnings)


GITHUB_USERS = Path(__file__).parents[1] / "fixtures" / "github_copilot" / "users-1-day.ndjson"


@pytest.mark.parametrize("kind", ["chatgpt-enterprise", "m365-copilot-usage", "usage-csv"])
def test_a_json_file_given_to_a_csv_kind_is_called_json_with_the_kind_named(
    tmp_path: Path, kind: str
) -> None:
    path = write(tmp_path, '\ufeff\n  [{"email": "ana@example.com", "messages": 3}]\n', "a.csv")
    with pytest.raises(UsageFileError) as error:
        readers.read_usage(path, kind, file_name="a.csv")
    said = str(error.value)
    assert "this is JSON, not CSV" in said
    assert kind in said
    assert error.value.line == 1


def test_a_json_file_given_to_a_csv_kind_names_the_json_kind_it_looks_like() -> None:
    with pytest.raises(UsageFileError, match="this is JSON") as error:
        readers.read_usage(GITHUB_USERS, "chatgpt-enterprise", file_name=GITHUB_USERS.name)
    assert "github-copilot-usage-report" in str(error.value)


def test_a_json_kind_still_reads_its_json() -> None:
    read = readers.read_usage(
        GITHUB_USERS, "github-copilot-usage-report", file_name=GITHUB_USERS.name
    )
    assert len(read.usage) == 2


M365 = (
    "Report Refresh Date,User Principal Name,Display Name,"
    "Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Report Period\n"
    "2025-08-20,alice@example.com,Alice,2025-08-05,2025-07-29,28\n"
    "2025-08-20,bob@example.com,Bob,2025-08-06,,28\n"
    "2025-08-20,carol@example.com,Carol,,,28\n"
)


def test_the_m365_summary_gives_the_weeks_written_not_the_refresh_week(tmp_path: Path) -> None:
    read = m365_copilot_usage.read(write(tmp_path, M365, "m365.csv"), today=date(2025, 8, 25))
    weeks = sorted({w.date() for w in read.usage["week"]})
    # last uses in July and August, and the report's week (the 7 days to the refresh date are
    # mostly in the week of 11 August): nobody used Copilot then, so each has a 0 record there
    assert weeks == [date(2025, 7, 28), date(2025, 8, 4), date(2025, 8, 11)]
    # the refresh date (2025-08-20) is in the week of 18 August: no row is written there
    assert (read.report.first_week, read.report.last_week) == (
        date(2025, 7, 28),
        date(2025, 8, 11),
    )
