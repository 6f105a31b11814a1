"""Each vendor export end to end through the app, on files in the vendors' real shapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import IdentityLink, OrgUsageRecord, UsageSeries
from peerwheel.usage.services import identity_map_import, usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]

VIVA_HEADER = (
    "PersonId,MetricDate,Collaboration_hours,Copilot_actions_taken_in_Teams,"
    "Copilot_actions_taken_in_Word,Days_of_active_Copilot_usage_in_Teams,"
    "Total_Copilot_actions_taken,Copilot_agent_actions_taken,Organization,FunctionType\n"
)


def test_viva_person_query_matches_employee_ids_and_creates_asked_people_from_hr_columns(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file(
        "person_query.csv",
        VIVA_HEADER
        + "E2,2025-03-30,12.5,4,3,2,7,0,Sales,Sales\n"
        + "E2,2025-04-06,10.0,0,0,0,0,2,Sales,Sales\n"
        + "P-900,2025-04-06,3.0,1,0,1,1,0,Legal,Legal\n",
    )
    report = usage_import("auto", path, create_people=True)  # detected from the header
    assert report.kind == "viva-person-query"
    alice = Person.objects.get(employee_id="E2")
    assert alice.department is not None and alice.department.name == "Engineering"  # untouched
    newcomer = Person.objects.get(employee_id="P-900")  # from the HR attribute columns
    assert (newcomer.department.name, newcomer.role_family) == ("Legal", "legal")
    assert (report.data["people_created"], report.data["people_updated"]) == (1, 0)
    rows = {
        (r.person.employee_id, r.week, r.tool): (r.actions, r.agent_actions, r.active_days)
        for r in stored_records()
    }
    assert rows == {
        ("E2", date(2025, 3, 31), "Copilot in Teams"): (4, 0, 2),
        ("E2", date(2025, 3, 31), "Copilot in Word"): (3, 0, None),
        ("E2", date(2025, 4, 7), "Copilot agents"): (0, 2, None),
        ("P-900", date(2025, 4, 7), "Copilot in Teams"): (1, 0, 1),
    }
    assert report.data["unmatched_ids"] == 0


M365 = (
    "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
    "Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,"
    "Copilot Agent Last Activity Date,Report Period\n"
    "2025-08-20,alice@example.com,Alice,2025-08-19,2025-08-19,2025-08-05,2025-08-18,7\n"
    "2025-08-20,bob@example.com,Bob,,,,,7\n"
    "2025-08-20,0123456789ABCDEF0123456789ABCDEF,,2025-08-19,2025-08-19,,,7\n"
)


def test_m365_usage_adds_one_action_per_app_in_its_last_week_and_never_overwrites(
    org: dict[str, Person], write_file: Write
) -> None:
    counted = write_file(
        "counted.csv", "person,week,tool,actions\nalice@example.com,2025-08-18,Copilot in Teams,9\n"
    )
    usage_import("usage-csv", counted)
    report = usage_import("m365-copilot-usage", write_file("m365.csv", M365))
    rows = {
        (r.week, r.tool): (r.actions, r.agent_actions) for r in stored_records(person=org["alice"])
    }
    assert rows == {
        (date(2025, 8, 18), "Copilot in Teams"): (9, 0),  # the count stays: 1 is a lower bound
        (date(2025, 8, 4), "Copilot in Word"): (1, 0),
        (date(2025, 8, 18), "Copilot agents"): (0, 1),
    }
    assert report.details["anonymised users skipped"] == 1
    assert any("Display concealed user" in w for w in report.warnings)
    assert not [r for r in stored_records() if r.external_id.startswith("0123")]


def _day(when: str, accepted: int, active: int) -> dict[str, object]:
    return {
        "date": when,
        "total_active_users": active,
        "total_engaged_users": active - 1,
        "copilot_ide_code_completions": {
            "total_engaged_users": active - 1,
            "editors": [
                {
                    "name": "vscode",
                    "total_engaged_users": active - 1,
                    "models": [
                        {
                            "name": "default",
                            "is_custom_model": False,
                            "total_engaged_users": active - 1,
                            "languages": [
                                {
                                    "name": "python",
                                    "total_engaged_users": active - 1,
                                    "total_code_suggestions": 300,
                                    "total_code_acceptances": accepted,
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    }


def test_github_metrics_become_organisation_records_and_reimport_is_idempotent(
    db: None, write_file: Write
) -> None:
    days = [_day("2025-06-02", 100, 10), _day("2025-06-03", 50, 12), _day("2025-06-09", 7, 3)]
    path = write_file("metrics.json", json.dumps(days, indent=2))
    first = usage_import("github-copilot-metrics", path, scope="acme")
    completions = OrgUsageRecord.objects.get(
        week=date(2025, 6, 2), tool="GitHub Copilot code completions"
    )
    assert (completions.scope, completions.actions, completions.active_users) == ("acme", 150, 12)
    assert (completions.engaged_users, completions.days) == (11, 2)
    assert (first.created, first.updated) == (8, 0)  # 2 weeks x 4 features
    again = usage_import("github-copilot-metrics", path, scope="acme")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert OrgUsageRecord.objects.count() == 8


def test_github_seats_match_logins_through_the_identity_map(
    org: dict[str, Person], write_file: Write
) -> None:
    seats = {
        "total_seats": 2,
        "seats": [
            {
                "created_at": "2025-01-10T10:00:00Z",
                "last_activity_at": "2025-06-04T15:00:00Z",
                "last_activity_editor": "vscode/1.90",
                "plan_type": "business",
                "assignee": {"login": "bob-codes", "id": 1},
            },
            {
                "created_at": "2025-01-10T10:00:00Z",
                "last_activity_at": None,
                "assignee": {"login": "never-used", "id": 2},
            },
        ],
    }
    path = write_file("seats.json", json.dumps(seats, indent=2))
    report = usage_import("github-copilot-seats", path)
    (record,) = stored_records()
    assert (record.person_id, record.external_id, record.week) == (
        None,
        "bob-codes",
        date(2025, 6, 2),
    )
    assert report.data["unmatched_ids"] == 1
    mapping = write_file("identities.csv", "external_id,employee_id,source\nbob-codes,E3,github\n")
    linked = identity_map_import(mapping)
    (record,) = stored_records()
    assert (record.person, record.external_id, record.week) == (
        org["bob"],
        "bob-codes",
        date(2025, 6, 2),
    )
    assert UsageSeries.objects.get().subject == f"p:{org['bob'].pk}"
    assert linked.data["relinked"] == 1
    link = IdentityLink.objects.get()
    assert (link.kind, link.value, link.person) == ("login", "bob-codes", org["bob"])


CHATGPT = (
    "cadence,period_start,period_end,name,email,user_status,messages,gpt_messages,"
    "tool_to_messages\n"
    "Weekly,2025-10-12,2025-10-18,Carol Clark,Carol@Example.com,enabled,61,59,"
    "\"{'Search': 494, 'Agent': 7}\"\n"
    "Weekly,2025-10-12,2025-10-18,,new.hire@example.com,pending,,,\n"
)


def test_chatgpt_enterprise_messages_and_agent_tools(
    org: dict[str, Person], write_file: Write
) -> None:
    report = usage_import("chatgpt-enterprise", write_file("chatgpt.csv", CHATGPT))
    (record,) = stored_records()
    assert (record.person, record.week, record.tool) == (
        org["carol"],
        date(2025, 10, 13),
        "ChatGPT Enterprise",
    )
    assert (record.actions, record.agent_actions) == (61, 7)
    assert report.skipped == 1  # the pending invitation


def test_identity_map_relinks_earlier_unmatched_records_and_the_later_import_wins(
    org: dict[str, Person], write_file: Write
) -> None:
    usage_import(
        "usage-csv",
        write_file("a.csv", "person,week,tool,actions\nE2,2025-03-03,ChatGPT,5\n"),
    )
    usage_import(
        "usage-csv",
        write_file(
            "b.csv",
            "person,week,tool,actions\nu-77,2025-03-03,ChatGPT,8\nu-77,2025-03-10,ChatGPT,2\n",
        ),
    )
    assert len(stored_records(matched=False)) == 2
    report = identity_map_import(write_file("map.csv", "external_id,employee_id\nu-77,E2\n"))
    assert report.data["relinked"] == 2  # both moved; alice's own week of 5 (older import) gave way
    weeks = {r.week: r.actions for r in stored_records(person=org["alice"])}
    assert weeks == {date(2025, 3, 3): 8, date(2025, 3, 10): 2}
    assert not stored_records(matched=False)


def test_identity_map_naming_an_unknown_employee_writes_nothing(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file(
        "map.csv", "external_id,employee_id\nbob-codes,E3\nsomeone@example.com,E404\n"
    )
    with pytest.raises(ImportFailed) as caught:
        identity_map_import(path)
    (error,) = caught.value.report.errors
    assert (error.line, error.column) == (3, "employee_id")
    assert not IdentityLink.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED
