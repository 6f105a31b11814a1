"""A usage file with several bad rows names every one of them (file, line, column), in the
report, on the Import row and on the command line, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.engine.usage_formats import MAX_PROBLEMS
from peerwheel.org.models import Person
from peerwheel.usage.models import IdentityLink, UsageSeries
from peerwheel.usage.services import usage_import

Write = Callable[..., Path]

#: kind → (file name, content, the (line, column) of each bad row)
CASES = {
    "usage-csv": (
        "u.csv",
        "person,week,tool,actions\n"
        "alice@example.com,2025-03-03,ChatGPT,4\n"
        "bob@example.com,3rd of May,ChatGPT,1\n"  # 3: not a date
        "carol@example.com,2025-03-03,ChatGPT,lots\n"  # 4: not a number
        "alice@example.com,2025-03-10,ChatGPT,4\n"
        ",2025-03-10,ChatGPT,2\n"  # 6: no person
        "dan@example.com,2025-03-10,ChatGPT,-3\n",  # 7: negative
        [(3, "week"), (4, "actions"), (6, "person"), (7, "actions")],
    ),
    "viva-person-query": (
        "viva.csv",
        "PersonId,MetricDate,Copilot_actions_taken_in_Teams,Total_Copilot_actions_taken\n"
        "E1,2025-03-30,4,4\n"
        "E2,not a date,1,1\n"  # 3
        "E3,2025-03-30,x,1\n"  # 4
        ",2025-03-30,1,1\n",  # 5
        [(3, "MetricDate"), (4, "Copilot_actions_taken_in_Teams"), (5, "PersonId")],
    ),
    "chatgpt-enterprise": (
        "chatgpt.csv",
        "cadence,period_start,period_end,email,user_status,messages\n"
        "Weekly,2025-10-12,2025-10-18,a@example.com,enabled,3\n"
        "Weekly,2025-10-12,2025-10-18,,enabled,3\n"  # 3: no email
        "Weekly,someday,2025-10-18,b@example.com,enabled,3\n"  # 4: not a date
        "Weekly,2025-10-12,2025-10-18,c@example.com,enabled,-1\n",  # 5: negative
        [(3, "email"), (4, "period_start"), (5, "messages")],
    ),
    "identity-map": (
        "map.csv",
        "external_id,employee_id\n"
        "a@example.com,E1\n"
        ",E2\n"  # 3
        "b@example.com,\n"  # 4
        "a@example.com,E1\n",  # 5: duplicate
        [(3, "external_id"), (4, "employee_id"), (5, None)],
    ),
    "m365-copilot-usage": (
        "m365.csv",
        "Report Refresh Date,User Principal Name,Last Activity Date,"
        "Word Copilot Last Activity Date,Report Period\n"
        "2025-08-20,alice@example.com,2025-08-19,2025-08-19,7\n"
        "2025-08-20,,2025-08-19,2025-08-19,7\n"  # 3: no user
        "soon,bob@example.com,2025-08-19,2025-08-19,7\n"  # 4: not a date
        "2025-08-20,carol@example.com,2025-08-19,2025-08-19,5\n",  # 5: bad period
        [(3, "User Principal Name"), (4, "Report Refresh Date"), (5, "Report Period")],
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_every_bad_row_is_named_with_its_line_and_column_and_nothing_is_written(
    org: dict[str, Person], write_file: Write, kind: str
) -> None:
    name, content, expected = CASES[kind]
    with pytest.raises(ImportFailed) as caught:
        usage_import(kind, write_file(name, content))

    errors = caught.value.report.errors
    assert [(e.line, e.column) for e in errors] == expected
    assert all(e.file == name for e in errors)
    assert not UsageSeries.objects.exists() and not IdentityLink.objects.exists()
    record = Import.objects.get()
    assert record.status == Import.Status.FAILED and record.rows_written == 0
    assert [(e["line"], e["column"]) for e in record.errors] == expected


def test_the_command_prints_every_bad_line_and_exits_2(
    org: dict[str, Person], write_file: Write
) -> None:
    name, content, expected = CASES["usage-csv"]
    with pytest.raises(CommandError) as caught:
        call_command("importdata", "usage-csv", str(write_file(name, content)))

    message = str(caught.value)
    assert caught.value.returncode == 2
    for line, column in expected:
        assert f"{name}, line {line}, column '{column}'" in message
    assert f"{name} (usage-csv): refused; nothing was written." in message
    assert f"{len(expected)} problem(s): fix them and import again" in message
    assert not UsageSeries.objects.exists()


def test_a_file_of_only_bad_rows_stops_at_the_problem_limit(
    org: dict[str, Person], write_file: Write
) -> None:
    rows = "".join(f"p{k}@example.com,2025-03-03,ChatGPT,-1\n" for k in range(MAX_PROBLEMS * 3))
    with pytest.raises(ImportFailed) as caught:
        usage_import("usage-csv", write_file("bad.csv", "person,week,tool,actions\n" + rows))

    errors = caught.value.report.errors
    assert len(errors) == MAX_PROBLEMS
    assert [e.line for e in errors] == list(range(2, MAX_PROBLEMS + 2))
