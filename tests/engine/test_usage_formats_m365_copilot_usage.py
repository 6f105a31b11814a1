"""Microsoft 365 Copilot usage user detail: both versions, both orders, old spellings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import UsageFileError, detect_format, m365_copilot_usage

TODAY = date(2025, 9, 1)
V1_DOCUMENTED = (
    "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
    "Copilot Chat Last Activity Date,Microsoft Teams Copilot Last Activity Date,"
    "Word Copilot Last Activity Date,Excel Copilot Last Activity Date,"
    "PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,"
    "OneNote Copilot Last Activity Date,Loop Copilot Last Activity Date,Report Period\n"
    "2025-08-20,ana@contoso.com,Ana,2025-08-19,2025-08-16,2025-08-19,,,,,,,7\n"
)
V1_GRAPH_ORDER = (
    "Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,"
    "Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,"
    "Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,"
    "Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date,"
    "Loop Copilot Last Activity Date,Copilot Chat Last Activity Date\n"
    "2025-08-20,7,ana@contoso.com,Ana,2025-08-19,2025-08-19,,,,,,,2025-08-16\n"
)
OLD_SPELLINGS = (
    "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
    "Last activity of Microsoft Teams Copilot,Last activity of Copilot Chat,Report Period\n"
    "2025-08-20,ana@contoso.com,Ana,2025-08-19,2025-08-19,2025-08-16,7\n"
)

# The older admin center labels: `User name`, `Last activity date of <App> Copilot (UTC)`.
OLDER_ADMIN_CENTRE = (
    "Report Refresh Date,User name,Display Name,Last activity date (UTC),"
    "Last activity date of Microsoft Teams Copilot (UTC),"
    "Last activity date of Copilot Chat (UTC),Report Period\n"
    "2025-08-20,ana@contoso.com,Ana,2025-08-19,2025-08-19,2025-08-16,7\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "copilot_usage.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    return path


@pytest.mark.parametrize("text", [V1_DOCUMENTED, V1_GRAPH_ORDER, OLD_SPELLINGS, OLDER_ADMIN_CENTRE])
def test_every_column_order_and_spelling_reads_the_same(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert detect_format(path) == "m365-copilot-usage"
    records = {r.tool: r for r in m365_copilot_usage.parse(path, today=TODAY).records}
    assert records["Copilot in Teams"].last_activity == date(2025, 8, 19)
    assert records["Copilot Chat"].last_activity == date(2025, 8, 16)
    assert records["All Copilot apps"].report_period_days == 7
    assert records["Copilot in Teams"].external_id == "ana@contoso.com"
    assert not records["Copilot in Teams"].anonymised


def test_empty_dates_mean_never_not_an_error(tmp_path: Path) -> None:
    records = {
        r.tool: r
        for r in m365_copilot_usage.parse(write(tmp_path, V1_DOCUMENTED), today=TODAY).records
    }
    assert records["Copilot in Word"].last_activity is None


def test_version_two_adds_prompts_active_days_and_agents(tmp_path: Path) -> None:
    text = (
        "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
        "Microsoft Teams Copilot Last Activity Date,Prompts submitted for all apps,"
        "Prompts submitted for Copilot Chat (work),Active Usage Days for all apps,"
        "Copilot Chat (work) Last Activity Date,Copilot Agent Last Activity Date,Report Period\n"
        "2025-08-20,ana@contoso.com,Ana,2025-08-19,2025-08-19,40,30,12,2025-08-10,2025-08-18,28\n"
    )
    records = {
        r.tool: r for r in m365_copilot_usage.parse(write(tmp_path, text), today=TODAY).records
    }
    overall = records["All Copilot apps"]
    assert (overall.prompts_submitted, overall.active_days) == (40, 12)
    assert records["Copilot Chat (work)"].prompts_submitted == 30
    assert records["Copilot agents"].last_activity == date(2025, 8, 18)
    assert overall.report_period_days == 28


def test_anonymised_names_are_flagged_and_the_report_says_how_to_fix_it(tmp_path: Path) -> None:
    text = V1_DOCUMENTED + (
        "2025-08-20,DC8C64D6EC3A3AA17481D7E5EB5B68A6,C65E8D8AFA0DAB9639EDFAAEA94AFE66,,,,,,,,,,7\n"
    )
    records, report = m365_copilot_usage.parse(write(tmp_path, text), today=TODAY)
    flagged = {r.external_id for r in records if r.anonymised}
    assert flagged == {"DC8C64D6EC3A3AA17481D7E5EB5B68A6"}
    assert report.anonymised_ids == 1
    assert "Display concealed user, group, and site names in all reports" in report.warnings[0]
    assert "Org settings > Reports" in report.warnings[0]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "2025-08-20,ana@x.com,Ana,2025-08-21,,,,,,,,,7",
            "Last Activity Date",
            "after the report",
        ),
        ("2031-08-20,ana@x.com,Ana,,,,,,,,,,7", "Report Refresh Date", "future"),
        ("2025-08-20,ana@x.com,Ana,yesterday,,,,,,,,,7", "Last Activity Date", "not a date"),
        ("2025-08-20,ana@x.com,Ana,,,,,,,,,,14", "Report Period", "not 7, 28"),
    ],
)
def test_bad_values_name_line_and_column(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    path = write(tmp_path, V1_DOCUMENTED + row + "\n")
    with pytest.raises(UsageFileError, match=message) as error:
        list(m365_copilot_usage.parse(path, today=TODAY).records)
    assert (error.value.line, error.value.column) == (3, column)


def test_the_same_user_twice_is_a_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path, V1_DOCUMENTED + V1_DOCUMENTED.splitlines()[1] + "\n")
    with pytest.raises(UsageFileError, match="already appears on line 2"):
        list(m365_copilot_usage.parse(path, today=TODAY).records)


def test_missing_user_principal_name_lists_accepted_names(tmp_path: Path) -> None:
    path = write(tmp_path, "Report Refresh Date,Word Copilot Last Activity Date\n2025-08-20,\n")
    with pytest.raises(UsageFileError, match="'User Principal Name'") as error:
        m365_copilot_usage.parse(path, today=TODAY)
    assert error.value.line == 1


def test_semicolon_export_with_quoted_names(tmp_path: Path) -> None:
    text = (
        "Report Refresh Date;User Principal Name;Display Name;Last Activity Date;"
        "Word Copilot Last Activity Date\n"
        '2025-08-20;ana@x.com;"Smith, Ana";2025-08-19;2025-08-19\n'
    )
    records = list(m365_copilot_usage.parse(write(tmp_path, text), today=TODAY).records)
    assert records[0].display_name == "Smith, Ana"


@pytest.mark.parametrize("period", ["ALL", "all", "All"])
def test_the_v2_period_all_is_read_as_no_fixed_period(tmp_path: Path, period: str) -> None:
    text = V1_DOCUMENTED.replace(",7\n", f",{period}\n")
    records = list(m365_copilot_usage.parse(write(tmp_path, text), today=TODAY).records)
    assert records and {r.report_period_days for r in records} == {None}


def test_a_period_that_is_neither_days_nor_all_names_line_and_column(tmp_path: Path) -> None:
    text = V1_DOCUMENTED.replace(",7\n", ",D14\n")
    with pytest.raises(UsageFileError, match="not 7, 28, 30, 90, 180 or ALL") as caught:
        list(m365_copilot_usage.parse(write(tmp_path, text), today=TODAY).records)
    assert (caught.value.line, caught.value.column) == (2, "Report Period")
