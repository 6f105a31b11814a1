"""A usage import never creates or changes people unless the admin asks (--create-people), and
pseudonymised ids never create people beside the HR people (issue 13, items 3 and 10)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.services import identity_map_import, usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]

# ChatGPT Enterprise workspace analytics, user report (weekly): the export's own columns.
CHATGPT_USERS = (
    "cadence,period_start,period_end,account_id,public_id,name,email,role,user_role,department,"
    "user_status,created_or_invited_date,is_active,first_day_active_in_period,"
    "last_day_active_in_period,messages,messages_rank,model_to_messages,gpt_messages,"
    "tool_messages,tool_to_messages,project_messages\n"
    "Weekly,2025-10-12,2025-10-18,acc-1,user-a1,avi,alice@example.com,standard-user,member,,"
    "enabled,2025-01-02,1,2025-10-13,2025-10-17,12,3,\"{'gpt-4o': 12}\",0,0,,0\n"
    "Weekly,2025-10-12,2025-10-18,acc-1,user-b2,Bruno O. (he/him),BOB@example.com,standard-user,"
    "member,,enabled,2025-01-02,1,2025-10-13,2025-10-14,5,9,\"{'gpt-4o': 5}\",0,0,,0\n"
    'Weekly,2025-10-12,2025-10-18,acc-1,user-c3,"Mendes, Chiara",carol@example.com,'
    'standard-user,member,,enabled,2025-01-02,1,2025-10-15,2025-10-15,3,11,"{}",0,0,,0\n'
    "Weekly,2025-10-12,2025-10-18,acc-1,user-z9,Zoe Stranger,zoe@example.com,standard-user,"
    'member,,enabled,2025-03-02,1,2025-10-13,2025-10-13,4,10,"{}",0,0,,0\n'
)

VIVA_HEADER = (
    "PersonId,MetricDate,Copilot_actions_taken_in_Teams,Total_Copilot_actions_taken,"
    "Organization,FunctionType\n"
)
# Hashed PersonIds, as in Microsoft's own person query samples.
GUID_A = "3f2a9c1e-7b4d-4e8a-9c2f-1a6b5d4e3c21"
GUID_B = "b7e1d2c3-4f5a-46b7-8c9d-0e1f2a3b4c5d"
VIVA_HASHED = (
    VIVA_HEADER
    + f"{GUID_A},2025-04-06,4,4,Sales,Sales\n"
    + f"{GUID_B},2025-04-06,2,2,Legal,Legal\n"
)


def _directory() -> list[tuple[str, str, str]]:
    return sorted(Person.objects.values_list("employee_id", "name", "email"))


def test_chatgpt_import_leaves_names_emails_and_headcount_alone(
    org: dict[str, Person], write_file: Write
) -> None:
    before = _directory()
    report = usage_import("chatgpt-enterprise", write_file("users.csv", CHATGPT_USERS))
    assert _directory() == before  # no "avi", no "Mendes, Chiara", no new person
    assert not Import.objects.filter(kind="people").exists()
    assert {(r.person, r.actions) for r in stored_records(matched=True)} == {
        (org["alice"], 12),
        (org["bob"], 5),
        (org["carol"], 3),
    }
    (unmatched,) = stored_records(matched=False)
    assert (unmatched.external_id, unmatched.actions) == ("zoe@example.com", 4)
    assert report.data["people_created"] == 0
    assert report.data["unmatched_ids"] == 1
    assert any(
        "no people were created or changed" in n and "--create-people" in n for n in report.notes
    )


def test_unmatched_chatgpt_user_is_linked_once_the_identity_map_arrives(
    org: dict[str, Person], write_file: Write
) -> None:
    usage_import("chatgpt-enterprise", write_file("users.csv", CHATGPT_USERS))
    identity_map_import(
        write_file("map.csv", "external_id,employee_id,source\nzoe@example.com,E5,chatgpt\n")
    )
    assert not stored_records(matched=False)
    assert [r.actions for r in stored_records(person=org["dan"])] == [4]
    assert Person.objects.count() == len(org)


def test_create_people_creates_only_the_unmatched_and_renames_no_one(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("users.csv", CHATGPT_USERS)
    before = _directory()
    call_command("importdata", "chatgpt-enterprise", str(path), "--create-people")
    zoe = Person.objects.get(email="zoe@example.com")
    assert (zoe.employee_id, zoe.name) == ("zoe@example.com", "Zoe Stranger")
    assert sorted(set(_directory()) - set(before)) == [
        ("zoe@example.com", "Zoe Stranger", "zoe@example.com")
    ]
    assert [r.person for r in stored_records() if r.actions == 4] == [zoe]
    again = usage_import("chatgpt-enterprise", path, create_people=True)  # idempotent
    assert (again.data["people_created"], again.created, again.updated) == (0, 0, 0)
    assert Person.objects.count() == len(org) + 1


def test_create_people_dry_run_writes_no_person(org: dict[str, Person], write_file: Write) -> None:
    report = usage_import(
        "chatgpt-enterprise",
        write_file("users.csv", CHATGPT_USERS),
        dry_run=True,
        create_people=True,
    )
    assert report.data["people_created"] == 1
    assert any("would create 1" in n for n in report.notes)
    assert Person.objects.count() == len(org)
    assert not UsageSeries.objects.exists()


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("usage-csv", "person,week,tool,actions\nnew.hire@example.com,2025-03-03,ChatGPT,5\n"),
        (
            "m365-copilot-usage",
            "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
            "Microsoft Teams Copilot Last Activity Date,Report Period\n"
            "2025-08-20,new.hire@example.com,New Hire,2025-08-19,2025-08-19,7\n",
        ),
        ("viva-person-query", VIVA_HEADER + "P-900,2025-04-06,3,3,Legal,Legal\n"),
    ],
)
def test_no_usage_kind_creates_people_by_default(
    org: dict[str, Person], write_file: Write, kind: str, content: str
) -> None:
    before = _directory()
    report = usage_import(kind, write_file("usage.csv", content))
    assert _directory() == before
    assert report.data["unmatched_ids"] == 1
    assert len(stored_records(matched=False)) == 1


def test_viva_hr_columns_never_change_matched_people(
    org: dict[str, Person], write_file: Write
) -> None:
    usage_import(
        "viva-person-query",
        write_file("pq.csv", VIVA_HEADER + "E2,2025-04-06,4,4,Sales,Sales\n"),
        create_people=True,
    )
    alice = Person.objects.get(pk=org["alice"].pk)
    assert alice.department is not None and alice.department.name == "Engineering"
    assert alice.role_family == "engineering"


def test_hashed_viva_ids_never_create_people_beside_hr_people(
    org: dict[str, Person], write_file: Write
) -> None:
    before = _directory()
    report = usage_import(
        "viva-person-query", write_file("pq.csv", VIVA_HASHED), create_people=True
    )
    assert _directory() == before  # even when asked: no nameless duplicates
    assert {r.external_id for r in stored_records(matched=False)} == {GUID_A, GUID_B}
    assert report.data["pseudonymous_ids_unmatched"] == 2
    assert report.data["people_created"] == 0
    assert any(
        "pseudonymised" in n and "already has people from an HR import" in n for n in report.notes
    )
    identity_map_import(write_file("map.csv", f"external_id,employee_id\n{GUID_A},E2\n"))
    assert [r.actions for r in stored_records(person=org["alice"])] == [4]


def test_hashed_viva_ids_in_an_empty_organisation_need_create_people(
    db: None, write_file: Write
) -> None:
    path = write_file("pq.csv", VIVA_HASHED)
    report = usage_import("viva-person-query", path)
    assert not Person.objects.exists()
    assert any("--create-people" in n for n in report.notes)
    created = usage_import("viva-person-query", path, create_people=True)
    people = {p.employee_id: p for p in Person.objects.select_related("department")}
    assert set(people) == {GUID_A, GUID_B}
    assert people[GUID_B].department is not None and people[GUID_B].department.name == "Legal"
    assert (people[GUID_A].name, people[GUID_A].email) == ("", "")
    assert any("2 of them are pseudonymous" in n for n in created.notes)
    assert not stored_records(matched=False)  # the earlier unmatched records were linked


@pytest.mark.parametrize("kind", ["github-copilot-metrics", "identity-map"])
def test_create_people_is_refused_by_kinds_without_people(
    db: None, write_file: Write, kind: str
) -> None:
    path = write_file("file.csv", "external_id,employee_id\n")
    with pytest.raises(CommandError, match="takes no --create-people"):
        call_command("importdata", kind, str(path), "--create-people")
