"""The import family's shared run: one Import row per run, the source's hash, one progress
callback feeding both the command line and the page's row, and the four ways a run ends."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.imports import IMPORT_KINDS, ImportFailed, ImportRun, import_record_start
from peerwheel.core.models import Import
from peerwheel.engine.tabular import TabularError
from peerwheel.engine.usage_formats import DETECTION_ORDER
from peerwheel.org.services import people_import

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_a_finished_run_records_the_hash_of_its_source_and_what_it_wrote(tmp_path: Path) -> None:
    source = tmp_path / "f.csv"
    source.write_bytes(b"a,b\n1,2\n")
    run = ImportRun(kind="usage-csv", file_name="f.csv", source=source)
    run.report.rows_read, run.report.created = 1, 1

    report = run.finish()

    record = Import.objects.get(pk=report.import_id)
    assert record.status == Import.Status.SUCCEEDED
    assert record.sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert (record.rows_read, record.rows_written) == (1, 1)
    assert record.summary["text"] == report.summary()


def test_a_refused_file_fails_the_row_with_every_problem_and_raises_the_one_error() -> None:
    run = ImportRun(kind="people", file_name="p.csv", source=b"x")
    problems = [
        TabularError("second", file="p.csv", line=9, column="email"),
        TabularError("first", file="p.csv", line=3, column="employee_id"),
    ]
    with pytest.raises(ImportFailed) as caught, run.refusing():
        raise TabularError("header", file="p.csv", line=1)
    assert [e.line for e in caught.value.report.errors] == [1]

    again = ImportRun(kind="people", file_name="p.csv", source=b"x")
    with pytest.raises(ImportFailed) as caught:
        again.fail(problems)
    record = Import.objects.get(pk=again.record.pk)
    assert record.status == Import.Status.FAILED and record.rows_written == 0
    assert [(e["line"], e["column"]) for e in record.errors] == [(3, "employee_id"), (9, "email")]


def test_skipped_bad_rows_end_partial_and_a_dry_run_ends_as_one() -> None:
    partial = ImportRun(kind="people", file_name="p.csv", source=b"x")
    partial.report.errors.append(TabularError("bad", file="p.csv", line=2))
    assert Import.objects.get(pk=partial.finish().import_id).status == Import.Status.PARTIAL

    dry = ImportRun(kind="people", file_name="p.csv", source=b"x", dry_run=True)
    dry.report.created = 5
    record = Import.objects.get(pk=dry.finish().import_id)
    assert record.status == Import.Status.DRY_RUN and record.rows_written == 0


def test_one_progress_callback_feeds_the_caller_and_the_pages_row() -> None:
    seen: list[tuple[int, int]] = []
    record = import_record_start(kind="usage-csv", file_name="f.csv")
    run = ImportRun(
        kind="usage-csv",
        file_name="f.csv",
        on_progress=lambda d, t: seen.append((d, t)),
        record=record,
    )

    run.progress(10, 40)
    run.progress(40, 40, "writing")

    assert seen == [(10, 40), (40, 40)]
    record.refresh_from_db()
    assert record.summary["progress"] == {"phase": "writing", "done": 40, "total": 40}
    assert record.status == Import.Status.RUNNING  # a page polls it until the run finishes


def test_the_people_import_reports_its_progress_through_the_run(tmp_path: Path) -> None:
    path = tmp_path / "hr.csv"
    path.write_text("PersonId,Name\n" + "".join(f"E{k},N{k}\n" for k in range(1200)))
    seen: list[tuple[int, int]] = []

    people_import(path, on_progress=lambda d, t: seen.append((d, t)))

    assert seen[-1] == (1200, 1200) and (500, 1200) in seen


def test_every_usage_format_is_a_row_of_the_one_table_read_by_its_own_module() -> None:
    readers = {name: kind.reader for name, kind in IMPORT_KINDS.items() if kind.reader}
    assert sorted(readers) == sorted(module.FORMAT for module in DETECTION_ORDER)
    assert all(name == module.FORMAT for name, module in readers.items())


def test_every_kind_of_the_one_table_is_in_the_command_and_the_docs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        call_command("importdata", "--help")
    help_text = re.sub(r"\s+", " ", capsys.readouterr().out)
    docs = (DOCS / "usage.md").read_text(encoding="utf-8")
    for kind in IMPORT_KINDS.values():
        assert kind.name in help_text
        assert f"| `{kind.name}` |" in docs, f"docs/usage.md lacks a row for {kind.name}"


def test_an_unexpected_error_fails_the_row_instead_of_leaving_it_running() -> None:
    run = ImportRun(kind="usage-csv", file_name="f.csv")

    with pytest.raises(RuntimeError), run.refusing():
        raise RuntimeError("a bug, not a bad file")

    record = Import.objects.get(pk=run.record.pk)
    assert record.status == Import.Status.FAILED
    assert "internal error" in record.errors[0]["message"]


@pytest.mark.parametrize(
    ("kind", "option"),
    [
        ("survey", ["--skip-invalid"]),
        ("survey", ["--map", "a=b"]),
        ("usage-csv", ["--format", "scim"]),
        ("people", ["--channels", "ai-tips"]),
    ],
)
def test_an_option_the_kind_does_not_take_is_refused_by_name(
    tmp_path: Path, kind: str, option: list[str]
) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n")

    with pytest.raises(CommandError, match=f"takes no {option[0]}") as caught:
        call_command("importdata", kind, str(path), *option)

    assert caught.value.returncode == 2
    assert not Import.objects.exists()
