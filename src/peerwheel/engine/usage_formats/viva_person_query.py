"""`viva-person-query`: a Viva Insights person query CSV with Copilot metrics.

Which columns count (names matched case-insensitively, ignoring spaces, underscores and
brackets, so `Copilot actions taken in Copilot chat (work)` and
`Copilot_actions_taken_in_Copilot_chat__work_` are the same column):

- `Copilot_actions_taken_in_<app>`: the app's weekly total, one tool record per app
  ("Copilot in Teams", "Copilot Chat (work)", ...).
- `Days_of_active_Copilot_usage_in_<app>` / `Days_of_active_Copilot_chat_(work)_usage`: the
  app's active days.
- `Total_Copilot_actions_taken` (or `Total_Copilot_actions`): the sum of the app totals, used
  only to cross-check them (a mismatch is a warning) and never added. When a query has no app
  columns it is the only count, recorded as "Microsoft 365 Copilot".
- Agent columns (a name with "agent" and "action", "prompt", "response" or "session"): agent
  actions, on a "Copilot agents" record that adds nothing to the action count (Viva's segments
  do not count them). A `Total_...agent...` column, when present, is used alone.
- Feature columns (`Summarise_..._using_Copilot...`, `Generate_email_draft_...`,
  `Create_presentation_...`, prompts submitted, enabled days, assisted hours, ...) break the
  app totals down: listed in the report, never added.
- Collaboration and survey columns are not AI usage: ignored. Text columns other than the id and
  the date are HR attributes, returned in `report.people` (each person's latest values).

`MetricDate` is the first day of Viva's week (a Sunday): the record's week is the Monday of the
ISO week holding most of it (the date plus three days). A person-week with no Copilot activity
at all still gets one zero record ("Microsoft 365 Copilot"), because Viva's segments count the
weeks present.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from peerwheel.engine.tabular import Column, normalise_header

from ._base import (
    MAX_WEEKLY_ACTIONS,
    ParsedUsageRow,
    ParseReport,
    ParseResult,
    Source,
    UsageFileError,
    duplicate_error,
    source_name,
    today_utc,
)
from ._csv import (
    CsvFile,
    DuplicateTracker,
    date_column,
    note_bad,
    numeric_column,
    open_csv,
    read_chunks,
    text_column,
    to_monday,
)
from ._frame import FRAME_COLUMNS, Progress, ProgressCallback, UsageRead, read_chunked
from .usage_csv import rows_from_frames

FORMAT = "viva-person-query"
COLUMNS = (
    Column("PersonId", aliases=("Person_Id", "HashedPersonId", "PersonID"), required=True),
    Column("MetricDate", aliases=("Metric_Date", "Date", "Week", "WeekStartDate"), required=True),
)
WHOLE_COPILOT_TOOL = "Microsoft 365 Copilot"
AGENT_TOOL = "Copilot agents"
_APPS = {
    "teams": "Copilot in Teams",
    "outlook": "Copilot in Outlook",
    "word": "Copilot in Word",
    "excel": "Copilot in Excel",
    "powerpoint": "Copilot in PowerPoint",
    "onenote": "Copilot in OneNote",
    "loop": "Copilot in Loop",
    "copilotchatwork": "Copilot Chat (work)",
    "copilotchatweb": "Copilot Chat (web)",
}
_ACTIONS_PREFIX = "copilotactionstakenin"
_DAYS_PREFIX = "daysofactivecopilotusagein"
_TOTALS = ("totalcopilotactionstaken", "totalcopilotactions")
_COPILOT_HINTS = ("copilot", "intelligentrecap", "promptssubmitted")


@dataclass(frozen=True)
class _Layout:
    actions: dict[str, int]  # app key → column position
    days: dict[str, int]
    total: int | None
    agents: tuple[int, ...]
    breakdowns: tuple[int, ...]
    others: tuple[int, ...]


def _app_of_days(key: str) -> str | None:
    if key.startswith(_DAYS_PREFIX):
        return key[len(_DAYS_PREFIX) :]
    if key.startswith("daysofactivecopilotchat") and key.endswith("usage"):
        return "copilotchat" + key[len("daysofactivecopilotchat") : -len("usage")]
    return None


def _layout(csv_file: CsvFile) -> _Layout:
    used = set(csv_file.header_map.positions.values())
    actions: dict[str, int] = {}
    days: dict[str, int] = {}
    total: int | None = None
    agents: list[int] = []
    agent_totals: list[int] = []
    breakdowns: list[int] = []
    others: list[int] = []
    for position, header in enumerate(csv_file.headers):
        key = normalise_header(header)
        if position in used or not key:
            continue
        if "agent" in key and any(w in key for w in ("action", "prompt", "response", "session")):
            (agent_totals if key.startswith("total") else agents).append(position)
        elif key.startswith(_ACTIONS_PREFIX):
            actions[key[len(_ACTIONS_PREFIX) :]] = position
        elif key in _TOTALS:
            total = position
        elif (app := _app_of_days(key)) is not None:
            days[app] = position
        elif any(hint in key for hint in _COPILOT_HINTS):
            breakdowns.append(position)
        else:
            others.append(position)
    return _Layout(
        actions, days, total, tuple(agent_totals or agents), tuple(breakdowns), tuple(others)
    )


def detect(header: Sequence[str]) -> bool:
    keys = [normalise_header(h) for h in header]
    return (
        "personid" in keys
        and "metricdate" in keys
        and any(k.startswith(_ACTIONS_PREFIX) or k in _TOTALS for k in keys)
    )


def tool_name(app_key: str) -> str:
    return _APPS.get(app_key, f"Copilot in {app_key.capitalize()}")


def read_frames(
    source: Source,
    *,
    today: date | None = None,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
    chunksize: int = 131_072,
) -> ParseResult[pd.DataFrame]:
    """Validated long frames with columns `usage_csv.FRAME_COLUMNS`; HR attributes go to
    `report.people` as the frames are read."""
    name = source_name(source, file_name)
    csv_file = open_csv(source, COLUMNS, name=name, overrides=overrides)
    layout = _layout(csv_file)
    if not layout.actions and layout.total is None:
        raise UsageFileError(
            name,
            1,
            None,
            "no Copilot action columns: expected 'Copilot_actions_taken_in_<app>' columns or "
            "'Total_Copilot_actions_taken'; add Copilot metrics to the person query",
        )
    headers = csv_file.headers
    counted = [*layout.actions.values(), *layout.days.values(), *layout.agents]
    if layout.total is not None:
        counted.append(layout.total)
    report = ParseReport(
        format=FORMAT,
        file=name,
        columns_used=tuple(headers[p] for p in sorted(counted)),
        columns_ignored=tuple(headers[p] for p in (*layout.breakdowns, *layout.others)),
    )
    if layout.breakdowns:
        report.warnings.append(
            f"{len(layout.breakdowns)} Copilot feature columns break the app totals down and "
            "were not added"
        )
    frames = _frames(csv_file, layout, report, pd.Timestamp(today or today_utc()), chunksize)
    return ParseResult(frames, report)


def _frames(
    csv_file: CsvFile,
    layout: _Layout,
    report: ParseReport,
    today: pd.Timestamp,
    chunksize: int,
) -> Iterator[pd.DataFrame]:
    person_at = csv_file.header_map.positions["PersonId"]
    date_at = csv_file.header_map.positions["MetricDate"]
    wanted = sorted({person_at, date_at, *range(len(csv_file.headers))} - set(layout.breakdowns))
    duplicates = DuplicateTracker()
    hr_columns: list[int] | None = None
    mismatches = 0
    chunks = read_chunks(csv_file, wanted, text_positions=(person_at, date_at), chunksize=chunksize)
    for first_line, chunk in chunks:
        keep = ~chunk.isna().all(axis=1).to_numpy()
        lines = np.arange(first_line, first_line + len(chunk), dtype=np.int64)[keep]
        report.skipped += int((~keep).sum())
        chunk = chunk[keep].reset_index(drop=True)
        if chunk.empty:
            continue
        report.rows_read += len(chunk)
        if hr_columns is None:
            hr_columns = [
                p for p in layout.others if chunk[p].dtype.kind in "OSU" or _is_str(chunk[p])
            ]
            report.columns_ignored = tuple(
                csv_file.headers[p]
                for p in (*layout.breakdowns, *layout.others)
                if p not in hr_columns
            )
        found: list[UsageFileError] = []
        person = text_column(chunk, person_at)
        note_bad(
            found,
            (person == "").to_numpy(),
            person,
            first_line=0,
            csv_file=csv_file,
            header=csv_file.headers[person_at],
            describe="is empty",
        )
        metric_date = date_column(
            chunk, date_at, first_line=0, csv_file=csv_file, today=today, problems=found
        )
        counts = {
            p: numeric_column(
                chunk,
                p,
                first_line=0,
                csv_file=csv_file,
                maximum=MAX_WEEKLY_ACTIONS,
                problems=found,
            )
            for p in (*layout.actions.values(), *layout.agents)
        }
        days = {
            p: numeric_column(chunk, p, first_line=0, csv_file=csv_file, maximum=7, problems=found)
            for p in layout.days.values()
        }
        total = (
            None
            if layout.total is None
            else numeric_column(
                chunk,
                layout.total,
                first_line=0,
                csv_file=csv_file,
                maximum=10 * MAX_WEEKLY_ACTIONS,
                problems=found,
            )
        )
        for problem in found:  # lines inside the chunk → lines in the file
            line = None if problem.line is None else int(lines[problem.line])
            report.problem(UsageFileError(problem.file, line, problem.column, problem.message))
        week = to_monday(metric_date + pd.Timedelta(days=3))
        duplicates.add(pd.DataFrame({"p": person, "w": metric_date}), lines)
        _remember_people(report, person, metric_date, chunk, hr_columns, csv_file)
        parts: list[pd.DataFrame] = []
        app_sum = pd.Series(np.zeros(len(chunk), dtype=np.int64))
        for app in sorted(set(layout.actions) | set(layout.days)):
            acts = counts[layout.actions[app]] if app in layout.actions else None
            active = days[layout.days[app]] if app in layout.days else None
            if acts is not None:
                app_sum += acts
            mask = np.zeros(len(chunk), dtype=bool)
            for values in (acts, active):
                if values is not None:
                    mask |= (values > 0).to_numpy()
            if not mask.any():
                continue
            parts.append(_part(person, week, lines, tool_name(app), acts, active, None, mask))
        if total is not None and layout.actions:
            differs = (total != app_sum).to_numpy()
            mismatches += int(differs.sum())
        if not layout.actions and total is not None:
            mask = (total > 0).to_numpy()
            if mask.any():
                parts.append(
                    _part(person, week, lines, WHOLE_COPILOT_TOOL, total, None, None, mask)
                )
        if layout.agents:
            agent_sum = sum((counts[p] for p in layout.agents), start=app_sum * 0)
            mask = (agent_sum > 0).to_numpy()
            if mask.any():
                parts.append(_part(person, week, lines, AGENT_TOOL, None, None, agent_sum, mask))
        covered = np.zeros(len(chunk), dtype=bool)
        for part in parts:
            covered[np.searchsorted(lines, part["line"].to_numpy())] = True
        if (~covered).any():
            parts.append(_part(person, week, lines, WHOLE_COPILOT_TOOL, None, None, None, ~covered))
        out = pd.concat(parts, ignore_index=True)
        report.records += len(out)
        report.see_week(out["week"].min().date())
        report.see_week(out["week"].max().date())
        yield out[list(FRAME_COLUMNS)]
    repeat = duplicates.first_repeat()
    if repeat is not None:
        report.problems.append(
            duplicate_error(csv_file.name, repeat[0], repeat[1], "the same PersonId and MetricDate")
        )
    report.raise_problems()
    if mismatches:
        report.warnings.append(
            f"on {mismatches:,} rows Total_Copilot_actions_taken differs from the sum of the "
            "app columns (the query may include apps it does not list); the app columns were used"
        )
    for attributes in report.people.values():
        attributes.pop("_date", None)
    report.complete = True


def _is_str(series: pd.Series) -> bool:
    return series.dtype.kind in "OSU" or pd.api.types.is_string_dtype(series.dtype)


def _part(
    person: pd.Series,
    week: pd.Series,
    lines: np.ndarray,
    tool: str,
    actions: pd.Series | None,
    active_days: pd.Series | None,
    agents: pd.Series | None,
    mask: np.ndarray,
) -> pd.DataFrame:
    size = int(mask.sum())
    zeros = np.zeros(size, dtype=np.int64)
    days = (
        pd.array(active_days.to_numpy()[mask], dtype="Int64")
        if active_days is not None
        else pd.arrays.IntegerArray(zeros.copy(), np.ones(size, dtype=bool))
    )
    return pd.DataFrame(
        {
            "external_id": person.to_numpy()[mask],
            "week": week.to_numpy()[mask],
            "tool": tool,
            "actions": zeros if actions is None else actions.to_numpy()[mask],
            "agent_actions": zeros if agents is None else agents.to_numpy()[mask],
            "active_days": days,
            "line": lines[mask],
        }
    )


def _remember_people(
    report: ParseReport,
    person: pd.Series,
    metric_date: pd.Series,
    chunk: pd.DataFrame,
    hr_columns: list[int],
    csv_file: CsvFile,
) -> None:
    if not hr_columns:
        return
    attributes = chunk[hr_columns].astype(object).where(chunk[hr_columns].notna(), "")
    attributes.columns = [csv_file.headers[p] for p in hr_columns]
    attributes = attributes.assign(_person=person.to_numpy(), _date=metric_date.to_numpy())
    latest = attributes.sort_values("_date").drop_duplicates("_person", keep="last")
    seen = report.people
    for record in latest.to_dict("records"):
        key = str(record.pop("_person"))
        when = record.pop("_date")
        previous = seen.get(key)
        if previous is None or previous.get("_date", "") <= str(when):
            values = {str(k): str(v).strip() for k, v in record.items()}
            seen[key] = values | {"_date": str(when)}


def parse(
    source: Source,
    *,
    today: date | None = None,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ParseResult[ParsedUsageRow]:
    frames, report = read_frames(source, today=today, file_name=file_name, overrides=overrides)
    return ParseResult(rows_from_frames(frames), report)


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
    overrides: Mapping[str, str] | None = None,
) -> UsageRead:
    """The whole file as the standard usage frame (see `read_frames`)."""
    del scope  # one signature for every format
    progress = Progress(path, on_progress)
    return read_chunked(
        FORMAT,
        read_frames(path, today=today, file_name=file_name, overrides=overrides),
        progress,
    )
