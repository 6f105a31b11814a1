"""`peerwheel import ties`: the collaboration network into org.Tie, ids matched as usage does."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person, Tie
from peerwheel.usage.services import identity_map_import
from peerwheel.usage.ties_import import ties_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "network"
P2P = FIXTURES / "viva_p2p_query.csv"

WriteFile = Callable[[str, str], Path]


def stored(source: str | None = None) -> dict[tuple[str, str], float]:
    """The stored ties as {(employee id, employee id): weight}, in stored order (a < b)."""
    ties = Tie.objects.select_related("person_a", "person_b")
    if source is not None:
        ties = ties.filter(source=source)
    return {(t.person_a.employee_id, t.person_b.employee_id): t.weight for t in ties}


def pair(org: dict[str, Person], x: str, y: str) -> tuple[str, str]:
    """The pair as it is stored: the smaller person id first."""
    a, b = (org[x], org[y]) if org[x].pk < org[y].pk else (org[y], org[x])
    return (a.employee_id, b.employee_id)


@pytest.fixture
def viva_ids(org: dict[str, Person]) -> dict[str, Person]:
    identity_map_import(FIXTURES / "viva_identity_map.csv")
    return org


def test_a_viva_person_to_person_query_becomes_one_tie_per_pair_with_the_largest_weight(
    viva_ids: dict[str, Person],
) -> None:
    report = ties_import(P2P, tie_source="meetings")

    o = viva_ids
    assert stored("meetings") == {
        pair(o, "boss", "alice"): 0.9,  # 0.8 and 0.6 (both sides) in week 1, 0.9 in week 2
        pair(o, "alice", "bob"): 0.7,  # 0.5 as (alice, bob), 0.7 as (bob, alice)
        pair(o, "bob", "carol"): 0.0,
        pair(o, "carol", "dan"): 0.3,
        pair(o, "boss", "dan"): 0.2,
    }
    assert all(t.person_a_id < t.person_b_id for t in Tie.objects.all())
    assert (report.rows_read, report.records, report.created, report.skipped) == (8, 5, 5, 0)
    assert report.data["merged_rows"] == 3
    assert "Diverse_tie_score" in report.details["columns ignored"]
    row = Import.objects.get(pk=report.import_id)
    assert (row.kind, row.status, row.rows_read, row.rows_written) == (
        "ties",
        Import.Status.SUCCEEDED,
        8,
        5,
    )


def test_the_same_file_twice_changes_nothing(viva_ids: dict[str, Person]) -> None:
    ties_import(P2P, tie_source="meetings")
    before = sorted(Tie.objects.values_list("pk", "person_a", "person_b", "weight", "source"))

    again = ties_import(P2P, tie_source="meetings")

    assert sorted(Tie.objects.values_list("pk", "person_a", "person_b", "weight", "source")) == (
        before
    )
    assert (again.created, again.updated, again.unchanged, again.data["removed"]) == (0, 0, 5, 0)
    assert "no changes" in again.summary()


def test_a_dry_run_reports_and_writes_nothing(viva_ids: dict[str, Person]) -> None:
    report = ties_import(P2P, dry_run=True)

    assert Tie.objects.count() == 0
    assert report.created == 5 and report.dry_run
    assert "would create 5" in report.summary()
    assert Import.objects.get(pk=report.import_id).status == Import.Status.DRY_RUN


def test_without_a_source_the_ties_are_email_ties(viva_ids: dict[str, Person]) -> None:
    ties_import(P2P)

    assert set(Tie.objects.values_list("source", flat=True)) == {"email"}


def test_reimporting_a_source_replaces_its_ties_and_leaves_the_others(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    Tie.objects.create(person_a=org["boss"], person_b=org["erin"], weight=2, source="demo")
    chat = write_file("chat.csv", "person_a,person_b,weight\nE1,E2,1\n")
    ties_import(chat, tie_source="chat")
    first = write_file("a.csv", "person_a,person_b,weight\nE2,E3,1\nE3,E4,2\nE4,E5,3\n")
    ties_import(first, tie_source="email")
    second = write_file("b.csv", "person_a,person_b,weight\nE3,E2,1\nE3,E4,5\nE6,E7,1\n")

    report = ties_import(second, tie_source="email")

    assert stored("email") == {
        pair(org, "alice", "bob"): 1.0,  # unchanged, given as (b, a)
        pair(org, "bob", "carol"): 5.0,  # updated
        pair(org, "erin", "charlie"): 1.0,  # created; carol-dan removed
    }
    assert stored("chat") == {pair(org, "boss", "alice"): 1.0}
    assert stored("demo") == {pair(org, "boss", "erin"): 2.0}
    assert (report.created, report.updated, report.unchanged, report.data["removed"]) == (
        1,
        1,
        1,
        1,
    )
    assert "removed 1 no longer in it" in report.summary()


def test_a_source_column_names_each_rows_source(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    path = write_file(
        "t.csv",
        "person_a,person_b,source\nE2,E3,Email\nE3,E2,chat\nE2,E3,e-mail\nE4,E5,Meetings\n",
    )

    report = ties_import(path)

    assert stored("email") == {pair(org, "alice", "bob"): 1.0}
    assert stored("chat") == {pair(org, "alice", "bob"): 1.0}
    assert stored("meetings") == {pair(org, "carol", "dan"): 1.0}
    assert report.records == 3 and report.data["merged_rows"] == 1


def test_source_and_target_columns_are_the_people_and_the_channel_is_named_otherwise(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    path = write_file("t.csv", "source,target,channel,weight\nE2,E3,chat,4\n")

    ties_import(path)

    assert stored("chat") == {pair(org, "alice", "bob"): 4.0}


def test_ids_are_matched_by_employee_id_email_and_the_identity_map(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    identity_map_import(write_file("map.csv", "external_id,employee_id\nbob-gh,E3\n"))
    path = write_file("t.csv", "person_a,person_b\nE2,CAROL@EXAMPLE.COM\nbob-gh,E5\n")

    ties_import(path)

    assert stored() == {pair(org, "alice", "carol"): 1.0, pair(org, "bob", "dan"): 1.0}


def test_bad_rows_refuse_the_file_with_their_line_and_column_and_write_nothing(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    Tie.objects.create(person_a=org["alice"], person_b=org["bob"], weight=1, source="email")
    path = write_file(
        "t.csv",
        "from,to,Strong_tie_score\n"
        "E2,E3,1\n"
        "E2,E2,1\n"  # a self-tie by id
        "E2,alice@example.com,1\n"  # two ids of one person
        "E2,nobody@example.com,1\n"
        "E2,E4,-1\n"
        "E2,E5,lots\n"
        ",E5,1\n",
    )

    with pytest.raises(ImportFailed) as caught:
        ties_import(path, file_name="t.csv")

    places = [(e.line, e.column) for e in caught.value.report.errors]
    assert places == [
        (3, "to"),
        (4, "to"),
        (5, "to"),
        (6, "Strong_tie_score"),
        (7, "Strong_tie_score"),
        (8, "from"),
    ]
    messages = [e.message for e in caught.value.report.errors]
    assert "themselves" in messages[0] and "same person" in messages[1]
    assert "matches no one" in messages[2] and "identity map" in messages[2]
    assert "negative" in messages[3] and "not a number" in messages[4]
    assert stored() == {pair(org, "alice", "bob"): 1.0}  # the email ties were not replaced
    row = Import.objects.get(kind="ties")
    assert row.status == Import.Status.FAILED and row.rows_written == 0
    assert row.errors[0] == {"file": "t.csv", "line": 3, "column": "to", "message": messages[0]}


def test_skip_invalid_writes_the_good_rows_and_ends_partial(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    path = write_file("t.csv", "person_a,person_b\nE2,E3\nE2,ghost\nE4,E5\n")

    report = ties_import(path, skip_invalid=True)

    assert stored() == {pair(org, "alice", "bob"): 1.0, pair(org, "carol", "dan"): 1.0}
    assert report.skipped == 1 and [(e.line, e.column) for e in report.errors] == [(3, "person_b")]
    assert Import.objects.get(pk=report.import_id).status == Import.Status.PARTIAL


def test_a_file_whose_every_row_is_refused_never_empties_a_source(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    Tie.objects.create(person_a=org["alice"], person_b=org["bob"], weight=1, source="email")
    path = write_file("t.csv", "person_a,person_b\nE2,ghost\n")

    with pytest.raises(ImportFailed, match="no ties to import"):
        ties_import(path, skip_invalid=True)

    assert Tie.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("person_a,person_b,source\nE2,E3,fax\n", "'fax' is not a source"),
        ("person_a,person_b,source\nE2,E3,demo\n", "'demo' is not a source"),
        ("person_a,weight\nE2,1\n", "missing required column 'person_b'"),
        ("person_a,person_b\n", "the file has a header and no rows"),
        ('[{"person_a": "E2"}]', "not JSON"),
    ],
)
def test_a_file_of_the_wrong_shape_says_what_is_wrong(
    org: dict[str, Person], write_file: WriteFile, content: str, message: str
) -> None:
    with pytest.raises(ImportFailed, match=message):
        ties_import(write_file("t.csv", content))

    assert Tie.objects.count() == 0


def test_the_command_names_the_whole_files_source_with_map(
    viva_ids: dict[str, Person],
) -> None:
    out = StringIO()

    call_command("importdata", "ties", str(P2P), "--map", "source=chat", stdout=out)

    assert set(Tie.objects.values_list("source", flat=True)) == {"chat"}
    assert "created 5" in out.getvalue() and "replaces the chat ties" in out.getvalue()


def test_the_command_refuses_a_whole_file_source_beside_a_source_column(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    path = write_file("t.csv", "person_a,person_b,source\nE2,E3,chat\n")

    with pytest.raises(CommandError, match="keep one of them"):
        call_command("importdata", "ties", str(path), "--map", "source=email")


def test_the_command_reports_a_bad_row_by_line_and_column(
    org: dict[str, Person], write_file: WriteFile
) -> None:
    path = write_file("t.csv", "person_a,person_b\nE2,E3\nE9,E3\n")

    with pytest.raises(CommandError) as caught:
        call_command("importdata", "ties", str(path))

    assert "line 3, column 'person_a': 'E9' matches no one" in str(caught.value)
    assert "--skip-invalid" in str(caught.value)
    assert Tie.objects.count() == 0
