"""Hashed Viva PersonIds beside HR people (issue 13, item 10): they create no people, their usage
stays unmatched, and the HR attributes the file carries are kept so the usage overview still
counts them in their groups; the report says why they stayed unmatched.

The fixture is a Viva Insights person query as Microsoft's samples write it: `PersonId` a GUID,
`MetricDate` the Sunday starting the week, the Copilot metrics with underscores (as
`vivainsights.import_query` names them) and the organisational attributes `Organization`,
`FunctionType`, `LevelDesignation` and `Area`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import UnmatchedId, UsageSeries
from peerwheel.usage.selectors import overview
from peerwheel.usage.services import identity_map_import, usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]

HEADER = (
    "PersonId,MetricDate,Collaboration_hours,Copilot_actions_taken_in_Teams,"
    "Copilot_actions_taken_in_Word,Total_Copilot_actions_taken,Organization,FunctionType,"
    "LevelDesignation,Area\n"
)
GUIDS = [f"6f1c7b2e-0d3a-4c5e-9a7b-0000000000{i:02}" for i in range(10)]
GROUPS = ["Sales"] * 5 + ["Legal"] * 2 + ["Finance"] * 3


def viva_query() -> str:
    """Five people in Sales (London), two in Legal and three in Finance (Lisbon); two weeks."""
    rows = []
    for i, (guid, organization) in enumerate(zip(GUIDS, GROUPS, strict=True)):
        area = "London" if organization == "Sales" else "Lisbon"
        for sunday, actions in (("2025-03-30", i + 1), ("2025-04-06", 2 * i)):
            rows.append(
                f"{guid},{sunday},11.5,{actions},1,{actions + 1},{organization},{organization},"
                f"Senior IC,{area}"
            )
    return HEADER + "\n".join(rows) + "\n"


def test_pseudonymised_ids_keep_their_groups_and_the_overview_counts_them(
    org: dict[str, Person], write_file: Write
) -> None:
    people_before = Person.objects.count()

    report = usage_import("viva-person-query", write_file("person_query.csv", viva_query()))

    assert Person.objects.count() == people_before  # no nameless duplicates of HR people
    assert report.data["pseudonymous_ids_unmatched"] == 10
    assert report.data["unmatched_ids_with_groups"] == 10
    assert any("they create no people" in n for n in report.notes)  # why they are unmatched
    assert any(n.startswith("10 unmatched ids keep the HR attributes") for n in report.notes)
    kept = {u.external_id: (u.department, u.site, u.role_family) for u in UnmatchedId.objects.all()}
    assert kept[GUIDS[0]] == ("Sales", "London", "sales")
    assert kept[GUIDS[5]] == ("Legal", "Lisbon", "legal")
    assert kept[GUIDS[9]] == ("Finance", "Lisbon", "finance")
    assert "pseudonymised id" in UnmatchedId.objects.get(external_id=GUIDS[0]).reason
    assert UnmatchedId.objects.get(external_id=GUIDS[0]).attributes["LevelDesignation"] == (
        "Senior IC"
    )

    table = overview(by="department").set_index(["week", "group"])
    sales = table.xs("Sales", level="group")
    assert sales["people"].tolist() == [5, 5]
    assert bool(table.xs("Legal", level="group")["suppressed"].all())  # two people: hidden
    assert bool(table.xs("Finance", level="group")["suppressed"].all())  # and its complement
    by_site = overview(by="site").set_index(["week", "group"])
    assert by_site.xs("London", level="group")["people"].tolist() == [5, 5]
    assert by_site.xs("Lisbon", level="group")["people"].tolist() == [5, 5]
    assert Import.objects.get(pk=report.import_id).status == Import.Status.SUCCEEDED


def test_importing_the_query_again_changes_nothing(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("person_query.csv", viva_query())
    first = usage_import("viva-person-query", path)
    kept = list(UnmatchedId.objects.values_list("external_id", "department", "last_source"))

    again = usage_import("viva-person-query", path)

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert list(UnmatchedId.objects.values_list("external_id", "department", "last_source")) == (
        kept
    )


def test_a_dry_run_keeps_nothing(org: dict[str, Person], write_file: Write) -> None:
    report = usage_import(
        "viva-person-query", write_file("person_query.csv", viva_query()), dry_run=True
    )

    assert report.data["unmatched_ids_with_groups"] == 10
    assert not UnmatchedId.objects.exists()
    assert not UsageSeries.objects.exists()
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_a_bad_file_keeps_nothing(org: dict[str, Person], write_file: Write) -> None:
    bad = viva_query() + f"{GUIDS[0]},2025-04-13,11.5,-4,1,1,Sales,Sales,Senior IC,London\n"

    with pytest.raises(ImportFailed) as caught:
        usage_import("viva-person-query", write_file("person_query.csv", bad))

    assert caught.value.report.errors[0].line == 22
    assert not UnmatchedId.objects.exists()
    assert Import.objects.get(pk=caught.value.report.import_id).status == Import.Status.FAILED


def test_linking_an_id_to_a_person_drops_its_kept_attributes(
    org: dict[str, Person], write_file: Write
) -> None:
    usage_import("viva-person-query", write_file("person_query.csv", viva_query()))

    identity_map_import(
        write_file("map.csv", f"external_id,employee_id,source\n{GUIDS[0]},E4,viva\n")
    )

    assert not UnmatchedId.objects.filter(external_id=GUIDS[0]).exists()
    assert UnmatchedId.objects.count() == 9
    assert {r.person for r in stored_records() if r.external_id == GUIDS[0]} == {org["carol"]}
