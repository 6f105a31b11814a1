"""The usage getters: `import_for_viewer` (the Imports pages) and `person_usage_for_viewer`
(My usage), each raising the core pair that pages answer with 404 / 403."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.selectors import import_for_viewer, person_usage_for_viewer
from peerwheel.usage.services import usage_import

MISSING = 987654


@pytest.fixture
def record(cast: dict[str, User], write_file: Callable[..., Path]) -> Import:
    path = write_file("usage.csv", "person,week,tool,actions\nE2,2025-03-03,ChatGPT,4\n")
    usage_import("usage-csv", path, actor=cast["erin"])
    return Import.objects.get(file_name="usage.csv")


def test_an_admin_gets_an_import_with_who_ran_it(cast: dict[str, User], record: Import) -> None:
    got = import_for_viewer(record.pk, cast["erin"])
    assert got.pk == record.pk and got.by == cast["erin"]


def test_a_missing_import_is_not_found(cast: dict[str, User]) -> None:
    with pytest.raises(NotFoundError, match=f"no import {MISSING}"):
        import_for_viewer(MISSING, cast["erin"])


def test_an_import_is_forbidden_to_everyone_without_the_import_permission(
    cast: dict[str, User], record: Import
) -> None:
    for name in ("alice", "bob", "carol", "dan", "charlie"):
        with pytest.raises(ForbiddenError, match="Import data"):
            import_for_viewer(record.pk, cast[name])


@pytest.mark.parametrize("page", ["usage:import_detail", "usage:import_progress"])
def test_import_pages_answer_404_for_a_missing_import_and_403_for_an_analyst(
    client_for: Callable[[str], Client], record: Import, page: str
) -> None:
    assert client_for("erin").get(reverse(page, args=[record.pk])).status_code == 200
    assert client_for("erin").get(reverse(page, args=[MISSING])).status_code == 404
    assert client_for("dan").get(reverse(page, args=[record.pk])).status_code == 403


def test_someone_elses_usage_is_not_found_not_forbidden_admins_included(
    cast: dict[str, User], org: dict[str, Person]
) -> None:
    assert person_usage_for_viewer(org["alice"].pk, cast["alice"]).person == org["alice"]
    for name in ("bob", "erin", "charlie"):
        with pytest.raises(NotFoundError):
            person_usage_for_viewer(org["alice"].pk, cast[name])


def test_the_usage_page_of_someone_else_is_a_404(
    client_for: Callable[[str], Client], org: dict[str, Person]
) -> None:
    url = reverse("usage:person", args=[org["alice"].pk])
    assert client_for("alice").get(url).status_code == 200
    assert client_for("erin").get(url).status_code == 404
