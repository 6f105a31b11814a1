"""Pages: My usage is its owner's only; the overview suppresses small groups; Imports needs the
import capability and reports progress and errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from peerwheel.core.models import Import
from peerwheel.org.models import Department, Person, Site
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.selectors import overview, usage_records
from peerwheel.usage.services import usage_import

Write = Callable[..., Path]
START = date(2025, 1, 6)


def _import_weeks(write_file: Write, people: dict[str, int], weeks: int = 4) -> None:
    lines = ["person,week,tool,actions"]
    for email, actions in people.items():
        for week in range(weeks):
            lines.append(f"{email},{START + timedelta(weeks=week)},ChatGPT,{actions}")
    usage_import("usage-csv", write_file("usage.csv", "\n".join(lines) + "\n"))


@pytest.fixture
def alice_usage(org: dict[str, Person], write_file: Write) -> None:
    _import_weeks(write_file, {"alice@example.com": 20, "bob@example.com": 1})


def test_my_usage_shows_my_own_segment_and_chart(
    client_for: Callable[[str], Client], alice_usage: None
) -> None:
    response = client_for("alice").get(reverse("usage:me"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "my-usage-chart" in body
    assert "Novice User" in body  # 4 active weeks: not yet habitual (needs 9)
    assert "Only you can see this page" in body


@pytest.mark.parametrize("viewer", ["bob", "carol", "dan", "erin", "charlie"])
def test_nobody_else_can_open_a_persons_usage_admins_included(
    client_for: Callable[[str], Client], org: dict[str, Person], alice_usage: None, viewer: str
) -> None:
    response = client_for(viewer).get(reverse("usage:person", args=[org["alice"].pk]))
    assert response.status_code == 404
    assert "my-usage-chart" not in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(org: dict[str, Person], alice_usage: None) -> None:
    response = Client().get(reverse("usage:person", args=[org["alice"].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_superusers_get_404_on_someone_elses_usage(
    org: dict[str, Person], alice_usage: None
) -> None:
    root = User.objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(root)
    assert client.get(reverse("usage:person", args=[org["alice"].pk])).status_code == 404


def test_a_login_without_a_person_is_told_so(
    client_for: Callable[[str], Client], alice_usage: None
) -> None:
    response = client_for("charlie").get(reverse("usage:me"))
    assert "not linked to a person" in response.content.decode()


def test_usage_records_are_not_in_the_django_admin(client_for: Callable[[str], Client]) -> None:
    response = client_for("erin").get("/admin/usage/usagerecord/")
    assert response.status_code == 404


def _org_of(sizes: dict[str, int]) -> dict[str, int]:
    """People in departments of the given sizes, all in one site; returns email → actions."""
    site = Site.objects.create(name="Leeds")
    emails = {}
    for name, size in sizes.items():
        department = Department.objects.create(name=name)
        for i in range(size):
            email = f"{name.lower()}{i}@example.com"
            Person.objects.create(
                employee_id=f"{name}-{i}", email=email, department=department, site=site
            )
            emails[email] = 20 if name == "Legal" else 0
    return emails


def test_overview_hides_small_groups_and_the_cover_needed_against_subtraction(
    db: None, write_file: Write, settings: object
) -> None:
    settings.PEERWHEEL_MIN_GROUP = 5  # type: ignore[attr-defined]
    _import_weeks(write_file, _org_of({"Engineering": 10, "Sales": 8, "Legal": 3}))
    table = overview(by="department")
    latest = table[table["week"] == table["week"].max()].set_index("group")
    assert latest.loc["Legal", "suppressed"]
    assert latest.loc["Sales", "suppressed"]  # else total - Engineering - Sales = Legal
    assert not latest.loc["Engineering", "suppressed"]
    assert latest.loc["Engineering", "people"] == 10
    # The attack: every shown number, subtracted from the organisation's total.
    records = usage_records()
    total = int((records["week"] == table["week"].max()).sum())
    assert total - latest.loc[~latest["suppressed"], "people"].sum() >= 5
    assert latest.loc["Legal"].drop(["week", "suppressed"]).isna().all()


def test_overview_page_needs_aggregates_and_never_shows_hidden_numbers(
    client_for: Callable[[str], Client], write_file: Write, cast: dict[str, User]
) -> None:
    _import_weeks(write_file, _org_of({"Research": 10, "Support": 8, "Legal": 3}))
    assert client_for("alice").get(reverse("usage:overview")).status_code == 403
    response = client_for("carol").get(reverse("usage:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("hidden to protect a small group") == 2
    assert "segment-trend" in body
    assert client_for("dan").get(reverse("usage:overview") + "?by=site").status_code == 200


def test_insights_in_the_navigation_opens_the_flywheel_which_links_the_overview(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("carol")
    body = client.get(reverse("home")).content.decode()
    assert reverse("insights:flywheel") in body
    assert reverse("usage:me") in body
    assert reverse("usage:overview") in client.get(reverse("insights:flywheel")).content.decode()


def test_imports_page_needs_the_import_capability(client_for: Callable[[str], Client]) -> None:
    assert client_for("carol").get(reverse("usage:imports")).status_code == 403
    assert client_for("erin").get(reverse("usage:imports")).status_code == 200


def _wait(pk: int) -> Import:
    deadline = time.monotonic() + 60  # generous: CI runs two test processes on two cores
    while time.monotonic() < deadline:
        record = Import.objects.get(pk=pk)
        if record.status != Import.Status.RUNNING:
            return record
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_the_background_and_reports_errors_with_lines(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("erin")
    bad = SimpleUploadedFile(
        "usage.csv", b"person,week,tool,actions\nalice@example.com,2025-03-03,ChatGPT,-2\n"
    )
    response = client.post(
        reverse("usage:imports"), {"kind": "usage-csv", "file": bad}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'hx-trigger="every 500ms"' in response.content.decode()
    record = Import.objects.get(file_name="usage.csv")
    _wait(record.pk)
    done = client.get(reverse("usage:import_progress", args=[record.pk])).content.decode()
    assert "hx-trigger" not in done  # finished: the polling stops
    assert "Failed, nothing written" in done
    assert "<td>2</td><td>actions</td>" in done
    assert not UsageSeries.objects.exists()
    history = client.get(reverse("usage:imports")).content.decode()
    assert "usage.csv" in history and "1 error" in history


def test_history_is_one_query_however_long(
    client_for: Callable[[str], Client],
    write_file: Write,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    client = client_for("erin")
    for n in range(5):
        path = write_file(f"u{n}.csv", f"person,week,tool,actions\nE2,2025-03-03,T{n},1\n")
        usage_import("usage-csv", path, actor=User.objects.get(username="erin"))
    with django_assert_max_num_queries(8):  # session, user, groups/perms, history
        response = client.get(reverse("usage:imports"))
    assert response.content.decode().count("usage-csv") >= 5
