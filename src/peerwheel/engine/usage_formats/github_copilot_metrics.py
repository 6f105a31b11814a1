"""`github-copilot-metrics`: GitHub's Copilot metrics API for an organisation or a team.

The document is a list of days (`GET /orgs/{org}/copilot/metrics`, or `/team/{slug}/...`):
`date`, `total_active_users`, `total_engaged_users`, and per feature
`copilot_ide_code_completions.editors[].models[].languages[]`,
`copilot_ide_chat.editors[].models[]`, `copilot_dotcom_chat.models[]`,
`copilot_dotcom_pull_requests.repositories[].models[]`.

The counts are for the whole organisation (or team), not per person, so each ISO week becomes
one `OrgUsageRow` per tool: actions are summed over the days (accepted code suggestions, IDE
chats, github.com chats, pull-request summaries); users are the busiest day's count, since
distinct users cannot be added across days.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO

from ._base import (
    MAX_DAILY_ORG_ACTIONS,
    ParseReport,
    ParseResult,
    Source,
    UsageFileError,
    monday,
    parse_count,
    parse_date,
    source_name,
    today_utc,
)
from ._frame import OrgUsageRow, Progress, ProgressCallback, UsageRead
from ._json import line_of, load_json
from .github_copilot_usage_report import is_report_object

FORMAT = "github-copilot-metrics"
COMPLETIONS = "GitHub Copilot code completions"
IDE_CHAT = "GitHub Copilot Chat in the IDE"
DOTCOM_CHAT = "GitHub Copilot Chat on github.com"
PULL_REQUESTS = "GitHub Copilot pull request summaries"
__all__ = ["OrgUsageRow", "detect", "parse", "read"]

_FEATURES = (
    "copilot_ide_code_completions",
    "copilot_ide_chat",
    "copilot_dotcom_chat",
    "copilot_dotcom_pull_requests",
)


def detect(header: Sequence[str]) -> bool:
    """`header`: the keys of the first day object."""
    keys = set(header)
    return "date" in keys and ("total_active_users" in keys or any(f in keys for f in _FEATURES))


class _Day:
    def __init__(self, day: dict[str, object], name: str, line: int | None, path: str) -> None:
        self.day, self.name, self.line, self.path = day, name, line, path

    def count(self, value: object, where: str) -> int:
        if value is None:
            return 0
        if not isinstance(value, int) or isinstance(value, bool):
            raise UsageFileError(
                self.name, self.line, f"{self.path}.{where}", f"{value!r} is not a whole number"
            )
        return parse_count(
            value,
            file=self.name,
            line=self.line,
            column=f"{self.path}.{where}",
            maximum=MAX_DAILY_ORG_ACTIONS,
        )

    def items(self, parent: object, key: str, where: str) -> list[tuple[str, dict[str, object]]]:
        if not isinstance(parent, dict):
            return []
        value = parent.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise UsageFileError(
                self.name, self.line, f"{self.path}.{where}.{key}", "expected a list of objects"
            )
        return [(f"{where}.{key}[{i}]", v) for i, v in enumerate(value)]

    def engaged(self, feature: str) -> int:
        block = self.day.get(feature)
        if not isinstance(block, dict):
            return 0
        return self.count(block.get("total_engaged_users"), f"{feature}.total_engaged_users")

    def actions(self) -> dict[str, int]:
        out = dict.fromkeys((COMPLETIONS, IDE_CHAT, DOTCOM_CHAT, PULL_REQUESTS), 0)
        feature = "copilot_ide_code_completions"
        for editor_at, editor in self.items(self.day.get(feature), "editors", feature):
            for model_at, model in self.items(editor, "models", editor_at):
                for lang_at, language in self.items(model, "languages", model_at):
                    accepted = language.get("total_code_acceptances")
                    out[COMPLETIONS] += self.count(accepted, f"{lang_at}.total_code_acceptances")
        feature = "copilot_ide_chat"
        for editor_at, editor in self.items(self.day.get(feature), "editors", feature):
            for model_at, model in self.items(editor, "models", editor_at):
                out[IDE_CHAT] += self.count(model.get("total_chats"), f"{model_at}.total_chats")
        feature = "copilot_dotcom_chat"
        for model_at, model in self.items(self.day.get(feature), "models", feature):
            out[DOTCOM_CHAT] += self.count(model.get("total_chats"), f"{model_at}.total_chats")
        feature = "copilot_dotcom_pull_requests"
        for repo_at, repo in self.items(self.day.get(feature), "repositories", feature):
            for model_at, model in self.items(repo, "models", repo_at):
                summaries = model.get("total_pr_summaries_created")
                out[PULL_REQUESTS] += self.count(
                    summaries, f"{model_at}.total_pr_summaries_created"
                )
        return out


_ENGAGED = {
    COMPLETIONS: "copilot_ide_code_completions",
    IDE_CHAT: "copilot_ide_chat",
    DOTCOM_CHAT: "copilot_dotcom_chat",
    PULL_REQUESTS: "copilot_dotcom_pull_requests",
}


NEWER_FORMAT = (
    "this is a newer GitHub format (a Copilot usage metrics report, NDJSON or day_totals), "
    "not the metrics API retired on 2026-04-02; import it as github-copilot-usage-report"
)


def _in_memory(source: IO[bytes] | IO[str]) -> IO[bytes] | IO[str]:
    content = source.read()
    return io.BytesIO(content) if isinstance(content, bytes) else io.StringIO(content)


def _first_line_is_newer(source: Source) -> bool:
    """Whether the file's first line is a usage-report object (an NDJSON download)."""
    try:
        if isinstance(source, str | Path):
            with Path(source).open("rb") as handle:
                first: bytes | str = handle.readline()
        else:
            source.seek(0)
            first = source.readline()
        return is_report_object(json.loads(first))
    except (OSError, ValueError):
        return False


def parse(
    source: Source,
    *,
    scope: str = "organisation",
    today: date | None = None,
    file_name: str | None = None,
) -> ParseResult[OrgUsageRow]:
    """`scope` names what the file covers (the organisation login or `org/team-slug`)."""
    name = source_name(source, file_name)
    if not isinstance(source, str | Path):  # read twice below when it is the newer form
        source = _in_memory(source)
    try:
        document, text = load_json(source, name)
    except UsageFileError as exc:
        if _first_line_is_newer(source):
            raise UsageFileError(name, 1, None, NEWER_FORMAT) from exc
        raise
    first = document[0] if isinstance(document, list) and document else document
    if is_report_object(first):
        raise UsageFileError(name, 1, None, NEWER_FORMAT)
    if not isinstance(document, list):
        raise UsageFileError(
            name, 1, None, "expected a JSON list of days, as the metrics API returns"
        )
    report = ParseReport(format=FORMAT, file=name)
    return ParseResult(_records(document, text, name, scope, today or today_utc(), report), report)


def _records(
    document: list[object], text: str, name: str, scope: str, today: date, report: ParseReport
) -> Iterator[OrgUsageRow]:
    weeks: dict[tuple[date, str], list[int]] = {}  # actions, engaged, active, days, line
    seen: dict[date, int] = {}
    for index, day in enumerate(document):
        try:
            path = f"[{index}]"
            if not isinstance(day, dict) or "date" not in day:
                raise UsageFileError(name, None, path, "each day must be an object with a 'date'")
            raw_date = str(day["date"])
            line = line_of(text, "date", raw_date) or 0
            when = parse_date(raw_date, file=name, line=line, column=f"{path}.date", today=today)
            if when is None:  # unreachable: the date is required
                continue
            if when in seen:
                raise UsageFileError(
                    name, line, f"{path}.date", f"{when} appears twice (first as day {seen[when]})"
                )
            seen[when] = index
            report.rows_read += 1
            reader = _Day(day, name, line, path)
            active = reader.count(day.get("total_active_users"), "total_active_users")
            for tool, actions in reader.actions().items():
                slot = weeks.setdefault((monday(when), tool), [0, 0, 0, 0, line])
                slot[0] += actions
                slot[1] = max(slot[1], reader.engaged(_ENGAGED[tool]))
                slot[2] = max(slot[2], active)
                slot[3] += 1
        except UsageFileError as exc:
            report.problem(exc)
    report.raise_problems()
    for (week, tool), (actions, engaged, active, days, line) in sorted(weeks.items()):
        report.records += 1
        report.see_week(week)
        yield OrgUsageRow(scope, week, tool, actions, engaged, active, days, line)
    if any(slot[3] < 7 for slot in weeks.values()):
        report.warnings.append("some weeks have fewer than 7 days of data (partial weeks)")
    report.complete = True


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
) -> UsageRead:
    """Organisation-level rows (not people): the usage app keeps them apart."""
    progress = Progress(path, on_progress)
    org_rows, report = parse(path, scope=scope, today=today, file_name=file_name)
    return UsageRead(FORMAT, report, org_rows=list(progress.counted(org_rows, report)))
