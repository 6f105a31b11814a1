"""`peerwheel import rollout-scope PATH`: the file becomes the scope; every bad row is named by
line and column and nothing is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from peerwheel.core.imports import ImportFailed
from peerwheel.org.models import Person
from peerwheel.program.models import ScopeEntry
from peerwheel.program.scope_import import rollout_scope_import
from peerwheel.program.selectors import scope_person_ids

TODAY = date(2026, 3, 16)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scope.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_scope_means_everyone(org: dict[str, Person]) -> None:
    assert scope_person_ids() is None


def test_the_file_becomes_the_scope_by_person_department_and_site(
    tmp_path: Path, org: dict[str, Person]
) -> None:
    path = _file(
        tmp_path,
        "employee_id,department,site,stage,since\n"
        "E1,,,crawl,2026-01-05\n"
        "E2,,,Crawl,2026-01-05\n"
        ",Sales,,walk,2026-03-02\n",
    )
    report = rollout_scope_import(path, today=TODAY)

    assert (report.created, report.rows_read) == (3, 3)
    assert scope_person_ids(on=date(2026, 2, 1)) == {org["boss"].pk, org["alice"].pk}
    sales = {org[k].pk for k in ("carol", "dan", "charlie")}
    assert scope_person_ids(on=date(2026, 3, 2)) == {org["boss"].pk, org["alice"].pk} | sales

    # a second file: Berlin in, the pilots out (from the import's day), Sales unchanged
    again = _file(
        tmp_path, "department,site,stage,since\nSales,,walk,2026-03-02\n,berlin,walk,2026-03-09\n"
    )
    second = rollout_scope_import(again, today=TODAY)
    assert (second.created, second.unchanged, second.data["ended"]) == (1, 1, 2)
    berlin = {org[k].pk for k in ("bob", "dan", "charlie")}
    assert scope_person_ids(on=TODAY) == sales | berlin
    assert (
        scope_person_ids(on=date(2026, 3, 10)) == {org["boss"].pk, org["alice"].pk} | sales | berlin
    )


def test_a_dry_run_writes_nothing(tmp_path: Path, org: dict[str, Person]) -> None:
    path = _file(tmp_path, "employee_id,stage,since\nE1,crawl,2026-01-05\n")
    report = rollout_scope_import(path, dry_run=True, today=TODAY)
    assert report.created == 1
    assert not ScopeEntry.objects.exists()


def test_every_bad_row_is_named_and_nothing_is_written(
    tmp_path: Path, org: dict[str, Person]
) -> None:
    org["dan"].active = False
    org["dan"].save()
    path = _file(
        tmp_path,
        "employee_id,department,site,stage,since\n"
        "E1,,,crawl,2026-01-05\n"  # 2: fine
        "E99,,,crawl,2026-01-05\n"  # 3: nobody
        ",Legal,,walk,2026-01-05\n"  # 4: no such department
        "E2,Sales,,walk,2026-01-05\n"  # 5: two units
        "E3,,,sprint,2026-01-05\n"  # 6: bad stage
        "E4,,,walk,05/01/2026\n"  # 7: bad date
        "E1,,,walk,2026-01-05\n"  # 8: E1 twice
        "E5,,,walk,2026-01-05\n"  # 9: a leaver
        ",,,walk,2026-01-05\n",  # 10: no unit
    )
    with pytest.raises(ImportFailed) as caught:
        rollout_scope_import(path, today=TODAY)

    found = {(e.line, e.column) for e in caught.value.report.errors}
    assert found == {
        (3, "employee_id"),
        (4, "department"),
        (5, "department"),
        (6, "stage"),
        (7, "since"),
        (8, "employee_id"),
        (9, "employee_id"),
        (10, "employee_id"),
    }
    messages = " ".join(e.message for e in caught.value.report.errors)
    assert "'E99'" in messages and "'Legal'" in messages and "has left" in messages
    assert not ScopeEntry.objects.exists()


def test_a_file_without_stage_or_unit_columns_is_refused(
    tmp_path: Path, org: dict[str, Person]
) -> None:
    with pytest.raises(ImportFailed, match="missing required column 'stage'"):
        rollout_scope_import(_file(tmp_path, "employee_id,since\nE1,2026-01-05\n"))
    with pytest.raises(ImportFailed, match="no column names the units"):
        rollout_scope_import(_file(tmp_path, "team,stage,since\nA,crawl,2026-01-05\n"))
    assert not ScopeEntry.objects.exists()


def test_the_command_imports_it_and_names_the_problems(
    tmp_path: Path, org: dict[str, Person], capsys: pytest.CaptureFixture[str]
) -> None:
    good = _file(tmp_path, "employee_id,stage,since\nE1,crawl,2026-01-05\n")
    call_command("importdata", "rollout-scope", str(good), "--dry-run")
    assert "would create 1" in capsys.readouterr().out
    assert not ScopeEntry.objects.exists()
    call_command("importdata", "rollout-scope", str(good))
    assert ScopeEntry.objects.count() == 1

    bad = tmp_path / "bad.csv"
    bad.write_text("employee_id,stage,since\nE1,jog,2026-01-05\n")
    with pytest.raises(CommandError, match=r"line 2, column 'stage'"):
        call_command("importdata", "rollout-scope", str(bad))
