"""Bad input: every broken file is refused with its file, line and column, and writes nothing;
byte-order marks, CRLF, semicolons and quoted commas read like a plain file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.usage.models import UsageSeries
from peerwheel.usage.services import usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]
GOOD = "alice@example.com,2025-03-03,ChatGPT,4\n"


def test_bom_crlf_semicolons_and_quoted_commas_read_like_a_plain_file(
    org: dict[str, Person], write_file: Write
) -> None:
    text = 'person;week;tool;actions\r\nalice@example.com;2025-03-03;"Copilot; in Word, 2025";4\r\n'
    path = write_file("excel.csv", b"\xef\xbb\xbf" + text.encode())
    usage_import("usage-csv", path)
    (record,) = stored_records()
    assert (record.person, record.week, record.tool, record.actions) == (
        org["alice"],
        date(2025, 3, 3),
        "Copilot; in Word, 2025",
        4,
    )


@pytest.mark.parametrize(
    ("kind", "name", "content", "line", "column", "words"),
    [
        ("usage-csv", "u.csv", "person,week,tool\n" + GOOD, 1, "actions", "missing"),
        (
            "usage-csv",
            "u.csv",
            "person,week,tool,actions\n" + GOOD + "x@example.com,3rd of May,Chat,1\n",
            3,
            "week",
            "not a date",
        ),
        (
            "usage-csv",
            "u.csv",
            "person,week,tool,actions\n" + GOOD + "bob@example.com,2025-03-03,Chat,lots\n",
            3,
            "actions",
            "number",
        ),
        (
            "usage-csv",
            "u.csv",
            "person,week,tool,actions\n" + GOOD + "bob@example.com,2025-03-03,Chat,-1\n",
            3,
            "actions",
            "negative",
        ),
        (
            "usage-csv",
            "u.csv",
            "person,week,tool,actions\n" + GOOD + "bob@example.com,2025-03-03,Chat,9000000\n",
            3,
            "actions",
            "implausibly",
        ),
        (
            "usage-csv",
            "u.csv",
            "person,week,tool,actions\n" + GOOD + "bob@example.com,2999-03-03,Chat,1\n",
            3,
            "week",
            "future",
        ),
        ("usage-csv", "u.csv", "person,week,tool,actions\n" + GOOD + GOOD, 3, None, "duplicate"),
        (
            "github-copilot-metrics",
            "m.json",
            '[{"date": "2025-06-02", "total_active_users": 3},\n {"date": "2025-06-0',
            2,
            "character",
            "invalid json",
        ),
        (
            "chatgpt-enterprise",
            "c.csv",
            "cadence,period_start,email,messages\nMonthly,2025-03-01,a@example.com,4\n",
            2,
            "cadence",
            "monthly",
        ),
    ],
    ids=[
        "missing-column",
        "garbage-row",
        "not-a-count",
        "negative",
        "absurd",
        "future",
        "duplicate",
        "truncated-json",
        "monthly-chatgpt",
    ],
)
def test_bad_files_name_file_line_and_column_and_write_nothing(
    org: dict[str, Person],
    write_file: Write,
    kind: str,
    name: str,
    content: str,
    line: int,
    column: str | None,
    words: str,
) -> None:
    path = write_file(name, content)
    with pytest.raises(ImportFailed) as caught:
        usage_import(kind, path)
    (error,) = caught.value.report.errors
    assert error.file == name
    assert error.line == line
    if column is None:
        assert error.column is None
    else:
        assert (error.column or "").startswith(column)
    assert words in error.message.lower()
    assert not UsageSeries.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_an_undetectable_file_says_which_kinds_exist(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("mystery.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(ImportFailed) as caught:
        usage_import("auto", path)
    assert "usage-csv" in caught.value.report.errors[0].message


def test_a_file_over_the_size_limit_is_refused(
    org: dict[str, Person], write_file: Write, settings: object
) -> None:
    settings.PEERWHEEL_IMPORT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    path = write_file("big.csv", "person,week,tool,actions\n" + GOOD * 100)
    with pytest.raises(ImportFailed, match="PEERWHEEL_IMPORT_MAX_BYTES"):
        usage_import("usage-csv", path)
