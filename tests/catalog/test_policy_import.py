"""`peerwheel import tool-policy PATH`: the catalogue and its policy from a CSV, atomic, every
problem named by line and column, --dry-run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peerwheel.catalog.models import PolicyRule, Tool
from peerwheel.catalog.policy_import import tool_policy_import
from peerwheel.catalog.services import catalog_ask
from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.org.models import Person

HEADER = "tool,status,data_class,use,verdict,conditions,reason,alternative,access_url\n"
GOOD = HEADER + (
    "Copilot Chat,approved,internal,any,yes,,Enterprise data protection.,,https://copilot.example.com\n"
    "Copilot Chat,approved,confidential,,conditions,Work account only.,,,\n"
    "Copilot Chat,approved,Customer personal data,any,no,,Stays in the CRM.,,\n"
    "GitHub Copilot,approved,internal,coding,yes,,,,\n"
    "Claude,pilot,internal,any,yes,,,,\n"
    "DeepSeek,not approved,,,,,,Copilot Chat,\n"
)


def _write(tmp_path: Path, text: str, name: str = "policy.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_policy_file_fills_the_catalogue(tmp_path: Path, org: dict[str, Person]) -> None:
    report = tool_policy_import(_write(tmp_path, GOOD))
    assert (report.rows_read, report.created, report.updated) == (6, 5, 0)
    tools = {t.name: t for t in Tool.objects.all()}
    assert sorted(tools) == ["Claude", "Copilot Chat", "DeepSeek", "GitHub Copilot"]
    assert tools["DeepSeek"].status == "not_approved"
    assert tools["DeepSeek"].alternative == tools["Copilot Chat"]
    assert tools["Copilot Chat"].access_url == "https://copilot.example.com"
    rule = PolicyRule.objects.get(tool=tools["Copilot Chat"], data_class="confidential")
    assert (rule.use, rule.verdict, rule.conditions) == ("any", "conditions", "Work account only.")
    assert rule.source_import_id == report.import_id
    answer = catalog_ask(asker=org["alice"], tool="DeepSeek", use="drafting", data_class="internal")
    assert (answer.answer, answer.alternative) == ("no", "Copilot Chat")
    # The same file again changes nothing; a shorter one removes the rules it no longer lists.
    again = tool_policy_import(_write(tmp_path, GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    shorter = tool_policy_import(
        _write(tmp_path, HEADER + "Copilot Chat,approved,internal,any,no,,Paused.,,\n")
    )
    assert (shorter.updated, shorter.data["rules_removed"]) == (1, 2)
    assert PolicyRule.objects.filter(tool=tools["Copilot Chat"]).count() == 1
    assert PolicyRule.objects.filter(tool=tools["GitHub Copilot"]).count() == 1  # not named


@pytest.mark.parametrize(
    ("rows", "line", "column", "message"),
    [
        (
            "Copilot Chat,approved,secret,any,yes,,,,\n",
            2,
            "data_class",
            "'secret' is not a data class",
        ),
        (
            "Copilot Chat,approved,internal,any,yes,,,,\nCopilot Chat,pilot,public,any,yes,,,,\n",
            3,
            "status",
            "listed twice with different statuses: approved on line 3, pilot here",
        ),
        (
            "Claude,pilot,internal,any,yes,,,,\nclaude,pilot,internal,any,no,,,,\n",
            3,
            "verdict",
            "listed twice with different answers (line 3 and here)",
        ),
        ("Claude,maybe,internal,any,yes,,,,\n", 2, "status", "'maybe' is not a tool status"),
        ("Claude,pilot,internal,painting,yes,,,,\n", 2, "use", "'painting' is not a use"),
        ("Claude,pilot,internal,any,perhaps,,,,\n", 2, "verdict", "'perhaps' is not a verdict"),
        ("Claude,pilot,internal,any,conditions,,,,\n", 2, "conditions", "say what they are"),
        (",pilot,internal,any,yes,,,,\n", 2, "tool", "the tool's name is empty"),
        ("Claude,pilot,internal,any,yes,,,Bard,\n", 2, "alternative", "neither in the file nor"),
        ("Claude,pilot,internal,any,yes,,,,ftp:/x\n", 2, "access_url", "not a web address"),
        (
            "Claude,pilot,internal,any,yes,,,,\nDeepSeek,not_approved,,,,,,Claude,\n",
            3,
            "alternative",
            "not an approved tool",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_line_and_column(
    tmp_path: Path, db: None, rows: str, line: int, column: str, message: str
) -> None:
    path = _write(tmp_path, HEADER + "Gemini,approved,public,any,yes,,,,\n" + rows)
    with pytest.raises(ImportFailed) as caught:
        tool_policy_import(path)
    errors = caught.value.report.errors
    assert [(e.line, e.column) for e in errors] == [(line + 1, column)]
    assert message in errors[0].message
    assert not Tool.objects.exists() and not PolicyRule.objects.exists()
    assert Import.objects.get().status == Import.Status.FAILED


def test_every_problem_is_listed_at_once(tmp_path: Path, db: None) -> None:
    path = _write(
        tmp_path,
        HEADER + "A,approved,secret,any,yes,,,,\nB,approved,public,any,nope,,,,\n",
    )
    with pytest.raises(ImportFailed) as caught:
        tool_policy_import(path)
    assert [(e.line, e.column) for e in caught.value.report.errors] == [
        (2, "data_class"),
        (3, "verdict"),
    ]


def test_a_file_without_the_needed_columns_is_refused(tmp_path: Path, db: None) -> None:
    with pytest.raises(ImportFailed, match="status"):
        tool_policy_import(_write(tmp_path, "tool,verdict\nClaude,yes\n"))
    assert not Tool.objects.exists()


def test_the_command_imports_and_dry_runs(
    tmp_path: Path, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, GOOD)
    call_command("importdata", "tool-policy", str(path), "--dry-run")
    assert "dry run: nothing was written" in capsys.readouterr().out
    assert not Tool.objects.exists()
    assert Import.objects.get().status == Import.Status.DRY_RUN
    call_command("importdata", "tool-policy", str(path))
    assert Tool.objects.count() == 4 and PolicyRule.objects.count() == 5
    bad = _write(tmp_path, HEADER + "Claude,pilot,secret,any,yes,,,,\n", "bad.csv")
    with pytest.raises(CommandError, match=r"line 2, column 'data_class': 'secret' is not"):
        call_command("importdata", "tool-policy", str(bad))
