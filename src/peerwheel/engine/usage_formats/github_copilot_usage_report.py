"""`github-copilot-usage-report`: GitHub's Copilot usage metrics reports (the current API).

GitHub retired `/orgs/{org}/copilot/metrics` on 2026-04-02 (that older form is
`github_copilot_metrics`). Its replacement, `/orgs/{org}/copilot/metrics/reports/...` and
`/enterprises/{enterprise}/copilot/metrics/reports/...`, hands out signed links to NDJSON files
(GitHub Docs, "Example schema for Copilot usage metrics" and "Data available in Copilot usage
metrics"). Two shapes are read:

- **per user** (`users-1-day`, `users-28-day`): one object a line, a user and a day:
  `day`, `user_login`, `user_id`, `user_initiated_interaction_count`,
  `code_generation_activity_count`, `code_acceptance_activity_count`, `used_agent`,
  `totals_by_feature[] {feature, user_initiated_interaction_count, ...}`. Each login and ISO week
  becomes one person record of the tool `GitHub Copilot`: actions are the interactions the user
  started plus the code suggestions accepted; agent actions the interactions in agent features
  (`feature` naming `agent`); active days the days listed. The login is matched to people like
  every usage id (through the identity map).
- **per organisation or enterprise** (`organization-1-day`, `enterprise-28-day`, ...): a wrapped
  document `{report_start_day, report_end_day, enterprise_id | organization_id,
  day_totals: [{day, daily_active_users, weekly_active_users, user_initiated_interaction_count,
  code_acceptance_activity_count, ...}]}`, one a line or as a JSON array; or the day totals
  themselves, one a line. Each scope and ISO week becomes one organisation record, as the older
  form did: actions summed over the days, users the busiest day's.

Not read: lines of code (`loc_*`), per-IDE, per-language and per-model breakdowns, CLI token
counts, pull-request figures and the partition fields (`etl_id`, `day_partition`, ...).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from ._base import (
    MAX_DAILY_ORG_ACTIONS,
    MAX_WEEKLY_ACTIONS,
    ParseReport,
    Source,
    UsageFileError,
    monday,
    parse_count,
    parse_date,
    source_name,
    today_utc,
)
from ._frame import OrgUsageRow, Progress, ProgressCallback, UsageRead, frame_from_rows
from ._json import line_of

FORMAT = "github-copilot-usage-report"
TOOL = "GitHub Copilot"
_DEFAULT_SCOPE = "organisation"
OLDER_FORMAT = (
    "this is an older GitHub format: the Copilot metrics API retired on 2026-04-02 (a list of "
    "days with 'date'); import it as github-copilot-metrics"
)


def detect(header: Sequence[str]) -> bool:
    """`header`: the keys of the first object (the first line of an NDJSON file)."""
    keys = set(header)
    return (
        ("user_login" in keys and "day" in keys)
        or "day_totals" in keys
        or ("day" in keys and "daily_active_users" in keys)
    )


def is_report_object(value: object) -> bool:
    """Whether a JSON object is one of this format's (for the older reader's message)."""
    return isinstance(value, dict) and detect(list(value))


def _lines(source: Source, name: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, read as it goes (a per-user download is large)."""
    try:
        if isinstance(source, str | Path):
            with Path(source).open("rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    yield number, _decoded(raw, name, number)
        else:
            content = source.read()
            if isinstance(content, bytes):
                content = _decoded(content, name, None)
            yield from enumerate(content.lstrip("\ufeff").splitlines(keepends=True), start=1)
    except OSError as exc:
        raise UsageFileError(name, None, None, f"cannot open the file: {exc}") from exc


def _decoded(raw: bytes, name: str, line: int | None) -> str:
    try:
        return raw.decode("utf-8-sig" if line in (None, 1) else "utf-8")
    except UnicodeDecodeError as exc:
        raise UsageFileError(name, line, None, "the file is not UTF-8 text") from exc


def _objects(source: Source, name: str, documents: list[str]) -> Iterator[tuple[int, object]]:
    """(line, object): one per non-empty NDJSON line; or, when the file is one JSON document
    (a pretty-printed report, an array), its items, each at the line of its `day`."""
    lines = _lines(source, name)
    first = next(((n, t) for n, t in lines if t.strip()), None)
    if first is None:
        raise UsageFileError(name, 1, None, "the file is empty: expected NDJSON or a JSON report")
    try:
        value = json.loads(first[1])
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):  # a document over several lines, or an array
        documents.append(first[1] + "".join(t for _, t in lines))
        yield from _document(documents[0], name, first[0])
        return
    yield first[0], value
    for number, line in lines:
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageFileError(
                name, number, f"character {exc.colno}", f"invalid JSON on this line: {exc.msg}"
            ) from None


def _document(text: str, name: str, offset: int) -> Iterator[tuple[int, object]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageFileError(
            name, exc.lineno + offset - 1, f"character {exc.colno}", f"invalid JSON: {exc.msg}"
        ) from None
    items = document if isinstance(document, list) else [document]
    if items and isinstance(items[0], dict) and "date" in items[0] and "day" not in items[0]:
        raise UsageFileError(name, offset, None, OLDER_FORMAT)
    for item in items:
        day = item.get("day") if isinstance(item, dict) else None
        if day is None and isinstance(item, dict) and isinstance(item.get("day_totals"), list):
            days = item["day_totals"]
            day = days[0].get("day") if days and isinstance(days[0], dict) else None
        found = line_of(text, "day", day) if isinstance(day, str) else None
        yield (found or 1) + offset - 1, item


class _Reader:
    def __init__(self, name: str, scope: str, today: date, report: ParseReport) -> None:
        self.name, self.scope, self.today, self.report = name, scope, today, report
        # (login, week) -> [actions, agent actions, days, line]
        self.people: dict[tuple[str, date], list[int]] = {}
        # (scope, week) -> [actions, engaged, active, days, line]
        self.orgs: dict[tuple[str, date], list[int]] = {}
        self.seen: dict[tuple[str, date], int] = {}
        #: the text of a file that is one JSON document (to find each day's line)
        self.documents: list[str] = []

    def count(self, value: object, line: int, column: str, maximum: int) -> int:
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise UsageFileError(self.name, line, column, f"{value!r} is not a whole number")
        return parse_count(value, file=self.name, line=line, column=column, maximum=maximum)

    def day(self, record: dict[str, object], line: int, column: str = "day") -> date:
        raw = record.get("day")
        if not isinstance(raw, str):
            raise UsageFileError(self.name, line, column, "missing: each record needs its 'day'")
        when = parse_date(raw, file=self.name, line=line, column=column, today=self.today)
        if when is None:  # unreachable: an empty date is refused
            raise UsageFileError(self.name, line, column, "the date is empty")
        return when

    def once(self, key: tuple[str, date], line: int, what: str) -> None:
        first = self.seen.setdefault(key, line)
        if first != line:
            raise UsageFileError(
                self.name, line, "day", f"{what} on {key[1]} appears twice (first on line {first})"
            )

    def user(self, record: dict[str, object], line: int) -> None:
        login = record.get("user_login")
        if not isinstance(login, str) or not login.strip():
            raise UsageFileError(self.name, line, "user_login", "missing")
        when = self.day(record, line)
        self.once((login.strip().lower(), when), line, repr(login.strip()))
        interactions = self.count(
            record.get("user_initiated_interaction_count"),
            line,
            "user_initiated_interaction_count",
            MAX_WEEKLY_ACTIONS,
        )
        accepted = self.count(
            record.get("code_acceptance_activity_count"),
            line,
            "code_acceptance_activity_count",
            MAX_WEEKLY_ACTIONS,
        )
        agents = 0
        features = record.get("totals_by_feature") or []
        if not isinstance(features, list):
            raise UsageFileError(self.name, line, "totals_by_feature", "expected a list")
        for index, feature in enumerate(features):
            if isinstance(feature, dict) and "agent" in str(feature.get("feature", "")):
                agents += self.count(
                    feature.get("user_initiated_interaction_count"),
                    line,
                    f"totals_by_feature[{index}].user_initiated_interaction_count",
                    MAX_WEEKLY_ACTIONS,
                )
        self.report.rows_read += 1
        slot = self.people.setdefault((login.strip(), monday(when)), [0, 0, 0, line])
        slot[0] += interactions + accepted
        slot[1] += min(agents, interactions)
        slot[2] += 1

    def totals(self, record: dict[str, object], line: int, scope: str, column: str) -> None:
        day = record.get("day")
        if self.documents and isinstance(day, str):
            line = line_of(self.documents[0], "day", day) or line
        when = self.day(record, line, f"{column}day")
        self.once((scope, when), line, f"scope {scope!r}")
        actions = sum(
            self.count(record.get(key), line, f"{column}{key}", MAX_DAILY_ORG_ACTIONS)
            for key in ("user_initiated_interaction_count", "code_acceptance_activity_count")
        )
        active = self.count(
            record.get("daily_active_users"),
            line,
            f"{column}daily_active_users",
            MAX_DAILY_ORG_ACTIONS,
        )
        weekly = self.count(
            record.get("weekly_active_users"),
            line,
            f"{column}weekly_active_users",
            MAX_DAILY_ORG_ACTIONS,
        )
        self.report.rows_read += 1
        slot = self.orgs.setdefault((scope, monday(when)), [0, 0, 0, 0, line])
        slot[0] += actions
        slot[1] = max(slot[1], weekly)
        slot[2] = max(slot[2], active)
        slot[3] += 1

    def scope_of(self, record: dict[str, object], outer: dict[str, object]) -> str:
        """The name given (`--map scope=...`), else the entity the file names, else the
        default."""
        if self.scope != _DEFAULT_SCOPE:
            return self.scope
        for key, label in (("organization_id", "organization"), ("enterprise_id", "enterprise")):
            value = record.get(key, outer.get(key))
            if value not in (None, ""):
                return f"{label} {value}"
        return self.scope

    def read(self, value: object, line: int) -> None:
        if not isinstance(value, dict):
            raise UsageFileError(self.name, line, None, "each line must be a JSON object")
        if "date" in value and "day" not in value:
            raise UsageFileError(self.name, line, None, OLDER_FORMAT)
        if "user_login" in value:
            self.user(value, line)
        elif "day_totals" in value:
            days = value["day_totals"]
            if not isinstance(days, list):
                raise UsageFileError(self.name, line, "day_totals", "expected a list of days")
            for index, totals in enumerate(days):
                column = f"day_totals[{index}]."
                if not isinstance(totals, dict):
                    raise UsageFileError(self.name, line, column[:-1], "expected an object")
                self.totals(totals, line, self.scope_of(totals, value), column)
        elif "day" in value:
            self.totals(value, line, self.scope_of(value, value), "")
        else:
            raise UsageFileError(
                self.name,
                line,
                None,
                "not a Copilot usage report record: expected 'user_login' and 'day', "
                "'day_totals', or a day's totals",
            )


def parse(
    source: Source,
    *,
    scope: str = _DEFAULT_SCOPE,
    today: date | None = None,
    file_name: str | None = None,
) -> tuple[list[tuple[object, ...]], list[OrgUsageRow], ParseReport]:
    """(person rows as the standard frame's tuples, organisation rows, report). A file holds
    one kind: per user or per organisation/enterprise."""
    name = source_name(source, file_name)
    report = ParseReport(format=FORMAT, file=name)
    reader = _Reader(name, scope, today or today_utc(), report)
    for line, value in _objects(source, name, reader.documents):
        try:
            reader.read(value, line)
        except UsageFileError as exc:
            report.problem(exc)
    if reader.people and reader.orgs:
        report.problem(
            UsageFileError(name, None, None, "the file mixes per-user and per-organisation records")
        )
    report.raise_problems()
    people: list[tuple[object, ...]] = []
    for (login, week), (actions, agents, days, line) in sorted(reader.people.items()):
        report.see_week(week)
        people.append((login, week, TOOL, actions, agents, days, line))
    orgs = []
    for (where, week), (actions, engaged, active, days, line) in sorted(reader.orgs.items()):
        report.see_week(week)
        orgs.append(OrgUsageRow(where, week, TOOL, actions, engaged, active, days, line))
    report.records = len(people) + len(orgs)
    report.complete = True
    return people, orgs, report


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = _DEFAULT_SCOPE,
    on_progress: ProgressCallback | None = None,
) -> UsageRead:
    """Person records for a per-user report, organisation rows for the others."""
    progress = Progress(path, on_progress)
    people, orgs, report = parse(path, scope=scope, today=today, file_name=file_name)
    progress(progress.total)  # every line read (a pretty-printed report has more lines than days)
    return UsageRead(FORMAT, report, usage=frame_from_rows(people), org_rows=orgs)
