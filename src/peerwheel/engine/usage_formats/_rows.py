"""Row-by-row reading for the small formats, through `peerwheel.engine.tabular`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from peerwheel.engine.tabular import Column, HeaderMap, TabularError, TabularRow, read_rows

from ._base import Source, UsageFileError


def _as_usage_error(exc: TabularError) -> UsageFileError:
    if isinstance(exc, UsageFileError):
        return exc
    return UsageFileError(exc.file, exc.line, exc.column, exc.message)


def open_rows(
    source: Source,
    columns: Iterable[Column],
    *,
    name: str,
    overrides: Mapping[str, str] | None = None,
) -> tuple[HeaderMap, Iterator[TabularRow]]:
    """The header map now, the rows lazily; every error is a `UsageFileError`."""
    try:
        header_map, rows = read_rows(source, columns, overrides=overrides, file_name=name)
    except TabularError as exc:
        raise _as_usage_error(exc) from None

    def guarded() -> Iterator[TabularRow]:
        try:
            yield from rows
        except TabularError as exc:
            raise _as_usage_error(exc) from None

    return header_map, guarded()
