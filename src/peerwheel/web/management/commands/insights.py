"""`peerwheel insights ACTION`: the insights commands, one subcommand each.

- `report [--as-of YYYY-MM-DD] [--json] [--what-if K]`: the flywheel report (Flywheel R, natural
  champions, critical mass, the forecast and its what-if; docs/metrics.md), from data strictly
  before the as-of date, in sentences and tables or as JSON.
- `nudge [--as-of YYYY-MM-DD]`: nudge the invisible successes privately (insights.services.
  nudges_create; weekly, before the digest), idempotent.
- `classify-questions PATH [--out PATH]`: a CSV with a `text` column comes back with every row
  and column kept, plus `stage` (1–4) and `confidence`, for analysts bringing questions from
  elsewhere (engine/question_stages; docs/metrics.md, "Question stages").
- `retrain`: refit the question-stage classifier on the corpus and every correction people made,
  then classify again every hub question whose stage came from the classifier, and every
  question without one (hub/stages.py).

A new subcommand is one `add_parser` in `add_arguments` and one row of `handle`'s table.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from peerwheel.core.commands import PeerwheelCommand, progress_bar
from peerwheel.core.export import write_csv_rows
from peerwheel.engine.question_stages import Correction, StagePrediction, model_for
from peerwheel.engine.tabular import TabularError, TabularRow, normalise_header, read_table
from peerwheel.hub.stages import question_stages_retrain
from peerwheel.insights.cli import parse_as_of, report_text
from peerwheel.insights.report import flywheel_report
from peerwheel.insights.services import nudges_create

TEXT_COLUMN = "text"
MAX_WHAT_IF = 200
ADDED_COLUMNS = ("stage", "confidence")
#: rows classified between two progress-bar updates
CHUNK = 10_000
_SNIFF_BYTES = 64 * 1024


def _refuse_binary(path: Path) -> None:
    """A NUL byte means a binary file (or UTF-16 text): say so before the CSV reader guesses."""
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    where = head.find(b"\x00")
    if where >= 0:
        raise TabularError(
            f"this is not a text CSV (a NUL byte at byte {where}: a binary file such as a "
            "spreadsheet, or text saved as UTF-16); save the questions as CSV UTF-8",
            file=str(path),
        )


def _questions(path: Path) -> tuple[tuple[str, ...], str, list[TabularRow]]:
    """The file's columns, its text column as spelled there, and its rows; every problem named."""
    _refuse_binary(path)
    headers, rows = read_table(path)
    text_headers = [h for h in headers if normalise_header(h) == TEXT_COLUMN]
    if not text_headers:
        found = ", ".join(repr(h) for h in headers) or "none"
        raise TabularError(
            f"no {TEXT_COLUMN!r} column (the columns are: {found}); name the column that holds "
            f"the questions {TEXT_COLUMN!r}",
            file=str(path),
            line=1,
            column=TEXT_COLUMN,
        )
    column = text_headers[0]
    if not rows:
        raise TabularError(
            "no questions: the file has a header row and nothing below it",
            file=str(path),
            line=2,
            column=column,
        )
    blank = [row.line for row in rows if not row.get(column)]
    if blank:
        shown = ", ".join(str(line) for line in blank[:10]) + (", …" if len(blank) > 10 else "")
        raise TabularError(
            f"{len(blank)} row(s) have no question (lines {shown}); fill them in or remove them",
            file=str(path),
            line=blank[0],
            column=column,
        )
    return headers, column, rows


def classify_questions(
    path: Path,
    *,
    corrections: Sequence[Correction] = (),
    on_progress: Callable[[float, float], None] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The file's rows with `stage` and `confidence` (replacing any columns of those names).

    Raises TabularError naming the file, line and column of a problem; reads everything before
    returning, so the caller writes nothing for a bad file.
    """
    headers, column, rows = _questions(path)
    model = model_for(corrections)
    texts = [row.get(column) for row in rows]
    predictions: list[StagePrediction] = []
    for start in range(0, len(texts), CHUNK):
        predictions += model.classify(texts[start : start + CHUNK])
        if on_progress is not None:
            on_progress(len(predictions), len(texts))
    fieldnames = [h for h in headers if h not in ADDED_COLUMNS] + list(ADDED_COLUMNS)
    out = [
        {
            **{h: row.get(h) for h in headers if h not in ADDED_COLUMNS},
            "stage": int(prediction.stage),
            "confidence": round(prediction.confidence, 3),
        }
        for row, prediction in zip(rows, predictions, strict=True)
    ]
    return fieldnames, out


class Command(PeerwheelCommand):
    help = (
        "Insights. 'report [--as-of DATE] [--json]': the flywheel report. "
        "'classify-questions PATH [--out PATH]': a question stage (1–4) and its "
        "confidence for every row of a CSV with a 'text' column. 'retrain': refit the "
        "question-stage classifier on the corrections and classify the hub's questions again. "
        "'nudge [--as-of DATE]': privately nudge the invisible successes (weekly)."
    )
    public_name = "insights"
    requires_system_checks: list[str] = []  # classifying a file needs no database or URLs

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        report = actions.add_parser(
            "report",
            help="the flywheel report: R, natural champions, critical mass, the forecast",
            description="The flywheel report from data strictly before the as-of date: "
            "Flywheel R with its interval, the curve-only R and the chance level, R per "
            "department, natural champions with their evidence, critical mass, the 12-week "
            "forecast beside a Bass fit, and what extra champions would change.",
        )
        report.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="use data before this date (default: today)"
        )
        report.add_argument("--json", action="store_true", help="print the report as JSON")
        report.add_argument(
            "--what-if",
            type=int,
            default=5,
            metavar="K",
            help="extra champions in the what-if (default 5; 0 for none)",
        )
        classify = actions.add_parser(
            "classify-questions",
            help="add a question stage and its confidence to every row of a CSV",
            description="Reads a CSV with a 'text' column (other columns are kept) and writes "
            "it back with 'stage' (1 What is this?, 2 How do I get access?, 3 How do I do X "
            "with it?, 4 How do I build Y that nobody has tried?) and 'confidence' (the "
            "model's probability for that stage). Cells that a spreadsheet would run as a "
            "formula get a leading quote, as in every export.",
        )
        classify.add_argument("path", help="the CSV of questions (UTF-8, a 'text' column)")
        classify.add_argument(
            "--out", help="write here (may be PATH itself) instead of standard output"
        )
        actions.add_parser(
            "retrain",
            help="refit the question-stage classifier on the corrections; classify again",
            description="Refits the question-stage classifier on the shipped corpus and every "
            "correction people made on the hub, then classifies again every question whose "
            "stage came from the classifier, and every question without a stage. A stage that "
            "the asker, a champion or a lead set is kept.",
        )

        nudge = actions.add_parser(
            "nudge",
            help="nudge the invisible successes privately (run weekly, before the digest)",
            description="Every Power or Habitual user who shared nothing in 12 weeks and had no "
            "nudge in the last 4 gets a private nudge with a prefilled draft, shown only to them "
            "(their home page and their digest); earlier nudges answered by a share are marked "
            "(docs/metrics.md, 'Momentum'). Running it twice nudges nobody twice.",
        )
        nudge.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        actions: dict[str, Callable[[dict[str, Any]], None]] = {
            "classify-questions": self._classify_questions,
            "nudge": self._nudge,
            "report": self._report,
            "retrain": self._retrain,
        }
        actions[options["action"]](options)

    def _report(self, options: dict[str, Any]) -> None:
        try:
            as_of = parse_as_of(options["as_of"], today=timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if not 0 <= options["what_if"] <= MAX_WHAT_IF:
            raise CommandError(
                f"--what-if {options['what_if']}: between 0 and {MAX_WHAT_IF} champions",
                returncode=2,
            )
        with progress_bar("computing the flywheel report", unit="step") as bar:
            report = flywheel_report(as_of=as_of, what_if_k=options["what_if"], on_progress=bar)
        if options["json"]:
            self.stdout.write(json.dumps(report.data, indent=2))
        else:
            self.stdout.write(report_text(report.data))

    def _nudge(self, options: dict[str, Any]) -> None:
        try:
            as_of = parse_as_of(options["as_of"], today=timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        made = nudges_create(as_of=as_of)
        self.stdout.write(
            f"{len(made)} invisible success(es) nudged on {as_of.isoformat()} (each sees their "
            "own nudge on their home page and in their digest; nobody else sees it)."
        )

    def _retrain(self, options: dict[str, Any]) -> None:
        with progress_bar("classifying the hub's questions", unit="question") as bar:
            report = question_stages_retrain(on_progress=bar)
        mix = ", ".join(f"stage {s}: {report.stages.get(s, 0)}" for s in (1, 2, 3, 4))
        self.stdout.write(
            f"Refitted on the corpus and {report.corrections} correction(s); classified "
            f"{report.questions} question(s) ({mix}); {report.changed} changed stage."
        )

    def _classify_questions(self, options: dict[str, Any]) -> None:
        path = Path(options["path"])
        out_path = Path(options["out"]) if options["out"] else None
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        if out_path is not None and not out_path.resolve().parent.is_dir():
            raise CommandError(f"--out {out_path}: the folder does not exist", returncode=2)
        try:
            with progress_bar("classifying questions", unit="question") as bar:
                fieldnames, rows = classify_questions(path, on_progress=bar)
        except TabularError as exc:
            raise CommandError(str(exc), returncode=2) from None

        buffer = io.StringIO()
        write_csv_rows(buffer, fieldnames, rows)
        if out_path is None:
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            partial = out_path.with_name(out_path.name + ".partial")
            try:
                partial.write_text(buffer.getvalue(), encoding="utf-8", newline="")
                partial.replace(out_path)  # never a half-written file, even over the input
            finally:
                partial.unlink(missing_ok=True)
        counts = Counter(row["stage"] for row in rows)
        mix = ", ".join(f"stage {s}: {counts.get(s, 0)}" for s in (1, 2, 3, 4))
        where = f"; wrote {out_path}" if out_path else ""
        self.stderr.write(f"classified {len(rows)} question(s) ({mix}){where}")
