"""`influence-events`: events from other tools (a chat bot, the LMS, a meeting tool).

`source_id, target_id, kind, occurred_at`, matched by name (`--map COLUMN=FIELD` names others):

- `source_id`: who shared, helped or presented (also `source`, `from`, `from_id`, `author`);
  `target_id`: who acted on it (also `target`, `to`, `to_id`, `actor`). Ids as the identity
  matching knows them (employee id, email, an identity map's external id).
- `kind` (also `event`, `type`, `event_type`): one of `KINDS`. `attended` (B attended a session,
  meeting or course where A presented) is the hub's `attended_demo`, the kind show-and-tell
  records; `attended_demo` is read too.
- `occurred_at` (also `timestamp`, `time`, `date`, `created_at`, `datetime`): ISO 8601, a date
  (`2026-03-02`, midnight) or a date and time (`2026-03-02T14:30:00Z`, `2026-03-02 14:30`);
  without an offset it is in the server's time zone. Never in the future.

Every bad row is a problem with its line and column; the importer writes nothing when there is
one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from peerwheel.engine.tabular import Column, HeaderMap, TabularError, TabularRow, read_rows
from peerwheel.engine.usage_formats import sniff_header

from ._problems import Problems

FORMAT = "influence-events"
#: A file's kind → the stored kind (the hub's `InfluenceKind` values).
KINDS: dict[str, str] = {
    "tried": "tried",
    "answered": "answered",
    "attended": "attended_demo",
    "attended_demo": "attended_demo",
    "adapted": "adapted",
    "commented": "commented",
    "reacted": "reacted",
    "mentioned": "mentioned",
}
_KIND_NAMES = "tried, answered, attended, adapted, commented, reacted, mentioned"
_FORMAT_HELP = "write ISO 8601, e.g. 2026-03-02 or 2026-03-02T14:30:00Z"

COLUMNS = (
    Column(
        "source_id", aliases=("source", "from", "from_id", "author", "influencer"), required=True
    ),
    Column("target_id", aliases=("target", "to", "to_id", "actor", "recipient"), required=True),
    Column("kind", aliases=("event", "type", "event_type", "event_kind"), required=True),
    Column(
        "occurred_at",
        aliases=("timestamp", "time", "date", "created_at", "created", "datetime", "when"),
        required=True,
    ),
)


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event: ids as written, the stored kind, an aware time."""

    line: int
    source_id: str
    target_id: str
    kind: str
    occurred_at: datetime


@dataclass
class EventRead:
    """The file's good rows, every problem, and which column fed which field."""

    file: str
    rows: list[EventRow]
    problems: Problems
    rows_read: int
    header_map: HeaderMap

    def header(self, field_name: str) -> str:
        return self.header_map.header_for(field_name) or field_name

    @property
    def columns_ignored(self) -> tuple[str, ...]:
        return self.header_map.unknown


def read(
    path: str | Path,
    *,
    now: datetime,
    zone: tzinfo,
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> EventRead:
    """Read and check every row. `now` (aware): later is the future; `zone`: a time without an
    offset is read in it. Raises `TabularError` when the file cannot be read at all."""
    name = file_name or str(path)
    is_json, _ = sniff_header(path)
    if is_json:
        raise TabularError("expected a CSV file with a header row, not JSON", file=name)
    header_map, rows = read_rows(path, COLUMNS, overrides=overrides, file_name=name)
    result = EventRead(
        file=name, rows=[], problems=Problems(file=name), rows_read=0, header_map=header_map
    )
    result.rows = list(_rows(rows, result, now=now, zone=zone))
    return result


def parse_time(text: str, *, zone: tzinfo) -> datetime | None:
    """An ISO 8601 date or date and time as an aware datetime, or None."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _rows(
    rows: Iterator[TabularRow], result: EventRead, *, now: datetime, zone: tzinfo
) -> Iterator[EventRow]:
    problems = result.problems
    for row in rows:
        result.rows_read += 1
        line = row.line
        bad = False
        source, target = row.get("source_id"), row.get("target_id")
        for field_name, value in (("source_id", source), ("target_id", target)):
            if not value:
                problems.add(line, result.header(field_name), "the id is empty")
                bad = True
        if source and target and (source == target or source.lower() == target.lower()):
            problems.add(
                line,
                result.header("target_id"),
                f"{target!r} is the source too: an event from a person to themselves",
            )
            bad = True
        text = row.get("kind")
        kind = KINDS.get(text.strip().lower().replace(" ", "_").replace("-", "_"))
        if kind is None:
            what = "the kind is empty" if not text else f"{text!r} is not a kind"
            problems.add(line, result.header("kind"), f"{what}; write one of {_KIND_NAMES}")
            bad = True
        when_text = row.get("occurred_at")
        when = parse_time(when_text, zone=zone) if when_text else None
        if when is None:
            what = "the time is empty" if not when_text else f"{when_text!r} is not a date"
            problems.add(line, result.header("occurred_at"), f"{what}; {_FORMAT_HELP}")
            bad = True
        elif when > now:
            problems.add(
                line,
                result.header("occurred_at"),
                f"{when_text!r} is in the future (now is {now.isoformat(timespec='seconds')})",
            )
            bad = True
        if not bad and kind is not None and when is not None:
            yield EventRow(line, source, target, kind, when)
