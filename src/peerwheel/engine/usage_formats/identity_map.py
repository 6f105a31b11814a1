"""`identity-map`: which employee an external id belongs to.

`external_id,employee_id[,source]`: the external id is an email, a UPN, a login or an opaque id
(a hashed Viva PersonId, a ChatGPT user id). Emails and UPNs are compared without case. A repeated
external id (for the same source) is an error, whichever employee it names.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from peerwheel.engine.tabular import Column, TabularRow, normalise_header

from ._base import (
    ANONYMISED_ID,
    ParseReport,
    ParseResult,
    Source,
    UsageFileError,
    duplicate_error,
    source_name,
)
from ._frame import Progress, ProgressCallback, UsageRead
from ._rows import open_rows

FORMAT = "identity-map"
COLUMNS = (
    Column(
        "external_id",
        aliases=(
            "email",
            "upn",
            "user_principal_name",
            "login",
            "github_login",
            "username",
            "person_id",
            "external",
            "id",
        ),
        required=True,
    ),
    Column(
        "employee_id",
        aliases=("employee", "employee_number", "staff_id", "hr_id", "worker_id"),
        required=True,
    ),
    Column("source", aliases=("system", "tool", "vendor")),
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


class IdKind(enum.Enum):
    EMAIL = "email"  # also a UPN: they look the same
    LOGIN = "login"
    ANONYMISED = "anonymised"
    OPAQUE = "opaque"


@dataclass(frozen=True, slots=True)
class IdentityRow:
    external_id: str  # emails lower-cased
    employee_id: str
    kind: IdKind
    source: str
    line: int


def detect(header: Sequence[str]) -> bool:
    keys = {normalise_header(h) for h in header}
    employee = {normalise_header(s) for s in COLUMNS[1].spellings()}
    external = {normalise_header(s) for s in COLUMNS[0].spellings()}
    dated = {"week", "date", "metricdate", "periodstart"}
    return bool(keys & employee) and bool(keys & external) and not keys & dated


def kind_of(external_id: str) -> IdKind:
    if _EMAIL.match(external_id):
        return IdKind.EMAIL
    if ANONYMISED_ID.match(external_id):
        return IdKind.ANONYMISED
    if _LOGIN.match(external_id) and not external_id.isdigit() and not _UUID.match(external_id):
        return IdKind.LOGIN
    return IdKind.OPAQUE


def parse(
    source: Source,
    *,
    today: date | None = None,  # unused: no dates; kept so every format is called alike
    file_name: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ParseResult[IdentityRow]:
    name = source_name(source, file_name)
    header_map, rows = open_rows(source, COLUMNS, name=name, overrides=overrides)
    report = ParseReport(
        format=FORMAT,
        file=name,
        columns_used=tuple(header_map.headers[p] for p in sorted(header_map.positions.values())),
        columns_ignored=header_map.unknown,
    )
    return ParseResult(_records(rows, name, report), report)


def _records(rows: Iterator[TabularRow], name: str, report: ParseReport) -> Iterator[IdentityRow]:
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    found: list[IdentityRow] = []
    for row in rows:
        report.rows_read += 1
        try:
            found.append(_record(row, name, report, seen))
        except UsageFileError as exc:
            report.problem(exc)
    report.raise_problems()
    for record in found:
        report.records += 1
        yield record
    report.complete = True


def _record(
    row: TabularRow,
    name: str,
    report: ParseReport,
    seen: dict[tuple[str, str], tuple[int, str]],
) -> IdentityRow:
    external = row.get("external_id")
    employee = row.get("employee_id")
    if not external:
        raise UsageFileError(name, row.line, "external_id", "is empty")
    if not employee:
        raise UsageFileError(name, row.line, "employee_id", "is empty")
    kind = kind_of(external)
    if kind is IdKind.EMAIL:
        external = external.lower()
    system = row.get("source").lower()
    key = (system, external)
    if key in seen:
        first_line, first_employee = seen[key]
        what = (
            f"{external!r}"
            if first_employee == employee
            else f"{external!r} (mapped to {first_employee!r} there, {employee!r} here)"
        )
        raise duplicate_error(name, row.line, first_line, what)
    seen[key] = (row.line, employee)
    if kind is IdKind.ANONYMISED:
        report.anonymised_ids += 1
    return IdentityRow(external, employee, kind, system, row.line)


def read(
    path: Path,
    *,
    today: date | None = None,
    file_name: str | None = None,
    scope: str = "organisation",
    on_progress: ProgressCallback | None = None,
    overrides: Mapping[str, str] | None = None,
) -> UsageRead:
    """Identity links, not usage: the usage app writes them and links earlier records."""
    del scope  # one signature for every format
    progress = Progress(path, on_progress)
    links, report = parse(path, today=today, file_name=file_name, overrides=overrides)
    return UsageRead(FORMAT, report, identities=list(progress.counted(links, report)))
