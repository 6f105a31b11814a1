"""The standard usage frame every person-level format returns, and what building it needs.

`UsageRead` is what reading any usage export gives: its `ParseReport` and, by kind, the person
usage frame (`FRAME_COLUMNS`: external_id, week as datetime64 (the Monday), tool, actions,
agent_actions, active_days (nullable), line), the organisation rows (GitHub metrics) or the
identity links (an identity map). Each format module's `read()` builds it itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ._base import ParseReport

ProgressCallback = Callable[[int, int], None]
RecordT = TypeVar("RecordT")
FRAME_COLUMNS = ("external_id", "week", "tool", "actions", "agent_actions", "active_days", "line")
_PROGRESS_EVERY = 5_000


def empty_usage_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "external_id": pd.Series([], dtype=object),
            "week": pd.Series([], dtype="datetime64[ns]"),
            "tool": pd.Series([], dtype=object),
            "actions": pd.Series([], dtype=np.int64),
            "agent_actions": pd.Series([], dtype=np.int64),
            "active_days": pd.Series([], dtype="Int64"),
            "line": pd.Series([], dtype=np.int64),
        }
    )


@dataclass(frozen=True, slots=True)
class OrgUsageRow:
    """One organisation, enterprise or team, one ISO week (its Monday), one Copilot feature
    (GitHub's metrics are per organisation, not per person)."""

    scope: str
    week: date
    tool: str
    actions: int
    engaged_users: int
    active_users: int
    days: int
    line: int


@dataclass
class UsageRead:
    """What a file held, checked, before anything is matched or written."""

    kind: str
    report: ParseReport
    usage: pd.DataFrame = field(default_factory=empty_usage_frame)
    org_rows: list[Any] = field(default_factory=list)
    identities: list[Any] = field(default_factory=list)
    #: Tools whose records are counts even in a kind whose records are lower bounds (the M365
    #: report's weekly prompt count): a later import's value wins for them.
    counted_tools: frozenset[str] = frozenset()


def count_rows(path: Path) -> int:
    """Data rows in a text file (lines after the header), to size a progress bar."""
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines, 1)


class Progress:
    """Rows read so far against the file's line count, for the caller's progress callback."""

    def __init__(self, path: Path, on_progress: ProgressCallback | None) -> None:
        self.total = count_rows(path) if on_progress is not None else 1
        self.on_progress = on_progress

    def __call__(self, done: int) -> None:
        if self.on_progress is not None:
            self.on_progress(min(done, self.total), self.total)

    def counted(self, records: Iterable[RecordT], report: ParseReport) -> Iterator[RecordT]:
        """The records unchanged, reporting progress every few thousand."""
        for number, record in enumerate(records, start=1):
            if number % _PROGRESS_EVERY == 0:
                self(report.rows_read)
            yield record
        self(report.rows_read)


def concat_frames(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Chunks one after the other; categorical columns stay categorical (their categories
    joined), where a plain concat would turn a million ids back into strings."""
    if not parts:
        return empty_usage_frame()
    frame = pd.concat(parts, ignore_index=True)
    for column in parts[0].columns:
        if all(isinstance(part[column].dtype, pd.CategoricalDtype) for part in parts):
            frame[column] = union_categoricals([part[column] for part in parts])
    return frame[list(FRAME_COLUMNS)]


def read_chunked(
    kind: str,
    chunks: tuple[Iterable[pd.DataFrame], ParseReport],
    progress: Progress,
) -> UsageRead:
    """The standard frame from a chunked reader's (frames, report), with progress per chunk."""
    frames, report = chunks
    parts = []
    for frame in frames:
        parts.append(frame)
        progress(report.rows_read)
    return UsageRead(kind, report, usage=concat_frames(parts))


def frame_from_rows(rows: Iterable[tuple[object, ...]]) -> pd.DataFrame:
    """The standard frame from (external_id, week, tool, actions, agents, days, line) tuples."""
    listed = list(rows)
    if not listed:
        return empty_usage_frame()
    frame = pd.DataFrame(listed, columns=list(FRAME_COLUMNS))
    frame["week"] = pd.to_datetime(frame["week"])
    frame["actions"] = frame["actions"].astype(np.int64)
    frame["agent_actions"] = frame["agent_actions"].astype(np.int64)
    frame["active_days"] = frame["active_days"].astype("Int64")
    frame["line"] = frame["line"].astype(np.int64)
    return frame
