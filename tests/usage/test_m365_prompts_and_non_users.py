"""Microsoft 365 Copilot usage report, version 2 (issue 13, "Also"): a 7-day report's prompts
submitted and active usage days are stored, and licensed users who did not use Copilot are
recorded as enabled non-users, so segments have the right denominator.

The fixture follows Microsoft's documentation of the user detail report ("Microsoft 365 admin
center Copilot usage", and Graph `getMicrosoft365CopilotUsageUserDetail` with version v2): one row
per user with a Microsoft 365 Copilot licence, the per-app last activity dates, "Prompts
submitted for all apps", "Prompts submitted for Copilot Chat (work)" / "(web)", "Active Usage
Days for all apps", and the Report Period in days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.engine.segments import UsageSegment
from peerwheel.engine.usage_formats.m365_copilot_usage import COUNTED_TOOL
from peerwheel.org.models import Person
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.selectors import segments_all
from peerwheel.usage.services import usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]

HEADER = (
    "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
    "Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,"
    "Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,"
    "Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date,"
    "Loop Copilot Last Activity Date,Copilot Chat (work) Last Activity Date,"
    "Copilot Chat (web) Last Activity Date,Copilot Agent Last Activity Date,"
    "Prompts submitted for all apps,Prompts submitted for Copilot Chat (work),"
    "Prompts submitted for Copilot Chat (web),Active Usage Days for all apps,Report Period\r\n"
)
# Refreshed on Sunday 2025-08-24: the 7 days are the ISO week of Monday 2025-08-18.
WEEK = date(2025, 8, 18)
D7 = HEADER + (
    # alice: 42 prompts over 4 days; Teams and chat this week, Word two weeks before, an agent.
    "2025-08-24,alice@example.com,Alice,2025-08-22,2025-08-22,2025-08-05,,,,,,2025-08-21,,"
    "2025-08-20,42,30,0,4,7\r\n"
    # bob: licensed, never used Copilot: every cell empty.
    "2025-08-24,bob@example.com,Bob,,,,,,,,,,,,,,,,7\r\n"
    # carol: used Word in July, not this week: 0 prompts, 0 days.
    "2025-08-24,carol@example.com,Carol,2025-07-30,,2025-07-30,,,,,,,,,0,0,0,0,7\r\n"
    # someone no person matches yet: kept unmatched, counted too.
    "2025-08-24,new.hire@example.com,New Hire,2025-08-19,,,,,,,,,2025-08-19,,3,0,3,1,7\r\n"
)


def rows_of(person: Person) -> dict[tuple[date, str], tuple[int, int, int | None]]:
    return {
        (r.week, r.tool): (r.actions, r.agent_actions, r.active_days)
        for r in stored_records(person=person)
    }


def test_a_7_day_report_stores_prompts_active_days_and_enabled_non_users(
    org: dict[str, Person], write_file: Write
) -> None:
    report = usage_import("m365-copilot-usage", write_file("copilot.csv", D7))

    assert rows_of(org["alice"]) == {
        (WEEK, COUNTED_TOOL): (42, 0, 4),  # the week's prompts: Teams and chat are in them
        (date(2025, 8, 4), "Copilot in Word"): (1, 0, 1),  # before the period: a lower bound
        (WEEK, "Copilot agents"): (0, 1, 1),
    }
    assert rows_of(org["bob"]) == {(WEEK, COUNTED_TOOL): (0, 0, 0)}
    assert rows_of(org["carol"]) == {
        (WEEK, COUNTED_TOOL): (0, 0, 0),
        (date(2025, 7, 28), "Copilot in Word"): (1, 0, 1),
    }
    (unmatched,) = [r for r in stored_records(matched=False) if r.tool == COUNTED_TOOL]
    assert (unmatched.external_id, unmatched.actions, unmatched.active_days) == (
        "new.hire@example.com",
        3,
        1,
    )
    assert (report.rows_read, report.records, report.created) == (4, 7, 7)
    assert any("for 3 users, week of 2025-08-18 (a 7-day report)" in n for n in report.notes)
    assert any(n.startswith("1 licensed users did not use Copilot") for n in report.notes)
    assert (report.first_week, report.last_week) == (date(2025, 7, 28), WEEK)
    assert Import.objects.get(pk=report.import_id).status == Import.Status.SUCCEEDED


def test_licensed_non_users_are_in_the_segments_denominator(
    org: dict[str, Person], write_file: Write
) -> None:
    usage_import("m365-copilot-usage", write_file("copilot.csv", D7))

    week = segments_all()
    week = week[week["week"] == str(WEEK)]
    segment = dict(zip(week["person_id"], week["segment"], strict=True))

    assert segment[org["bob"].pk] == UsageSegment.NON_USER
    assert segment[org["carol"].pk] == UsageSegment.LOW  # July's Word, in her 12 weeks
    assert segment[org["alice"].pk] != UsageSegment.NON_USER
    assert len(week) == 4  # alice, bob, carol and the unmatched id: all licensed


def test_importing_the_report_again_changes_nothing(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("copilot.csv", D7)
    usage_import("m365-copilot-usage", path)
    before = stored_records()

    again = usage_import("m365-copilot-usage", path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert stored_records() == before


def test_a_later_report_for_the_same_week_wins_for_the_prompt_count(
    org: dict[str, Person], write_file: Write
) -> None:
    """Microsoft's data arrive up to 72 hours late: a report refreshed again for the same week
    holds more prompts. The count is replaced; the last-activity lower bounds never are."""
    usage_import("m365-copilot-usage", write_file("early.csv", D7))
    later = D7.replace(",42,30,0,4,7", ",57,40,0,5,7")

    report = usage_import("m365-copilot-usage", write_file("later.csv", later))

    assert rows_of(org["alice"])[(WEEK, COUNTED_TOOL)] == (57, 0, 5)
    assert (report.created, report.updated) == (0, 1)


def test_a_dry_run_writes_nothing(org: dict[str, Person], write_file: Write) -> None:
    report = usage_import("m365-copilot-usage", write_file("copilot.csv", D7), dry_run=True)

    assert report.created == 7
    assert not UsageSeries.objects.exists()
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_a_28_day_report_keeps_dates_and_says_why_counts_are_not_stored(
    org: dict[str, Person], write_file: Write
) -> None:
    text = D7.replace(",7\r\n", ",28\r\n")

    report = usage_import("m365-copilot-usage", write_file("copilot28.csv", text))

    alice = rows_of(org["alice"])
    assert (date(2025, 8, 18), "Copilot in Teams") in alice  # the last-activity records
    assert (WEEK, COUNTED_TOOL) not in alice  # 42 prompts over 28 days: no week to put them in
    assert rows_of(org["bob"]) == {(WEEK, COUNTED_TOOL): (0, 0, 0)}  # still an enabled non-user
    assert rows_of(org["carol"])[(WEEK, COUNTED_TOOL)] == (0, 0, 0)
    assert any("cannot be split into weeks" in w and "28 days" in w for w in report.warnings)


def test_more_active_days_than_a_7_day_report_has_is_an_error_naming_line_and_column(
    org: dict[str, Person], write_file: Write
) -> None:
    bad = D7.replace(",42,30,0,4,7", ",42,30,0,9,7")

    with pytest.raises(ImportFailed) as caught:
        usage_import("m365-copilot-usage", write_file("copilot.csv", bad))

    (error,) = caught.value.report.errors
    assert (error.line, error.column) == (2, "Active Usage Days for all apps")
    assert "more than 7" in error.message
    assert not UsageSeries.objects.exists()
    assert Import.objects.get(pk=caught.value.report.import_id).status == Import.Status.FAILED
