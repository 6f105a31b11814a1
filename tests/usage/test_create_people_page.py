"""The Imports page asks for `--create-people` too (issue 13, item 3's option on the page).

A checkbox, offered for the usage kinds read per person (`ImportKind.create_people`), goes
through the background job to `usage_import`. Unticked, a usage upload never creates people.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from peerwheel.core.imports import IMPORT_KINDS
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.services import usage_import

pytestmark = pytest.mark.django_db

# ChatGPT Enterprise's weekly user analytics, as the workspace exports it.
CHATGPT = (
    "cadence,period_start,period_end,account_id,public_id,name,email,role,user_role,"
    "department,user_status,created_or_invited_date,is_active,first_day_active_in_period,"
    "last_day_active_in_period,messages,messages_rank,model_to_messages,gpt_messages,"
    "gpts_messaged,gpt_to_messages,tool_messages,tools_messaged,tool_to_messages,"
    "project_messages,projects_messaged,project_to_messages,projects_created\n"
    "Weekly,2025-03-02,2025-03-08,acc-1,user-1,New Hire,new.hire@example.com,standard-user,"
    "user,,enabled,2025-02-20,1,2025-03-03,2025-03-07,14,3,{},0,0,{},0,0,{},0,0,{},0\n"
)


def upload(
    client: Client, kind: str, content: str, *, name: str = "users.csv", **extra: str
) -> str:
    data = {"kind": kind, "file": SimpleUploadedFile(name, content.encode()), **extra}
    response = client.post(reverse("usage:imports"), data)
    return response.content.decode() if response.status_code != 302 else ""


def test_the_page_offers_the_checkbox_for_the_kinds_that_take_it(
    client_for: Callable[[str], Client],
) -> None:
    page = client_for("erin").get(reverse("usage:imports")).content.decode()

    assert 'name="create_people"' in page
    offered = [k for k, kind in IMPORT_KINDS.items() if kind.create_people and kind.on_page]
    assert offered and all(k in page for k in offered)
    assert "Pseudonymised ids (GUIDs, hashes) never create people" in page


def test_ticked_the_upload_creates_a_person_for_an_id_that_matches_no_one(
    client_for: Callable[[str], Client],
) -> None:
    upload(client_for("erin"), "chatgpt-enterprise", CHATGPT, create_people="1")

    record = Import.objects.get(kind="chatgpt-enterprise")
    assert record.status == Import.Status.SUCCEEDED
    hire = Person.objects.get(employee_id="new.hire@example.com")
    assert (hire.email, hire.name) == ("new.hire@example.com", "New Hire")
    assert record.summary["people_created"] == 1
    assert UsageSeries.objects.get().person == hire


def test_unticked_the_upload_creates_nobody(client_for: Callable[[str], Client]) -> None:
    before = Person.objects.count()

    upload(client_for("erin"), "chatgpt-enterprise", CHATGPT)

    assert Person.objects.count() == before
    assert Import.objects.get(kind="chatgpt-enterprise").summary["people_created"] == 0
    assert UsageSeries.objects.get().person is None  # kept unmatched


def test_a_ticked_dry_run_creates_nobody(client_for: Callable[[str], Client]) -> None:
    before = Person.objects.count()

    upload(client_for("erin"), "chatgpt-enterprise", CHATGPT, create_people="1", dry_run="1")

    record = Import.objects.get(kind="chatgpt-enterprise")
    assert record.status == Import.Status.DRY_RUN
    assert record.summary["people_created"] == 1  # what it would do
    assert Person.objects.count() == before
    assert not UsageSeries.objects.exists()


def test_a_kind_that_creates_no_one_is_refused_on_the_form(
    client_for: Callable[[str], Client],
) -> None:
    page = upload(
        client_for("erin"),
        "identity-map",
        "external_id,employee_id\nx@example.com,E2\n",
        create_people="1",
    )

    assert "creates no people" in page and 'Untick "Create people"' in page.replace("&quot;", '"')
    assert not Import.objects.exists()


def test_auto_detecting_a_kind_that_creates_no_one_says_so_and_creates_nobody(
    org: dict[str, Person], tmp_path: Path
) -> None:
    path = tmp_path / "map.csv"
    path.write_text("external_id,employee_id\nx@example.com,E2\n", encoding="utf-8")

    report = usage_import("auto", path, create_people=True)

    assert report.kind == "identity-map"
    assert any("--create-people does not apply to identity-map" in w for w in report.warnings)
    assert Person.objects.count() == len(org)
