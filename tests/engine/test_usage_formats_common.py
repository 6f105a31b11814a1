"""Every CSV format reads the same records whatever the encoding quirks of the export."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from peerwheel.engine.usage_formats import (
    DETECTION_ORDER,
    chatgpt_enterprise,
    detect_format,
    identity_map,
    m365_copilot_usage,
    usage_csv,
    viva_person_query,
)

TODAY = date(2025, 10, 20)
SAMPLES: list[tuple[ModuleType, list[list[str]]]] = [
    (
        usage_csv,
        [["person", "week", "tool", "actions"], ["ana", "2025-10-13", "Copilot, Word", "3"]],
    ),
    (
        viva_person_query,
        [
            ["PersonId", "MetricDate", "Copilot_actions_taken_in_Teams", "Organization"],
            ["p1", "2025-10-12", "4", "Sales, EMEA"],
        ],
    ),
    (
        m365_copilot_usage,
        [
            [
                "Report Refresh Date",
                "User Principal Name",
                "Display Name",
                "Last Activity Date",
                "Word Copilot Last Activity Date",
            ],
            ["2025-10-19", "ana@x.com", "Lima, Ana", "2025-10-18", "2025-10-18"],
        ],
    ),
    (
        chatgpt_enterprise,
        [
            ["cadence", "period_start", "period_end", "name", "email", "messages"],
            ["Weekly", "2025-10-12", "2025-10-18", "Lima, Ana", "ana@x.com", "12"],
        ],
    ),
    (identity_map, [["email", "employee_id"], ["ana@x.com", "E, 1"]]),
]


def render(rows: list[list[str]], separator: str, newline: str) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if ("," in value or separator in value) else value

    return "".join(separator.join(cell(v) for v in row) + newline for row in rows)


@pytest.mark.parametrize(("module", "rows"), SAMPLES, ids=lambda s: getattr(s, "FORMAT", ""))
def test_bom_crlf_and_semicolons_read_like_a_plain_file(
    tmp_path: Path, module: ModuleType, rows: list[list[str]]
) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(render(rows, ",", "\n"))
    quirky = tmp_path / "quirky.csv"
    quirky.write_bytes(b"\xef\xbb\xbf" + render(rows, ";", "\r\n").encode())
    assert detect_format(plain) == detect_format(quirky) == module.FORMAT
    expected = list(module.parse(plain, today=TODAY).records)
    assert expected
    got = list(module.parse(quirky, today=TODAY, file_name=str(plain)).records)
    assert got == expected


def test_every_format_is_tried_once_most_specific_first() -> None:
    assert [module.FORMAT for module in DETECTION_ORDER] == [
        "viva-person-query",
        "m365-copilot-usage",
        "chatgpt-enterprise",
        "github-copilot-usage-report",
        "github-copilot-metrics",
        "github-copilot-seats",
        "usage-csv",
        "identity-map",
    ]


@pytest.mark.parametrize("value", ["1e999", "-1e999", float("inf"), "nan"])
def test_an_infinite_or_nan_count_is_a_named_error_not_a_crash(value: object) -> None:
    from peerwheel.engine.usage_formats._base import UsageFileError, parse_count

    with pytest.raises(UsageFileError) as caught:
        parse_count(value, file="f.csv", line=3, column="actions")
    assert (caught.value.file, caught.value.line, caught.value.column) == ("f.csv", 3, "actions")
