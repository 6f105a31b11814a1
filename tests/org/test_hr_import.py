from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.org.services import people_import

pytestmark = pytest.mark.django_db

VIVA = """PersonId,ManagerId,Organization,FunctionType,LevelDesignation,SupervisorIndicator,Area
p-001,,Executive,Strategy,CEO,Manager+,London
p-002,p-001,Engineering,R&D,Director,Manager+,London
p-003,p-002,Engineering,R&D,Engineer,IC,Berlin
p-004,p-002,Engineering,Engineering,Engineer,IC,Berlin
"""

BAMBOO = (
    "Employee #,First Name,Last Name,Work Email,Department,Division,Job Title,Location,"
    "Supervisor EID\n"
    """100,Maya,Khan,Maya.Khan@Example.COM ,Finance,Corporate,Controller,London,
101,Theo,Wright,theo.wright@example.com,Finance,Corporate,Accountant,London,100
102,Inês,Costa,ines.costa@example.com,Legal,Corporate,Counsel,Lisbon,100
"""
)


def write(tmp_path: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_viva_org_data_imports_people_managers_and_departments(tmp_path: Path) -> None:
    report = people_import(write(tmp_path, "org.csv", VIVA))

    assert (report.created, report.updated, report.errors) == (4, 0, [])
    engineer = Person.objects.select_related("manager", "department", "site").get(
        employee_id="p-003"
    )
    assert engineer.manager.employee_id == "p-002"
    assert engineer.department.name == "Engineering"
    assert engineer.site.name == "Berlin"
    assert engineer.role_family == "engineering"
    assert engineer.name == ""  # Viva files carry no names
    assert Person.objects.get(employee_id="p-002").is_leader is True
    assert "role families kept as 'other': 'Strategy'" in report.warnings[0]


def test_bamboohr_export_normalises_emails_and_joins_names(tmp_path: Path) -> None:
    people_import(write(tmp_path, "bamboo.csv", BAMBOO))

    maya = Person.objects.get(employee_id="100")
    assert maya.email == "maya.khan@example.com"
    assert maya.name == "Maya Khan"
    assert maya.job_title == "Controller"
    assert Person.objects.get(employee_id="101").manager == maya


def test_bom_crlf_and_semicolons_are_read(tmp_path: Path) -> None:
    text = (
        "\ufeffEmployee ID;Name;Email\r\n"
        "7;Zoë Field;zoe@example.com\r\n"
        '8;"Li; Wei";wei@example.com\r\n'
    )
    report = people_import(write(tmp_path, "semi.csv", text))

    assert report.created == 2
    assert Person.objects.get(employee_id="8").name == "Li; Wei"


def test_map_reads_any_column_as_a_field(tmp_path: Path) -> None:
    path = write(tmp_path, "custom.csv", "Staff No,Boss,Unit\nA1,,Ops\nA2,A1,Ops\n")
    people_import(path, mapping={"Staff No": "employee_id", "Boss": "manager_id", "Unit": "team"})

    assert Person.objects.get(employee_id="A2").manager.employee_id == "A1"
    assert Person.objects.get(employee_id="A2").team.name == "Ops"


def test_missing_required_column_names_it_and_the_accepted_names(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "bad.csv", "Name,Email\nAda,ada@example.com\n"))

    [error] = caught.value.report.errors
    assert "missing required column 'employee_id'" in str(error)
    assert "'PersonId'" in str(error) and "'Employee #'" in str(error)
    assert error.line == 1
    assert not Person.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_a_bad_row_names_its_line_and_nothing_is_written(tmp_path: Path) -> None:
    text = "EmployeeId,Email\nE1,good@example.com\nE2,not-an-email\n,missing@example.com\n"
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "bad.csv", text))

    errors = caught.value.report.errors
    assert [(e.line, e.column) for e in errors] == [(3, "email"), (4, "EmployeeId")]
    assert "'not-an-email' is not an email address" in errors[0].message
    assert not Person.objects.exists()
    failed = Import.objects.get()
    assert failed.status == Import.Status.FAILED
    assert failed.errors[0]["line"] == 3


def test_skip_invalid_writes_the_good_rows_and_reports_the_rest(tmp_path: Path) -> None:
    text = "EmployeeId,Email\nE1,good@example.com\nE2,not-an-email\n"
    report = people_import(write(tmp_path, "bad.csv", text), skip_invalid=True)

    assert list(Person.objects.values_list("employee_id", flat=True)) == ["E1"]
    assert report.skipped == 1
    assert report.errors[0].line == 3
    assert Import.objects.get().status == Import.Status.PARTIAL


def test_self_management_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "self.csv", "PersonId,ManagerId\nx,x\n"))

    assert caught.value.report.errors[0].message == "a person cannot be their own manager"


def test_manager_cycles_are_rejected_with_the_chain(tmp_path: Path) -> None:
    text = "PersonId,ManagerId\na,c\nb,a\nc,b\nd,\n"
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "cycle.csv", text))

    (error,) = caught.value.report.errors
    assert "cycle" in error.message
    assert error.line == 2
    assert not Person.objects.exists()


def test_cycle_through_people_already_imported_is_rejected(tmp_path: Path) -> None:
    people_import(write(tmp_path, "first.csv", "PersonId,ManagerId\nboss,\nworker,boss\n"))
    with pytest.raises(ImportFailed):
        people_import(write(tmp_path, "second.csv", "PersonId,ManagerId\nboss,worker\n"))

    assert Person.objects.get(employee_id="boss").manager is None


def test_unknown_manager_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "m.csv", "PersonId,ManagerId\na,ghost\n"))

    assert "'ghost' is neither in this file nor already imported" in str(caught.value)


def test_duplicate_ids_in_one_file_name_the_first_line(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "d.csv", "PersonId\na\nb\na\n"))

    assert "first on line 2" in caught.value.report.errors[0].message
    assert caught.value.report.errors[0].line == 4


def test_reimport_upserts_without_duplicates_and_is_idempotent(tmp_path: Path) -> None:
    path = write(tmp_path, "org.csv", VIVA)
    people_import(path)
    again = people_import(path)

    assert Person.objects.count() == 4
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    moved = VIVA.replace(
        "p-004,p-002,Engineering,Engineering,Engineer,IC,Berlin",
        "p-004,p-001,Engineering,Engineering,Engineer,IC,London",
    )
    changed = people_import(write(tmp_path, "org2.csv", moved))
    assert (changed.created, changed.updated) == (0, 1)
    person = Person.objects.get(employee_id="p-004")
    assert (person.manager.employee_id, person.site.name) == ("p-001", "London")


def test_reimport_keeps_fields_the_new_file_does_not_have(tmp_path: Path) -> None:
    people_import(write(tmp_path, "full.csv", "EmployeeId,Name,Email\n1,Ada,ada@example.com\n"))
    people_import(write(tmp_path, "ids.csv", "EmployeeId,Department\n1,Finance\n"))

    person = Person.objects.get(employee_id="1")
    assert (person.name, person.email, person.department.name) == (
        "Ada",
        "ada@example.com",
        "Finance",
    )


def test_dry_run_reports_changes_and_writes_nothing(tmp_path: Path) -> None:
    report = people_import(write(tmp_path, "org.csv", VIVA), dry_run=True)

    assert report.created == 4
    assert not Person.objects.exists()
    assert Import.objects.get().status == Import.Status.DRY_RUN


def test_scim_users_with_enterprise_extension(tmp_path: Path) -> None:
    ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    document = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 2,
        "Resources": [
            {
                "id": "2819c223",
                "userName": "bjensen@example.com",
                "name": {"givenName": "Barbara", "familyName": "Jensen"},
                "emails": [{"value": "BJensen@Example.com", "primary": True}],
                "title": "Tour Guide",
                "addresses": [{"type": "work", "locality": "Hollywood"}],
                ext: {
                    "employeeNumber": "701984",
                    "department": "Tour Operations",
                    "manager": {"value": "26118915", "displayName": "John Smith"},
                },
            },
            {
                "id": "26118915",
                "userName": "jsmith@example.com",
                "displayName": "John Smith",
                ext: {"employeeNumber": "701001", "department": "Tour Operations"},
            },
        ],
    }
    path = write(tmp_path, "users.json", json.dumps(document))
    report = people_import(path)

    assert report.created == 2
    barbara = Person.objects.get(employee_id="701984")
    assert (barbara.name, barbara.email, barbara.job_title) == (
        "Barbara Jensen",
        "bjensen@example.com",
        "Tour Guide",
    )
    assert barbara.manager.employee_id == "701001"
    assert barbara.site.name == "Hollywood"


def test_truncated_scim_json_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "users.json", '{"Resources": [\n{"userName": "a"'))

    [error] = caught.value.report.errors
    assert "not valid JSON" in str(error)
    assert error.line == 2


def test_scim_user_without_employee_number_is_named(tmp_path: Path) -> None:
    document = {"Resources": [{"userName": "a@example.com"}]}
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "u.json", json.dumps(document)))

    assert "Resources[0]" in caught.value.report.errors[0].column


def test_upload_stream_is_accepted(db: None) -> None:
    report = people_import(io.BytesIO(b"PersonId\nz1\n"), file_name="upload.csv")

    assert report.created == 1
    assert Import.objects.get().file_name == "upload.csv"


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "latin.csv", "PersonId,Name\n1,Zoë\n", encoding="utf-16"))

    assert "UTF-8" in str(caught.value)
