"""Importing GitHub's Copilot usage metrics reports (the API that replaced the retired metrics
API): per-user logins matched through the identity map, organisation reports kept apart, the
same file twice changing nothing, a dry run writing nothing, a bad line refusing the file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import OrgUsageRecord, UsageSeries
from peerwheel.usage.services import identity_map_import, usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "github_copilot"
KIND = "github-copilot-usage-report"


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(FIXTURES / name, tmp_path / name))


def test_per_user_report_matches_logins_through_the_identity_map_and_reimport_is_idempotent(
    org: dict[str, Person], write_file: Write, tmp_path: Path
) -> None:
    identity_map_import(
        write_file("ids.csv", "external_id,employee_id,source\nbob-codes,E3,github\n")
    )
    path = _copy("users-1-day.ndjson", tmp_path)
    first = usage_import("auto", path)
    assert first.kind == KIND
    bob, carol = stored_records()
    assert (bob.person, bob.week, bob.tool) == (org["bob"], date(2026, 11, 16), "GitHub Copilot")
    assert (bob.actions, bob.agent_actions, bob.active_days) == (11, 4, 2)
    assert (carol.person, carol.external_id, carol.actions) == (None, "carol-gh", 6)
    assert (first.data["matched_ids"], first.data["unmatched_ids"]) == (1, 1)
    assert (first.rows_read, first.records, first.created) == (3, 2, 2)
    assert Person.objects.count() == len(org)  # a usage import creates nobody
    assert Import.objects.latest("pk").status == Import.Status.SUCCEEDED
    series = list(UsageSeries.objects.order_by("pk").values_list("subject", "data"))
    again = usage_import(KIND, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(UsageSeries.objects.order_by("pk").values_list("subject", "data")) == series


def test_enterprise_report_becomes_organisation_records_and_reimport_changes_nothing(
    db: None, tmp_path: Path
) -> None:
    path = _copy("enterprise-28-day.json", tmp_path)
    first = usage_import(KIND, path)
    assert (first.created, first.records) == (2, 2)
    week = OrgUsageRecord.objects.get(week=date(2026, 11, 16))
    assert (week.scope, week.tool, week.actions, week.active_users, week.days) == (
        "enterprise 1",
        "GitHub Copilot",
        50,
        11,
        2,
    )
    again = usage_import(KIND, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert OrgUsageRecord.objects.count() == 2
    assert not UsageSeries.objects.exists()
    assert Import.objects.latest("pk").status == Import.Status.SUCCEEDED


def test_a_dry_run_writes_nothing(org: dict[str, Person], tmp_path: Path) -> None:
    for name in ("users-1-day.ndjson", "enterprise-28-day.json"):
        report = usage_import(KIND, _copy(name, tmp_path), dry_run=True)
        assert report.records == 2
        assert Import.objects.latest("pk").status == Import.Status.DRY_RUN
    assert not UsageSeries.objects.exists()
    assert not OrgUsageRecord.objects.exists()


def test_a_bad_line_is_named_and_nothing_is_written(
    org: dict[str, Person], write_file: Write
) -> None:
    lines = (FIXTURES / "users-1-day.ndjson").read_text().splitlines()
    lines[2] = lines[2].replace(
        '"code_acceptance_activity_count":6', '"code_acceptance_activity_count":"six"'
    )
    path = write_file("users.ndjson", "\n".join(lines) + "\n")
    with pytest.raises(ImportFailed) as caught:
        usage_import(KIND, path)
    (error,) = caught.value.report.errors
    assert (error.file, error.line, error.column) == (
        "users.ndjson",
        3,
        "code_acceptance_activity_count",
    )
    assert "'six' is not a whole number" in error.message
    assert not UsageSeries.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_each_kind_says_when_the_file_is_the_other_github_format(
    db: None, write_file: Write, tmp_path: Path
) -> None:
    legacy = write_file("metrics.json", '[{"date": "2026-03-02", "total_active_users": 4}]')
    with pytest.raises(ImportFailed) as older:
        usage_import(KIND, legacy)
    assert "this is an older GitHub format" in older.value.report.errors[0].message
    with pytest.raises(ImportFailed) as newer:
        usage_import("github-copilot-metrics", _copy("users-1-day.ndjson", tmp_path))
    assert "this is a newer GitHub format" in newer.value.report.errors[0].message
    assert set(Import.objects.values_list("status", flat=True)) == {Import.Status.FAILED}
    assert not OrgUsageRecord.objects.exists()
