"""The pure readers of the ties and influence-events files (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from peerwheel.engine.network_formats import MAX_LISTED, influence_events, ties
from peerwheel.engine.tabular import TabularError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "network"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_viva_query_is_read_by_its_own_column_names() -> None:
    read = ties.read(FIXTURES / "viva_p2p_query.csv")

    assert read.rows_read == 8 and not read.problems
    assert read.header("person_a") == "PrimaryCollaborator_PersonId"
    assert read.header("weight") == "Strong_tie_score"  # not Diverse_tie_score
    assert [r.weight for r in read.rows] == [0.8, 0.6, 0.5, 0.0, 0.3, 0.9, 0.7, 0.2]
    assert {r.source for r in read.rows} == {""}
    assert "Diverse_tie_score" in read.columns_ignored


@pytest.mark.parametrize(
    ("header", "a", "b", "source"),
    [
        ("source,target,channel", "source", "target", "channel"),
        ("person_a,person_b,source", "person_a", "person_b", "source"),
        ("from,to,source", "from", "to", "source"),
        ("Source;Target;Medium", "Source", "Target", "Medium"),
    ],
)
def test_source_means_person_a_only_beside_target(
    tmp_path: Path, header: str, a: str, b: str, source: str
) -> None:
    sep = ";" if ";" in header else ","
    read = ties.read(write(tmp_path, f"{header}\nE1{sep}E2{sep}chat\n"))

    assert (read.header("person_a"), read.header("person_b"), read.header("source")) == (
        a,
        b,
        source,
    )
    assert read.rows[0].source == "chat"


def test_every_bad_row_is_a_problem_with_its_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "person_a,person_b,weight,channel\n"
        "E1,E2,1.5,email\n"
        "a@x.com,A@X.COM,1,email\n"
        "E1,,1,email\n"
        "E1,E3,inf,email\n"
        "E1,E3,,chat\n"
        "E1,E3,2,telepathy\n",
    )

    read = ties.read(path)

    assert [(r.line, r.weight, r.source) for r in read.rows] == [(2, 1.5, "email")]
    assert [(e.line, e.column) for e in read.problems.listed] == [
        (3, "person_b"),
        (4, "person_b"),
        (5, "weight"),
        (6, "weight"),
        (7, "channel"),
    ]
    assert read.problems.lines == {3, 4, 5, 6, 7}


def test_problems_past_the_listed_ones_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "person_a,person_b\n" + "E1,E1\n" * (MAX_LISTED + 5))

    read = ties.read(path)

    assert len(read.problems.listed) == MAX_LISTED and read.problems.unlisted == 5


def test_a_whole_file_source_is_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "person_a,person_b\nE1,E2\n")

    assert ties.read(path, default_source="Meeting").rows[0].source == "meetings"
    with pytest.raises(TabularError, match="'teams' is not one of email, chat, meetings"):
        ties.read(path, default_source="teams")


def test_events_are_read_with_their_kind_and_an_aware_time() -> None:
    read = influence_events.read(FIXTURES / "influence_events.csv", now=NOW, zone=UTC)

    assert not read.problems
    assert [r.kind for r in read.rows] == [
        "tried",
        "answered",
        "attended_demo",
        "mentioned",
        "reacted",
        "tried",
    ]
    assert read.rows[3].occurred_at == datetime(2026, 2, 6, 9, tzinfo=UTC)


def test_a_time_without_an_offset_is_in_the_given_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "source_id,target_id,kind,occurred_at\nE1,E2,Tried,2026-02-02 10:00\n")
    paris = timezone(timedelta(hours=1))

    read = influence_events.read(path, now=NOW, zone=paris)

    assert read.rows[0].occurred_at == datetime(2026, 2, 2, 9, tzinfo=UTC)


def test_bad_events_are_problems_with_their_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "source,target,type,when\n"
        "E1,E1,tried,2026-02-02\n"
        "E1,E2,poked,2026-02-02\n"
        "E1,E2,tried,2026-03-01T00:00:01Z\n"
        "E1,E2,tried,yesterday\n"
        ",E2,tried,2026-02-02\n",
    )

    read = influence_events.read(path, now=NOW, zone=UTC)

    assert read.rows == []
    assert [(e.line, e.column) for e in read.problems.listed] == [
        (2, "target"),
        (3, "type"),
        (4, "when"),
        (5, "when"),
        (6, "source"),
    ]
    assert "write ISO 8601" in read.problems.listed[3].message
