"""Viva Insights organisational data with monthly history (issue 13, item 5).

The fixture is in the shape of a Viva org-data upload: one row per person per month, keyed by
`PersonId` and `EffectiveDate`, with Viva's attribute columns. The latest month per person is
current; earlier months are history, never duplicates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.org.services import people_import

pytestmark = pytest.mark.django_db

HEADER = (
    "PersonId,EffectiveDate,ManagerId,Organization,FunctionType,LevelDesignation,"
    "SupervisorIndicator,Area\n"
)
# Three people over July to September (eight rows: the CEO has no August row); the rows are not
# in date order, as a concatenation of monthly uploads may be.
VIVA_HISTORY = HEADER + (
    "ceo@contoso.com,2026-07-01,,Executive,Executive,CEO,Manager+,London\n"
    "amy@contoso.com,2026-07-01,ceo@contoso.com,Sales,Sales,Associate,IC,London\n"
    "p-17,2026-07-01,ceo@contoso.com,Finance,Finance,Analyst,IC,Leeds\n"
    "ceo@contoso.com,2026-09-01,,Executive,Executive,CEO,Manager+,London\n"
    "amy@contoso.com,2026-09-01,p-17,Engineering,Engineering,Engineer,IC,Berlin\n"
    "p-17,2026-09-01,ceo@contoso.com,Finance,Finance,Controller,Manager+,Leeds\n"
    "amy@contoso.com,2026-08-01,ceo@contoso.com,Sales,Sales,Senior Associate,IC,London\n"
    "p-17,2026-08-01,ceo@contoso.com,Finance,Finance,Senior Analyst,IC,Leeds\n"
)
# The same history as Viva writes dates in a US-locale export: month first, no padding.
VIVA_HISTORY_US = HEADER + (
    "ceo@contoso.com,7/1/2026,,Executive,Executive,CEO,Manager+,London\n"
    "amy@contoso.com,7/1/2026,ceo@contoso.com,Sales,Sales,Associate,IC,London\n"
    "amy@contoso.com,9/1/2026,ceo@contoso.com,Engineering,Engineering,Engineer,IC,Berlin\n"
    "amy@contoso.com,12/1/2026,ceo@contoso.com,Legal,Legal,Counsel,IC,Lisbon\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> list[tuple[str, ...]]:
    return sorted(
        Person.objects.values_list(
            "employee_id", "email", "job_title", "department__name", "site__name", "updated"
        )
    )


def test_monthly_history_keeps_the_latest_month_per_person(tmp_path: Path) -> None:
    report = people_import(write(tmp_path, "viva-org.csv", VIVA_HISTORY))

    assert report.errors == []
    assert (report.rows_read, report.records, report.created, report.skipped) == (8, 3, 3, 0)
    assert "3 people, 8 monthly rows: the latest month per person is kept" in report.notes
    assert report.data["effective_date"] == "2026-09-01"
    amy = Person.objects.select_related("manager", "department", "site").get(
        employee_id="amy@contoso.com"
    )
    # September's row, though August's comes later in the file.
    assert (amy.job_title, amy.department.name, amy.site.name) == (
        "Engineer",
        "Engineering",
        "Berlin",
    )
    assert amy.manager.employee_id == "p-17"
    assert Person.objects.get(employee_id="p-17").job_title == "Controller"
    assert Import.objects.get(pk=report.import_id).status == Import.Status.SUCCEEDED


def test_a_person_id_that_is_an_email_becomes_the_persons_email(tmp_path: Path) -> None:
    people_import(write(tmp_path, "viva-org.csv", VIVA_HISTORY))

    assert Person.objects.get(employee_id="amy@contoso.com").email == "amy@contoso.com"
    assert Person.objects.get(employee_id="p-17").email == ""


def test_an_email_column_wins_over_the_person_id(tmp_path: Path) -> None:
    text = "PersonId,Email,EffectiveDate\nold@contoso.com,new@contoso.com,2026-09-01\n"
    people_import(write(tmp_path, "viva-org.csv", text))

    assert Person.objects.get(employee_id="old@contoso.com").email == "new@contoso.com"


def test_us_dates_as_viva_exports_them_are_read_month_first(tmp_path: Path) -> None:
    report = people_import(write(tmp_path, "viva-org-us.csv", VIVA_HISTORY_US))

    assert (report.created, report.errors) == (2, [])
    assert Person.objects.get(employee_id="amy@contoso.com").job_title == "Counsel"
    assert report.data["effective_date"] == "2026-12-01"


def test_importing_the_history_twice_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "viva-org.csv", VIVA_HISTORY)
    people_import(path)
    before = snapshot()

    again = people_import(path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_a_dry_run_of_the_history_writes_nothing(tmp_path: Path) -> None:
    report = people_import(write(tmp_path, "viva-org.csv", VIVA_HISTORY), dry_run=True)

    assert report.created == 3
    assert Person.objects.count() == 0
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_two_different_rows_for_one_person_and_month_are_an_error_naming_both_lines(
    tmp_path: Path,
) -> None:
    text = VIVA_HISTORY + "p-17,2026-08-01,ceo@contoso.com,Legal,Legal,Counsel,IC,Leeds\n"

    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "viva-org.csv", text))

    report = caught.value.report
    assert [(e.line, e.column) for e in report.errors] == [(10, "EffectiveDate")]
    assert "'p-17' has two different rows for 2026-08-01 (lines 9 and 10)" in str(report.errors[0])
    assert Person.objects.count() == 0
    assert Import.objects.get(pk=report.import_id).status == Import.Status.FAILED


def test_the_same_row_twice_is_not_an_error(tmp_path: Path) -> None:
    repeated = "p-17,2026-09-01,ceo@contoso.com,Finance,Finance,Controller,Manager+,Leeds\n"

    report = people_import(write(tmp_path, "viva-org.csv", VIVA_HISTORY + repeated))

    assert (report.created, report.errors) == (3, [])


def test_a_bad_effective_date_is_an_error_with_line_and_column_and_writes_nothing(
    tmp_path: Path,
) -> None:
    text = VIVA_HISTORY + "p-17,2026-13-01,ceo@contoso.com,Finance,Finance,CFO,Manager+,Leeds\n"

    with pytest.raises(ImportFailed) as caught:
        people_import(write(tmp_path, "viva-org.csv", text))

    report = caught.value.report
    assert [(e.line, e.column) for e in report.errors] == [(10, "EffectiveDate")]
    assert "'2026-13-01' is not a date" in str(report.errors[0])
    assert Person.objects.count() == 0
    assert Import.objects.get(pk=report.import_id).status == Import.Status.FAILED


def test_skip_invalid_keeps_the_latest_good_month_and_ends_partial(tmp_path: Path) -> None:
    text = VIVA_HISTORY + "amy@contoso.com,not a date,p-17,Legal,Legal,Counsel,IC,Lisbon\n"

    report = people_import(write(tmp_path, "viva-org.csv", text), skip_invalid=True)

    assert (report.created, report.skipped) == (3, 1)
    assert Person.objects.get(employee_id="amy@contoso.com").job_title == "Engineer"
    assert Import.objects.get(pk=report.import_id).status == Import.Status.PARTIAL
