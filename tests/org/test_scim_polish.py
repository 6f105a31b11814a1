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
