from __future__ import annotations

import io

import pytest

from peerwheel.engine.tabular import Column, TabularError, match_headers, read_rows

COLUMNS = (Column("person", ("PersonId", "Employee ID"), required=True), Column("tool", ("App",)))


def test_headers_match_by_name_case_and_punctuation_insensitively() -> None:
    header_map = match_headers(["APP", "Employee-ID", "Extra"], COLUMNS)

    assert header_map.positions == {"tool": 0, "person": 1}
    assert header_map.unknown == ("Extra",)


def test_same_spelling_twice_is_an_error_naming_both() -> None:
    with pytest.raises(TabularError, match="'PersonId' and 'personid' both mean 'person'"):
        match_headers(["PersonId", "personid"], COLUMNS, file="f.csv")


def test_rows_carry_physical_line_numbers_across_quoted_newlines() -> None:
    text = 'PersonId,App\n1,"multi\nline"\n\n2,Chat\n'
    _, rows = read_rows(io.StringIO(text), COLUMNS)

    assert [(r.line, r.get("person")) for r in rows] == [(2, "1"), (5, "2")]


def test_extra_values_beyond_the_header_are_an_error_with_the_line() -> None:
    _, rows = read_rows(io.StringIO("PersonId,App\n1,a,b\n"), COLUMNS, file_name="x.csv")

    with pytest.raises(TabularError) as caught:
        list(rows)
    assert (caught.value.file, caught.value.line) == ("x.csv", 2)


def test_empty_file_is_explained() -> None:
    with pytest.raises(TabularError, match="the file is empty"):
        read_rows(io.BytesIO(b""), COLUMNS)


def test_tab_separated_files_are_sniffed() -> None:
    _, rows = read_rows(io.BytesIO(b"PersonId\tApp\n7\tCopilot\n"), COLUMNS)

    assert [r.values for r in rows] == [{"person": "7", "tool": "Copilot"}]
