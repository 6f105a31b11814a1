"""The import family: what every importer shares, and the one table of import kinds.

Every importer (people, each usage export, Slack, the survey) is a small module of one shape:
read the file through the engine (`peerwheel.engine.tabular`, `peerwheel.engine.usage_formats`),
check every row, write in ONE transaction, report. What they share lives here:

- `IMPORT_KINDS`: every kind, with what the file is and which options it takes. The
  `peerwheel import` command, the Imports page and the docs all read it.
- `ImportRun`: one run of an importer. It creates the `Import` row (or takes the one a page made
  to poll), hashes the source while it is read, reports progress through one callback (the
  command line bar and the page's live bar are both fed from it), and finishes the row as
  succeeded, partial, dry run or failed.
- `ImportReport`: what every import read, wrote and found. `ImportFailed`: the one error, raised
  when a file is refused (nothing was written); it carries the report with every problem, each
  a `TabularError` with its file, line and column.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from peerwheel.core.models import Import
from peerwheel.engine.tabular import TabularError
from peerwheel.engine.usage_formats import (
    chatgpt_enterprise,
    github_copilot_metrics,
    github_copilot_seats,
    github_copilot_usage_report,
    identity_map,
    m365_copilot_usage,
    usage_csv,
    viva_person_query,
)

ProgressCallback = Callable[[int, int], None]
Actor = User | AnonymousUser | None
_ROW_EVERY_SECONDS = 0.3


@dataclass(frozen=True)
class ImportKind:
    """One kind of file `peerwheel import KIND PATH` and the Imports page accept."""

    name: str
    description: str
    #: the app whose importer writes it: "org", "usage", "hub", "study" or "program"
    family: str
    #: offered on the Imports page (people and surveys have their own pages and the command)
    on_page: bool = True
    #: the command-line options it understands, beyond --dry-run. `mapping`: --map
    #: COLUMN=FIELD reads a column of the file as one of ours (every CSV kind; the GitHub JSON
    #: kinds take only --map scope=...)
    skip_invalid: bool = False
    mapping: bool = False
    channels: bool = False
    file_format: bool = False
    #: --create-people: ids that match no one become people (usage kinds read per person)
    create_people: bool = False
    #: what the command line adds to the description (an option only the command has)
    cli_help: str = ""
    #: the engine's format module that reads it (`read()` returns the standard frame), for the
    #: usage kinds
    reader: ModuleType | None = None


#: Every import kind, in the order a person would look. Add a new kind here (and its importer
#: in its app); the command, the Imports page and docs/usage.md follow.
IMPORT_KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        ImportKind(
            "people",
            "HR file: CSV (Viva org data, BambooHR-like, any via --map) or SCIM 2.0 JSON",
            "org",
            on_page=False,
            skip_invalid=True,
            mapping=True,
            file_format=True,
        ),
        ImportKind(
            "survey",
            "survey responses CSV: <construct>_<k> items 1-5, heavy_user, agent_user, team",
            "study",
            on_page=False,
        ),
        ImportKind(
            viva_person_query.FORMAT,
            "Viva Insights person query with Copilot metrics (CSV)",
            "usage",
            reader=viva_person_query,
            mapping=True,
            create_people=True,
        ),
        ImportKind(
            m365_copilot_usage.FORMAT,
            "Microsoft 365 admin center, Copilot usage user detail (CSV)",
            "usage",
            reader=m365_copilot_usage,
            mapping=True,
            create_people=True,
        ),
        ImportKind(
            github_copilot_metrics.FORMAT,
            "GitHub Copilot metrics API, organisation or team (JSON)",
            "usage",
            reader=github_copilot_metrics,
            mapping=True,
            cli_help="--map scope=ORG/TEAM names what it covers",
        ),
        ImportKind(
            github_copilot_usage_report.FORMAT,
            "GitHub Copilot usage metrics report, per user or per organisation/enterprise "
            "(NDJSON or JSON)",
            "usage",
            reader=github_copilot_usage_report,
            mapping=True,
            cli_help="--map scope=NAME names what an organisation report covers",
        ),
        ImportKind(
            github_copilot_seats.FORMAT,
            "GitHub Copilot seat assignments API (JSON)",
            "usage",
            reader=github_copilot_seats,
            create_people=True,
        ),
        ImportKind(
            chatgpt_enterprise.FORMAT,
            "ChatGPT Enterprise user analytics, weekly or daily (CSV)",
            "usage",
            reader=chatgpt_enterprise,
            mapping=True,
            create_people=True,
        ),
        ImportKind(
            usage_csv.FORMAT,
            "generic usage CSV: person, week or date, tool, actions[, agents, days]",
            "usage",
            reader=usage_csv,
            mapping=True,
            create_people=True,
        ),
        ImportKind(
            identity_map.FORMAT,
            "identity map: external id (email, UPN, login, opaque id), employee id",
            "usage",
            reader=identity_map,
            mapping=True,
        ),
        ImportKind(
            "slack-export",
            "Slack workspace export (zip): posts, answers and reactions from the channels you name",
            "hub",
            channels=True,
            cli_help="--channels a,b names them",
        ),
        ImportKind(
            "ties",
            "collaboration network (CSV): person_a, person_b[, weight, source], or a Viva "
            "Insights person-to-person query",
            "usage",
            skip_invalid=True,
            mapping=True,
            cli_help="--map source=email|chat|meetings names the whole file's source",
        ),
        ImportKind(
            "influence-events",
            "influence events from other tools (CSV): source_id, target_id, kind, occurred_at",
            "hub",
            mapping=True,
        ),
        ImportKind(
            "rollout-scope",
            "rollout scope (CSV): employee_id or department or site, stage, since; the file is "
            "the whole scope",
            "program",
            on_page=False,
            mapping=True,
        ),
        ImportKind(
            "tool-policy",
            "tool catalogue and policy (CSV): tool, status, data_class, use, verdict, "
            "conditions, reason; the file is the whole policy of each tool it names",
            "catalog",
            on_page=False,
            mapping=True,
        ),
    )
}
#: The kind the Imports page offers first: the usage importer tells the export by its header.
AUTO = "auto"


def page_kinds() -> dict[str, str]:
    """The Imports page's choices: "auto" first, then every kind it runs."""
    return {AUTO: "Detect from the file"} | {
        k.name: k.description for k in IMPORT_KINDS.values() if k.on_page
    }


@dataclass
class ImportReport:
    """What an import read, wrote (or would write, on a dry run) and found."""

    kind: str
    file: str
    dry_run: bool = False
    import_id: int | None = None
    rows_read: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    first_week: date | None = None
    last_week: date | None = None
    #: kind-specific figures kept on the Import row (matched ids, the survey wave, ...)
    data: dict[str, Any] = field(default_factory=dict)
    #: kind-specific lines of the summary, in order
    notes: list[str] = field(default_factory=list)
    #: "name: value" lines of the summary (the Slack channels and counts, columns ignored, ...)
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[TabularError] = field(default_factory=list)
    #: the file was refused: nothing was written
    failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> int:
        return 0 if self.dry_run else self.created + self.updated

    def summary(self) -> str:
        create, update = (
            ("would create", "would update") if self.dry_run else ("created", "updated")
        )
        read = f"read {self.rows_read:,} rows"
        if self.records != self.rows_read:
            read += f" into {self.records:,} records"
        if self.failed:
            lines = [f"{self.file} ({self.kind}): refused; nothing was written."]
        else:
            lines = [
                f"{self.file} ({self.kind}): {read}; {create} {self.created:,}, "
                f"{update} {self.updated:,}, unchanged {self.unchanged:,}, "
                f"skipped {self.skipped:,}."
            ]
        if self.first_week:
            lines.append(f"weeks {self.first_week} to {self.last_week}")
        lines += self.notes
        lines += [f"{key}: {value}" for key, value in self.details.items()]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """What the Import row keeps (`text` is what the page shows)."""
        return {
            "kind": self.kind,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "first_week": self.first_week.isoformat() if self.first_week else None,
            "last_week": self.last_week.isoformat() if self.last_week else None,
            "details": self.details,
            **self.data,
            "text": self.summary(),
        }


class ImportFailed(Exception):  # noqa: N818  (the one import error; "failed" reads as it is)
    """The file was refused, so nothing was written. Carries the report with every problem."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(report.summary())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def import_record_start(*, kind: str, file_name: str, actor: Actor = None) -> Import:
    """The Import row a run reports into, made first so a page can poll its progress."""
    return Import.objects.create(
        kind=kind[:40],
        file_name=file_name[:255],
        by=actor if isinstance(actor, User) else None,
        status=Import.Status.RUNNING,
        summary={"progress": {"phase": "queued", "done": 0, "total": 0}},
    )


def problems_of(error: TabularError) -> list[TabularError]:
    """Every problem an error stands for (a usage file's error may carry many)."""
    problems = getattr(error, "problems", None)
    return list(problems) if problems else [error]


class ImportRun:
    """One run of an importer: its Import row, its source's hash, its progress, its end.

    ```
    run = ImportRun(kind="people", file_name=name, source=path, actor=actor, dry_run=dry_run)
    with run.refusing():           # a TabularError in here fails the run with every problem
        ...read and check, filling run.report...
        run.refuse_if_errors()     # row errors found while checking: refuse the file
        ...write in one transaction...
    return run.finish()            # succeeded / partial (skipped bad rows) / dry run
    ```
    """

    def __init__(
        self,
        *,
        kind: str,
        file_name: str,
        source: Path | bytes | None = None,
        actor: Actor = None,
        dry_run: bool = False,
        on_progress: ProgressCallback | None = None,
        record: Import | None = None,
    ) -> None:
        self.report = ImportReport(kind=kind, file=file_name, dry_run=dry_run)
        self.record = record or import_record_start(kind=kind, file_name=file_name, actor=actor)
        self.report.import_id = self.record.pk
        self._on_progress = on_progress
        self._last_saved = 0.0
        self._hasher: ThreadPoolExecutor | None = None
        self._digest: Future[str] | str = ""
        if isinstance(source, bytes):
            self._digest = hashlib.sha256(source).hexdigest()
        elif source is not None:
            # hashlib and the parsers both release the GIL: hashing beside the read costs nothing
            self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
            self._digest = self._hasher.submit(_sha256, source)

    # -- progress --------------------------------------------------------------------------
    def progress(self, done: int, total: int, phase: str = "reading") -> None:
        """The one progress callback: the caller's (a command line bar) on every call, the
        Import row (the page's live bar) at most every 0.3 s and at each change of phase."""
        if self._on_progress is not None:
            self._on_progress(done, total)
        now = time.monotonic()
        if phase != "reading" or now - self._last_saved > _ROW_EVERY_SECONDS:
            self._last_saved = now
            Import.objects.filter(pk=self.record.pk).update(
                summary={"progress": {"phase": phase, "done": done, "total": total}}
            )

    # -- checks ----------------------------------------------------------------------------
    def check_size(self, size: int) -> None:
        limit = settings.PEERWHEEL_IMPORT_MAX_BYTES
        if size > limit:
            raise TabularError(
                f"the file is {size:,} bytes, over the {limit:,} limit "
                "(PEERWHEEL_IMPORT_MAX_BYTES)",
                file=self.report.file,
            )

    @contextmanager
    def refusing(self) -> Iterator[ImportRun]:
        """A `TabularError` raised inside fails the run (with every problem it carries); any
        other exception also ends the row as failed (never RUNNING for ever) and goes on up."""
        try:
            yield self
        except TabularError as exc:
            self.fail(problems_of(exc))
        except ImportFailed:
            raise
        except Exception:
            self.report.errors.append(
                TabularError(
                    "the import stopped on an internal error; nothing was written "
                    "(the server log has the details)",
                    file=self.report.file,
                )
            )
            self.report.failed = True
            self._save(Import.Status.FAILED)
            raise

    def refuse_if_errors(self) -> None:
        if self.report.errors:
            self.fail(())

    # -- the end ---------------------------------------------------------------------------
    def fail(self, problems: Iterable[TabularError]) -> NoReturn:
        """Record the problems, finish the row as failed and raise `ImportFailed`."""
        self.report.errors.extend(problems)
        self.report.errors.sort(key=lambda e: (e.line is None, e.line or 0))
        self.report.failed = True
        self._save(Import.Status.FAILED)
        raise ImportFailed(self.report)

    def finish(self) -> ImportReport:
        """Finish the row: dry run, partial (bad rows skipped) or succeeded."""
        if self.report.dry_run:
            status = Import.Status.DRY_RUN
        elif self.report.errors:
            status = Import.Status.PARTIAL
        else:
            status = Import.Status.SUCCEEDED
        self._save(status)
        return self.report

    def _save(self, status: str) -> None:
        report, record = self.report, self.record
        record.sha256 = self._sha()
        record.kind = report.kind[:40]
        record.status = status
        record.finished = timezone.now()
        record.rows_read = report.rows_read
        record.rows_written = report.written if status != Import.Status.FAILED else 0
        record.rows_skipped = report.skipped
        record.errors = [e.as_dict() for e in report.errors]
        record.warnings = report.warnings
        record.summary = report.as_dict() | {"progress": {"phase": "done", "done": 1, "total": 1}}
        record.save()

    def _sha(self) -> str:
        """The source's hash; blank when it could not be read (the errors say why)."""
        digest = self._digest
        if isinstance(digest, str):
            return digest
        try:
            return digest.result()
        except OSError:
            return ""
        finally:
            if self._hasher is not None:
                self._hasher.shutdown()
