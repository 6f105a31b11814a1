"""Every problem of a file, each with its line and column; the first `MAX_LISTED` are kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from peerwheel.engine.tabular import TabularError

#: Problems kept with their place; past this only counted (the first ones say what to fix).
MAX_LISTED = 100


@dataclass
class Problems:
    """The problems found in one file: the rows refused, and the first `MAX_LISTED` problems."""

    file: str
    listed: list[TabularError] = field(default_factory=list)
    count: int = 0
    #: the lines with a problem (never written, even with --skip-invalid)
    lines: set[int] = field(default_factory=set)

    def add(self, line: int, column: str | None, message: str) -> None:
        self.count += 1
        self.lines.add(line)
        if len(self.listed) < MAX_LISTED:
            self.listed.append(TabularError(message, file=self.file, line=line, column=column))

    @property
    def unlisted(self) -> int:
        """How many problems were counted but not kept."""
        return self.count - len(self.listed)

    def __bool__(self) -> bool:
        return self.count > 0
