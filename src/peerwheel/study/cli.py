"""The study's command `peerwheel study analyze PATH` (`peerwheel import survey PATH` runs
`services.survey_import`, one row of the import table)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from django.core.management.base import CommandError
from django.db import DatabaseError

from peerwheel.core.commands import ProgressBar
from peerwheel.engine.study import (
    Instrument,
    InstrumentError,
    StudyReport,
    SurveyDataError,
    SurveyProblem,
    analyze,
    forest_plot_data,
    load_instrument,
    read_responses_csv,
)
from peerwheel.study.analysis import expected_seconds
from peerwheel.study.errors import describe_problem
from peerwheel.study.services import OUTCOMES, instrument_ensure, instrument_of

T = TypeVar("T")
PROGRESS_AFTER_SECONDS = 1.0


def _problems_text(file: str, problems: Sequence[SurveyProblem]) -> str:
    lines = [f"{file}: {len(problems)} problem(s); nothing was written."]
    lines += [f"- {describe_problem(p)}" for p in problems]
    return "\n".join(lines)


def current_instrument() -> Instrument:
    """The latest instrument in the database, or the packaged default without one."""
    try:
        return instrument_of(instrument_ensure())
    except DatabaseError:
        return load_instrument()


def analyze_file(
    path: Path, *, outcomes: Sequence[str] = OUTCOMES, seed: int = 42, n_boot: int = 1000
) -> StudyReport:
    """Read and analyse a survey file; problems raise CommandError (exit code 2)."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file", returncode=2)
    try:
        frame = read_responses_csv(path)
        instrument = current_instrument()
        return with_progress(
            "analysing (bootstrap)",
            expected_seconds(len(frame)),
            lambda: analyze(frame, instrument, outcomes=outcomes, seed=seed, n_boot=n_boot),
        )
    except SurveyDataError as exc:
        raise CommandError(_problems_text(path.name, exc.problems), returncode=2) from None
    except InstrumentError as exc:
        raise CommandError(f"The instrument cannot be used: {exc}", returncode=2) from None


def with_progress(label: str, expected: float, run: Callable[[], T]) -> T:
    """Run `run`, showing a time-based progress bar on stderr once it has taken over a second.

    The bootstrap fits all replicates at once, so the bar advances with the elapsed time
    against the expected time (and stays below 100% until the work is done).
    """
    done = threading.Event()

    def show() -> None:
        if done.wait(PROGRESS_AFTER_SECONDS):
            return
        total = round(max(expected, PROGRESS_AFTER_SECONDS + 0.5), 1)
        start = time.monotonic() - PROGRESS_AFTER_SECONDS
        with ProgressBar(label, bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}") as bar:
            while not done.wait(0.2):
                bar(round(min(time.monotonic() - start, 0.99 * total), 1), total)
            bar(total, total)

    thread = threading.Thread(target=show, daemon=True)
    thread.start()
    try:
        return run()
    finally:
        done.set()
        thread.join()


def report_text(report: StudyReport) -> str:
    """Plain-language sentences, a table of effects, the scales and what to do next."""
    lines = list(report.sentences)
    rows = forest_plot_data(report)
    header = ("outcome", "construct", "effect", f"{report.ci_level:.0%} CI", "p", "benchmark")
    table = [header]
    verdicts = {(b.outcome, b.construct): b.verdict.value for b in report.benchmarks}
    for r in rows:
        bench = r["benchmark_points"]
        verdict = verdicts.get((r["outcome"], r["construct"]))
        table.append(
            (
                r["outcome_label"],
                r["construct_label"],
                f"{r['ame_points']:+.1f}",
                f"{r['ci_low_points']:.1f} to {r['ci_high_points']:.1f}",
                "<0.001" if r["p"] < 0.001 else f"{r['p']:.3f}",
                "" if bench is None else f"{bench:+.1f} ({verdict})",
            )
        )
    widths = [max(len(row[k]) for row in table) for k in range(len(header))]
    lines += ["", "Effect of +1 SD, in percentage points:"]
    for index, row in enumerate(table):
        cells = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        lines.append(("  " + cells).rstrip())
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    lines += ["", "Scales (Cronbach's alpha):"]
    lines += [f"  {c.label}: {c.alpha:.2f} ({c.n_items} items)" for c in report.constructs]
    lines += ["", "Benchmark:"] + [f"  {b.sentence}" for b in report.benchmarks]
    lines += ["", "What to do next:"]
    lines += [f"  {k}. {s}" for k, s in enumerate(report.next_steps, 1)]
    if report.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in report.warnings]
    return "\n".join(lines)
