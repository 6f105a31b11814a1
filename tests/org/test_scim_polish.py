"""Issue 13, item 14: a SCIM ListResponse names its Users as resources, never as lines, and a
file that holds only one page of the listing says so (as the GitHub seats importer does)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.org.services import people_import

pytestmark = pytest.mark.django_db

EXT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def user(scim_id: str, number: str | None, email: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": scim_id,
        "userName": email,
        "displayName": email.split("@")[0].title(),
        "emails": [{"value": email, "primary": True}],
    }
    if number is not None:
        resource[EXT] = {"employeeNumber": number, "department": "Tour Operations"}
    return resource


def page(tmp_path: Path, *resources: dict[str, Any], total: int) -> Path:
    """The first page of `GET /Users?startIndex=1&count=N` (RFC 7644 §3.4.2)."""
    document = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": total,
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": list(resources),
    }
    path = tmp_path / "users.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_partial_list_response_imports_its_page_and_warns_that_it_is_only_a_page(
    tmp_path: Path,
) -> None:
    path = page(
        tmp_path,
        user("a1", "701", "ana@example.com"),
        user("b2", "702", "ben@example.com"),
        total=250,
    )
    report = people_import(path)
    assert report.created == 2
    assert any("totalResults is 250 but the file lists 2" in w for w in report.warnings)
    assert any("only a page" in w for w in report.warnings)
    assert Import.objects.get().status == Import.Status.SUCCEEDED


def test_a_complete_list_response_gives_no_paging_warning(tmp_path: Path) -> None:
    report = people_import(page(tmp_path, user("a1", "701", "ana@example.com"), total=1))
    assert report.created == 1
    assert not any("page" in w for w in report.warnings)


def test_scim_errors_name_the_resource_not_a_line(tmp_path: Path) -> None:
    path = page(
        tmp_path,
        user("a1", "701", "ana@example.com"),
        user("b2", "701", "ben@example.com"),  # the same employee number again
        user("c3", None, "cy@example.com"),  # no employee number
        total=300,
    )
    with pytest.raises(ImportFailed) as caught:
        people_import(path)
    said = [str(e) for e in caught.value.report.errors]
    assert len(said) == 2
    assert "resource 2" in said[0] and "first in resource 1" in said[0]
    assert "resource 3" in said[1] and "employee number" in said[1]
    assert not any("line" in s for s in said)
    assert any("only a page" in w for w in caught.value.report.warnings)
    assert not Person.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


# -- item 14 (f): every people import leaves its Import row --------------------------------


@pytest.mark.parametrize(
    ("file_name", "content", "said"),
    [
        ("users.json", b'{"Resources": [\n{"userName": "a"', "not valid JSON"),
        ("users.json", b'{"kind": "not SCIM"}', "not SCIM Users JSON"),
        ("org.csv", "PersonId,Name\n1,Zoë\n".encode("utf-16"), "UTF-8"),
        ("org.csv", b"", "empty"),
        ("org.csv", b"Colour,Shape\nred,round\n", "employee"),
    ],
)
def test_a_people_file_refused_whole_leaves_a_failed_import_row(
    tmp_path: Path, file_name: str, content: bytes, said: str
) -> None:
    path = tmp_path / file_name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as caught:
        people_import(path)
    assert said.lower() in str(caught.value).lower()
    row = Import.objects.get()
    assert (row.kind, row.status) == ("people", Import.Status.FAILED)
    assert row.errors
    assert not Person.objects.exists()


def test_a_people_file_that_cannot_be_read_leaves_a_failed_import_row(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        people_import(tmp_path / "missing.csv")
    assert "cannot read" in str(caught.value)
    row = Import.objects.get()
    assert row.status == Import.Status.FAILED
    assert row.file_name.endswith("missing.csv")


def test_a_no_op_people_import_keeps_its_row_and_says_nothing_changed(tmp_path: Path) -> None:
    path = page(tmp_path, user("a1", "701", "ana@example.com"), total=1)
    people_import(path)
    again = people_import(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert "no changes" in again.summary()
    rows = list(Import.objects.order_by("pk"))
    assert [r.status for r in rows] == [Import.Status.SUCCEEDED, Import.Status.SUCCEEDED]
    assert rows[0].sha256 == rows[1].sha256  # the record of the run: the same file, again
    assert rows[1].rows_written == 0
    assert Person.objects.count() == 1


def test_the_imports_page_says_resource_for_a_scim_error() -> None:
    from django.template.loader import render_to_string

    from peerwheel.engine.tabular import TabularError

    error = TabularError("no employeeNumber", file="users.json", line=3)
    error.line_label = "resource"
    html = render_to_string(
        "usage/partials/import_errors.html",
        {"record": type("Record", (), {"errors": [error.as_dict()], "warnings": []})()},
    )
    assert "resource 3" in html
    plain = TabularError("bad", file="a.csv", line=4).as_dict()
    assert "line_label" not in plain
