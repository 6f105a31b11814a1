"""Leavers (issue 13, item 12): BambooHR `Status` Inactive / `Employment Status` Terminated and
SCIM `active: false` mark a person as left; they keep their history and leave every headcount,
denominator and group.

Fixtures follow the vendors' documentation: BambooHR's field list ("Field Names": `status` is
Active or Inactive, `employmentHistoryStatus` the account's employment statuses, Terminated among
them, `terminationDate`, an empty date written `0000-00-00`; a custom report's CSV labels them
Status, Employment Status, Termination Date), and RFC 7643 section 4.1.1 (`active`, a Boolean,
the User's administrative status) in a SCIM 2.0 ListResponse (RFC 7644 section 3.4.2).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.hub.models import Post
from peerwheel.hub.selectors import library_choices
from peerwheel.hub.services import post_publish
from peerwheel.org.models import Person, Tie
from peerwheel.org.selectors import (
    headcount_by_department_and_site,
    org_overview,
    people_current,
    people_export_rows,
)
from peerwheel.org.services import people_import
from peerwheel.simulate.selectors import org_people_frame, organisation_network
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.selectors import ladder_all, overview
from peerwheel.usage.services import usage_import

pytestmark = pytest.mark.django_db

BAMBOO_HEADER = (
    "Employee #,First Name,Last Name,Work Email,Department,Job Title,Location,Supervisor EID,"
    "Status,Employment Status,Termination Date\n"
)
# A custom report with "include inactive employees": 2 current, 2 leavers (one with the
# termination date, one whose Status alone says so).
BAMBOO = BAMBOO_HEADER + (
    "100,Maya,Khan,maya.khan@example.com,Finance,Controller,London,,Active,Full-Time,0000-00-00\n"
    "101,Theo,Wright,theo.wright@example.com,Finance,Accountant,London,100,Active,Part-Time,\n"
    "102,Inês,Costa,ines.costa@example.com,Legal,Counsel,Lisbon,100,Inactive,Terminated,"
    "2026-10-30\n"
    "103,Omar,Haddad,omar.haddad@example.com,Finance,Analyst,London,100,Inactive,Full-Time,\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def people() -> dict[str, tuple[bool, date | None]]:
    return {p.employee_id: (p.active, p.left_on) for p in Person.objects.all()}


def test_bamboohr_inactive_and_terminated_are_leavers(tmp_path: Path) -> None:
    report = people_import(write(tmp_path, "bamboo.csv", BAMBOO))

    today = timezone.localdate()
    assert (report.created, report.updated, report.errors) == (4, 0, [])
    assert people() == {
        "100": (True, None),
        "101": (True, None),
        "102": (False, date(2026, 10, 30)),  # the file's termination date
        "103": (False, today),  # no date given: the day the import first read them as left
    }
    assert (report.data["leavers_read"], report.data["leavers_marked"]) == (2, 2)
    assert any(n.startswith("leavers: 2 in the file") for n in report.notes)
    assert "2 were newly marked as left" in " ".join(report.notes)
    assert Import.objects.get(pk=report.import_id).status == Import.Status.SUCCEEDED


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "bamboo.csv", BAMBOO)
    people_import(path)
    before = people()

    again = people_import(path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert (again.data["leavers_read"], again.data["leavers_marked"]) == (2, 0)
    assert "no changes: every person is already as the file says" in again.notes
    assert people() == before


def test_a_leaver_keeps_the_first_day_they_were_read_as_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "bamboo.csv", BAMBOO)
    people_import(path)
    first = timezone.localdate()
    later = first + timedelta(days=40)
    monkeypatch.setattr("peerwheel.org.services.timezone.localdate", lambda: later)

    again = people_import(path)

    assert again.updated == 0
    assert Person.objects.get(employee_id="103").left_on == first


def test_a_dry_run_marks_nobody(tmp_path: Path) -> None:
    all_active = BAMBOO.replace("Inactive", "Active").replace("Terminated", "Full-Time")
    people_import(write(tmp_path, "all-active.csv", all_active))

    report = people_import(write(tmp_path, "bamboo.csv", BAMBOO), dry_run=True)

    assert (report.updated, report.data["leavers_marked"]) == (2, 2)
    assert "2 would be newly marked as left" in " ".join(report.notes)
    assert people_current().count() == 4
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_an_unknown_status_names_line_and_column_and_writes_nothing(tmp_path: Path) -> None:
    people_import(write(tmp_path, "bamboo.csv", BAMBOO))
    before = people()
    bad = BAMBOO.replace(",Inactive,Full-Time,", ",Gone?,,")

    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "bad.csv", bad))

    (error,) = caught.value.report.errors
    assert (error.line, error.column) == (5, "Status")
    assert "'Gone?' is not a status we know" in error.message
    assert people() == before
    assert Import.objects.get(pk=caught.value.report.import_id).status == Import.Status.FAILED


def test_a_bad_termination_date_names_line_and_column(tmp_path: Path) -> None:
    bad = BAMBOO.replace("2026-10-30", "30.10.2026")

    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "bad.csv", bad))

    (error,) = caught.value.report.errors
    assert (error.line, error.column) == (4, "Termination Date")
    assert not Person.objects.exists()


def test_a_termination_date_alone_makes_a_leaver_once_it_has_passed(tmp_path: Path) -> None:
    today = timezone.localdate()
    text = (
        "Employee #,First Name,Termination Date\n"
        f"1,Past,{today - timedelta(days=1)}\n"
        f"2,Future,{today + timedelta(days=14)}\n"
        "3,None,\n"
    )

    people_import(write(tmp_path, "terms.csv", text))

    assert people() == {
        "1": (False, today - timedelta(days=1)),
        "2": (True, None),  # serving their notice: still here
        "3": (True, None),
    }


def test_someone_who_comes_back_is_current_again(tmp_path: Path) -> None:
    people_import(write(tmp_path, "bamboo.csv", BAMBOO))
    rehired = BAMBOO.replace(",Inactive,Terminated,2026-10-30", ",Active,Full-Time,")

    report = people_import(write(tmp_path, "rehired.csv", rehired))

    assert Person.objects.get(employee_id="102").active is True
    assert Person.objects.get(employee_id="102").left_on is None
    assert (report.updated, report.data["people_returned"]) == (1, 1)
    assert "returned: 1 people marked as left were made current again" in report.notes


def test_a_file_without_status_columns_leaves_leavers_as_they_are(tmp_path: Path) -> None:
    people_import(write(tmp_path, "bamboo.csv", BAMBOO))
    plain = "Employee #,Job Title\n102,Senior Counsel\n"

    people_import(write(tmp_path, "titles.csv", plain))

    ines = Person.objects.get(employee_id="102")
    assert (ines.active, ines.left_on, ines.job_title) == (
        False,
        date(2026, 10, 30),
        "Senior Counsel",
    )


def scim(users: list[dict[str, object]]) -> str:
    return json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(users),
            "startIndex": 1,
            "itemsPerPage": len(users),
            "Resources": users,
        }
    )


def scim_user(number: str, user_name: str, active: object) -> dict[str, object]:
    user: dict[str, object] = {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "id": f"2819c223-7f76-453a-919d-41{number:0>10}",
        "userName": user_name,
        "name": {"givenName": user_name.split("@")[0].title(), "familyName": "Jensen"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": number,
            "department": "Tour Operations",
        },
    }
    if active is not None:
        user["active"] = active
    return user


def test_scim_active_false_is_a_leaver(tmp_path: Path) -> None:
    users = [
        scim_user("701984", "bjensen@example.com", True),
        scim_user("701985", "kjensen@example.com", False),
        scim_user("701986", "ajensen@example.com", "False"),  # a string, as some IdPs send it
        scim_user("701987", "njensen@example.com", None),  # absent: says nothing
    ]

    report = people_import(write(tmp_path, "users.json", scim(users)))

    assert {k: v[0] for k, v in people().items()} == {
        "701984": True,
        "701985": False,
        "701986": False,
        "701987": True,
    }
    assert (report.created, report.data["leavers_read"], report.data["leavers_marked"]) == (
        4,
        2,
        2,
    )


def test_a_scim_active_that_is_not_a_boolean_names_the_resource(tmp_path: Path) -> None:
    users = [scim_user("701984", "bjensen@example.com", True), scim_user("2", "x@x.com", 0)]

    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "users.json", scim(users)))

    (error,) = caught.value.report.errors
    assert (error.line, error.column) == (2, "Resources[1].active")
    assert "resource 2" in str(error)
    assert not Person.objects.exists()


def _two_teams(tmp_path: Path, *, left: str | None = "2026-11-01") -> None:
    """Six in Finance, London (105 left on `left`), three in Legal, Lisbon (one a leaver)."""
    rows = [
        f"{100 + i},P{i},Q,p{i}@example.com,Finance,Analyst,London,,"
        f"{'Inactive' if i == 5 and left else 'Active'},Full-Time,{(left or '') if i == 5 else ''}"
        for i in range(6)
    ] + [
        f"{200 + i},L{i},Q,l{i}@example.com,Legal,Counsel,Lisbon,,"
        f"{'Inactive' if i == 2 else 'Active'},Full-Time,"
        for i in range(3)
    ]
    people_import(write(tmp_path, "org.csv", BAMBOO_HEADER + "\n".join(rows) + "\n"))


def test_leavers_leave_the_headcounts(tmp_path: Path) -> None:
    _two_teams(tmp_path)

    assert org_overview().people == 7
    assert headcount_by_department_and_site() == [("Finance", "London", 5), ("Legal", "Lisbon", 2)]
    assert library_choices()["departments"] == ["Finance", "Legal"]
    assert Person.objects.count() == 9  # nobody deleted
    exported = {row["employee_id"]: row for row in people_export_rows()}
    assert (exported["105"]["active"], exported["105"]["left_on"]) == (False, "2026-11-01")


def test_leavers_leave_the_simulated_network_with_their_ties(tmp_path: Path) -> None:
    _two_teams(tmp_path)
    by_id = Person.objects.in_bulk(["100", "105", "101"], field_name="employee_id")
    a, b, c = by_id["100"], by_id["105"], by_id["101"]
    for x, y in ((a, b), (a, c)):
        low, high = sorted((x, y), key=lambda p: p.pk)
        Tie.objects.create(person_a=low, person_b=high, weight=3.0)

    frame = org_people_frame()
    network = organisation_network()

    assert "105" not in set(frame["employee_id"]) and len(frame) == 7
    assert network.n == 7


def test_a_leavers_usage_and_posts_stay_and_count_until_they_left(tmp_path: Path) -> None:
    """Finance, London: five current people and one who left on Saturday 2026-11-07. Their
    usage weeks before leaving stay in the overview; the weeks after leave its denominator."""
    _two_teams(tmp_path, left=None)
    mondays = [date(2026, 10, 26) + timedelta(weeks=w) for w in range(4)]
    lines = ["email,week,tool,actions"] + [
        f"p{i}@example.com,{monday},ChatGPT Enterprise,{5 + i}"
        for i in range(6)
        for monday in mondays
    ]
    usage_import("usage-csv", write(tmp_path, "usage.csv", "\n".join(lines) + "\n"))
    leaver = Person.objects.get(employee_id="105")
    post_publish(author=leaver, kind="tip", title="Month-end in half the time", body="Steps.")

    _two_teams(tmp_path, left="2026-11-07")

    table = overview(by="department").set_index(["week", "group"])
    people_per_week = table.xs("Finance", level="group")["people"].tolist()
    assert people_per_week == [6, 6, 5, 5]  # weeks of 26 Oct and 2 Nov with them, then not
    ladder = ladder_all()
    assert ladder.groupby("week")["people"].max().tolist()[-1] == 5
    assert UsageSeries.objects.filter(person=leaver).count() == 1
    assert Post.objects.filter(author=leaver).count() == 1
    assert Person.objects.get(pk=leaver.pk).active is False


def test_the_admin_people_list_filters_on_active(tmp_path: Path, client_for) -> None:  # type: ignore[no-untyped-def]
    _two_teams(tmp_path)
    admin = client_for("erin")

    leavers = admin.get("/admin/org/person/?active__exact=0")
    current = admin.get("/admin/org/person/?active__exact=1")

    assert leavers.status_code == current.status_code == 200
    assert [p.employee_id for p in leavers.context["cl"].result_list] == ["105", "202"]
    assert "105" not in {p.employee_id for p in current.context["cl"].result_list}
