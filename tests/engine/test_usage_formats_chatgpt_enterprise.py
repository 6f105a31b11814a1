"""ChatGPT Enterprise user analytics: the columns real exports have."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peerwheel.engine.usage_formats import UsageFileError, chatgpt_enterprise, detect_format

TODAY = date(2025, 10, 20)
HEADER = (
    "cadence,period_start,period_end,account_id,public_id,name,email,role,user_role,department,"
    "groups,user_status,created_or_invited_date,is_active,first_day_active_in_period,"
    "last_day_active_in_period,messages,messages_rank,model_to_messages,gpt_messages,"
    "gpts_messaged,gpt_to_messages,tool_messages,tools_messaged,tool_to_messages,"
    "project_messages,projects_messaged,project_to_messages,projects_created,last_day_active"
)
ACTIVE = (
    "Weekly,2025-10-12,2025-10-18,acct,user-1,Vishal Pandey,Vishal.Pandey@example.com,"
    'team_member,standard-user,"[""finance""]",,enabled,2025-07-18,1,2025-10-13,2025-10-17,61,30,'
    "\"{'gpt-5': 61}\",59,1,\"{'g-1': 59}\",553,4,"
    "\"{'Search': 494, 'Agent': 7, 'Retrieval': 52}\",0,0,,0,2025-10-17"
)
PENDING = (
    "Weekly,2025-10-12,2025-10-18,acct,,,new.hire@example.com,,,,,pending,2025-10-09" + "," * 17
)


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "chatgpt_weekly.csv"
    path.write_text("\n".join((header, *rows)) + "\n")
    return path


def test_weekly_rows_count_messages_once_and_agents_from_tools(tmp_path: Path) -> None:
    path = write(tmp_path, ACTIVE, PENDING)
    assert detect_format(path) == "chatgpt-enterprise"
    records, report = chatgpt_enterprise.parse(path, today=TODAY)
    (row,) = list(records)
    assert (row.external_id, row.tool, row.actions, row.agent_actions) == (
        "vishal.pandey@example.com",
        "ChatGPT Enterprise",
        61,
        7,
    )
    assert row.week == date(2025, 10, 13)  # the Sunday-to-Saturday week is mostly ISO week 42
    assert report.skipped == 1  # the pending invite
    assert report.columns_ignored == ()
    assert report.people["vishal.pandey@example.com"] == {"name": "Vishal Pandey"}


def test_unknown_extra_columns_are_ignored_and_listed(tmp_path: Path) -> None:
    path = write(tmp_path, ACTIVE + ",blue", header=HEADER + ",favourite_colour")
    records, report = chatgpt_enterprise.parse(path, today=TODAY)
    assert len(list(records)) == 1
    assert report.columns_ignored == ("favourite_colour",)
    assert "favourite_colour" in report.warnings[0]


def test_daily_rows_are_summed_into_a_week_with_active_days(tmp_path: Path) -> None:
    header = "cadence,period_start,period_end,email,messages"
    rows = [
        "Daily,2025-10-13,2025-10-13,ana@example.com,4",
        "Daily,2025-10-14,2025-10-14,ana@example.com,0",
        "Daily,2025-10-15,2025-10-15,ana@example.com,2",
    ]
    (row,) = list(chatgpt_enterprise.parse(write(tmp_path, *rows, header=header), today=TODAY)[0])
    assert (row.week, row.actions, row.active_days) == (date(2025, 10, 13), 6, 2)


def test_monthly_reports_are_refused_with_what_to_export(tmp_path: Path) -> None:
    header = "cadence,period_start,period_end,email,messages"
    path = write(tmp_path, "Monthly,2025-09-01,2025-09-30,ana@example.com,40", header=header)
    with pytest.raises(UsageFileError, match="export the weekly user report") as error:
        list(chatgpt_enterprise.parse(path, today=TODAY).records)
    assert error.value.line == 2


@pytest.mark.parametrize(
    ("messages", "match"), [("-1", "negative"), ("lots", "not a number"), ("7.5", "whole")]
)
def test_bad_message_counts_name_line_and_column(tmp_path: Path, messages: str, match: str) -> None:
    header = "cadence,period_start,period_end,email,messages"
    path = write(
        tmp_path, f"Weekly,2025-10-12,2025-10-18,ana@example.com,{messages}", header=header
    )
    with pytest.raises(UsageFileError, match=match) as error:
        list(chatgpt_enterprise.parse(path, today=TODAY).records)
    assert (error.value.line, error.value.column) == (2, "messages")


def test_the_same_user_and_period_twice_is_a_duplicate(tmp_path: Path) -> None:
    with pytest.raises(UsageFileError, match="already appears on line 2") as error:
        list(chatgpt_enterprise.parse(write(tmp_path, ACTIVE, ACTIVE), today=TODAY).records)
    assert error.value.line == 3


def test_missing_messages_column_lists_accepted_names(tmp_path: Path) -> None:
    path = write(tmp_path, "2025-10-12,ana@example.com", header="period_start,email")
    with pytest.raises(UsageFileError, match="'total_messages'"):
        chatgpt_enterprise.parse(path, today=TODAY)
