"""The `ties` importer: a collaboration network into `org.Tie`, in the family's one shape
(`peerwheel.core.imports`): read and check (`engine.network_formats.ties`), match every id to a
person, write in one transaction (`org.ties.ties_replace`), report.

It lives in usage, not org, because ids are matched as usage matches them (employee id, email,
the identity map's links: `usage.identities.IdentityIndex`, whose `IdentityLink` is usage's), and
org sits below usage. The write itself is org's.

- (a, b) and (b, a) are one tie, stored with the smaller person id first; rows of one pair (both
  directions, or several weeks of a Viva query) keep the largest weight: a collaboration seen
  from both sides is not counted twice, and the same file read twice gives the same weights.
- The file replaces the ties of each source it names (email, chat, meetings; the file's `source`
  column, or the whole file's source, or the model's default, email): pairs no longer in it are
  removed; other sources are untouched.
- A self-tie (two ids of one person included) or an id that matches no one is a problem with its
  line and column: the file is refused (nothing written), or with `skip_invalid` the other rows
  are written and the run ends as partial. A source whose rows were all refused is not touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.db import transaction

from peerwheel.core.imports import Actor, ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine.network_formats import Problems
from peerwheel.engine.network_formats import ties as ties_format
from peerwheel.engine.tabular import TabularError
from peerwheel.org.models import Tie
from peerwheel.org.ties import Pair, TieCounts, ties_replace
from peerwheel.usage.identities import IdentityIndex

KIND = ties_format.FORMAT
#: The source of a file that names none (the model's default).
DEFAULT_SOURCE = str(Tie._meta.get_field("source").default)


def ties_import(
    source: str | Path,
    *,
    tie_source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
) -> ImportReport:
    """Import a collaboration network; see the module docstring.

    `tie_source`: the source of every row when the file has no source column (`--map
    source=chat`). `mapping`: the file's column → our field (`--map COLUMN=FIELD`). Raises
    `ImportFailed` (nothing written; the Import row lists every problem) on a bad file.
    """
    path = Path(source)
    name = file_name or path.name
    run = ImportRun(
        kind=KIND,
        file_name=name,
        source=path,
        actor=actor,
        dry_run=dry_run,
        on_progress=on_progress,
        record=record,
    )
    report = run.report
    with run.refusing():
        run.check_size(path.stat().st_size)
        read = ties_format.read(path, file_name=name, overrides=mapping, default_source=tie_source)
        report.rows_read = read.rows_read
        run.progress(read.rows_read, read.rows_read, "matching")
        by_source, merged = _match(read)
        _take_problems(report, read.problems)
        if not skip_invalid:
            run.refuse_if_errors()
        report.skipped = len(read.problems.lines)
        if not by_source:
            raise TabularError(
                "no ties to import: every row has a problem"
                if read.problems
                else "no ties to import: the file has a header and no rows",
                file=name,
            )
        report.records = sum(len(pairs) for pairs in by_source.values())
        run.progress(0, report.records, "writing")
        with transaction.atomic():
            counts = ties_replace(ties=by_source)
            if dry_run:
                transaction.set_rollback(True)
        _report(report, read, counts, by_source, merged)
    return run.finish()


def _match(read: ties_format.TieRead) -> tuple[dict[str, dict[Pair, float]], int]:
    """The ties per source ({(a, b): weight}, a < b), and how many rows were merged into a tie
    another row already gave. Unknown ids and self-ties go into the read's problems."""
    index = IdentityIndex.load()
    problems = read.problems
    by_source: dict[str, dict[Pair, float]] = {}
    merged = 0
    for row in read.rows:
        a, b = index.person_for(row.person_a), index.person_for(row.person_b)
        for person, text, field_name in (
            (a, row.person_a, "person_a"),
            (b, row.person_b, "person_b"),
        ):
            if person is None:
                problems.add(row.line, read.header(field_name), _unknown(text))
        if a is None or b is None:
            continue
        if a == b:
            problems.add(
                row.line,
                read.header("person_b"),
                f"{row.person_a!r} and {row.person_b!r} are the same person: a person has no "
                "tie to themselves",
            )
            continue
        pair = (a, b) if a < b else (b, a)
        pairs = by_source.setdefault(row.source or DEFAULT_SOURCE, {})
        if pair in pairs:
            merged += 1
            pairs[pair] = max(pairs[pair], row.weight)
        else:
            pairs[pair] = row.weight
    return by_source, merged


def _unknown(value: str) -> str:
    return (
        f"{value!r} matches no one: not an employee id, an email or an id of the identity map "
        "(import the people, or an identity map: peerwheel import identity-map FILE)"
    )


def _take_problems(report: ImportReport, problems: Problems) -> None:
    report.errors.extend(problems.listed)
    if problems.unlisted:
        report.warnings.append(
            f"{problems.unlisted:,} more problems are not listed (the first "
            f"{len(problems.listed)} are)"
        )


def _report(
    report: ImportReport,
    read: ties_format.TieRead,
    counts: TieCounts,
    by_source: Mapping[str, Mapping[Pair, float]],
    merged: int,
) -> None:
    report.created, report.updated, report.unchanged = (
        counts.created,
        counts.updated,
        counts.unchanged,
    )
    sources = sorted(by_source)
    remove = "would remove" if report.dry_run else "removed"
    report.notes.append(
        f"the file replaces the {', '.join(sources)} ties: {remove} {counts.removed:,} no "
        "longer in it; other sources untouched"
    )
    if merged:
        report.notes.append(
            f"{merged:,} rows gave a pair again ((b, a), or another period): one tie each, "
            "the largest weight kept"
        )
    if not (counts.created or counts.updated or counts.removed):
        report.notes.append("no changes: the ties are already as the file says")
    report.details["sources"] = ", ".join(sources)
    if read.columns_ignored:
        report.details["columns ignored"] = ", ".join(read.columns_ignored[:20])
    report.data.update(
        {
            "sources": sources,
            "removed": counts.removed,
            "merged_rows": merged,
            "ties": {source: len(pairs) for source, pairs in by_source.items()},
        }
    )
