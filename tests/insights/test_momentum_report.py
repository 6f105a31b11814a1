"""`peerwheel insights report --json` carries the momentum measures, small groups marked
`{"people": null, "suppressed": true}`; and the dashboard's verdict sentence."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from peerwheel.insights.momentum.verdict import verdict
from peerwheel.org.models import Person
from tests.insights.momentum_org import AS_OF, build

pytestmark = pytest.mark.slow


@pytest.fixture
def report(org: dict[str, Person], cast: dict[str, User], tmp_path: Path) -> dict[str, Any]:
    build(org, cast, tmp_path)
    out = io.StringIO()
    call_command(
        "insights",
        "report",
        "--as-of",
        AS_OF.isoformat(),
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_the_json_report_gains_the_momentum_keys(report: dict[str, Any]) -> None:
    assert {"flywheel_r", "champions", "forecast", "critical_mass"} <= set(report)  # kept
    demand = report["organic_demand"]
    assert len(demand) == 12 and set(demand[0]) >= {"week", "signals"}
    assert sum(w["signals"]["first_use_or_access"] for w in demand) == 10
    assert set(report["question_stages"]) >= {"mix", "monthly"}
    assert report["question_stages"]["mix"]["mean"] == round(17 / 6, 2)
    invisible = report["invisible_successes"]
    assert {k: invisible[k] for k in ("count", "nudged", "shared_after_nudge")} == {
        "count": 4,
        "nudged": 0,
        "shared_after_nudge": 0,
    }
    assert report["leader_consistency"]["leaders"] == 11
    assert report["psychological_safety"]["organisation"]["people"] == 14
    assert report["training_completions"]["vanity_metric"] is True


def test_small_groups_are_marked_suppressed_never_counted(report: dict[str, Any]) -> None:
    legal = next(r for r in report["invisible_successes"]["by_group"] if r["department"] == "Legal")
    assert legal["people"] is None and legal["suppressed"] is True and legal["count"] is None
    for breakdown in ("department", "site"):
        for row in report["flywheel_by_group"][breakdown]:
            if row["suppressed"]:
                assert row["people"] is None and row["r"] is None
                assert "invisible_successes" not in row and "share" not in row
    rows = {r["name"]: r for r in report["flywheel_by_group"]["department"]}
    assert rows["Legal"]["suppressed"] and rows["Marketing"]["suppressed"]  # Marketing: cover
    # Engineering's last new adopters (eng4, alice) started in the week of 18 May: 4 weeks
    assert rows["Engineering"]["weeks_since_new_adopter"] == 4
    assert rows["Engineering"]["invisible_successes"] == 2
    assert rows["Sales"]["weeks_since_new_adopter"] == 2  # sal5's first post, 3 June


def _row(name: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "suppressed": False, "r": None, "share": 0.3} | values


def test_the_verdict_names_spinning_and_stalled_groups() -> None:
    rows = [
        _row("Engineering", r=1.42, weeks_since_new_adopter=1),
        _row("Marketing", r=1.18, weeks_since_new_adopter=0),
        _row("Legal", r=0.4, weeks_since_new_adopter=6, invisible_successes=3),
        _row("Finance", r=0.9, weeks_since_new_adopter=2),
        _row("Sales", r=0.8, weeks_since_new_adopter=9, share=0.95),  # nobody left to adopt
        {"name": "Tiny", "people": None, "suppressed": True, "r": None},
    ]
    assert verdict(rows, overall_r=1.1) == (
        "The flywheel is spinning in Engineering and Marketing: R 1.4 and 1.2; "
        "stalled in Legal: no new adopter in 6 weeks, 3 invisible successes."
    )
    rows.append(_row("HR", r=None, weeks_since_new_adopter=None))
    assert verdict(rows, overall_r=1.1).endswith(
        "stalled in HR (no adopter yet) and Legal (no new adopter in 6 weeks, "
        "3 invisible successes)."
    )


def test_without_spinning_or_stalled_groups_the_verdict_reads_r() -> None:
    rows = [_row("Finance", r=0.9, weeks_since_new_adopter=2)]
    assert verdict(rows, overall_r=0.93) == (
        "The flywheel is turning slowly across the organisation: R 0.9."
    )
    assert verdict(rows, overall_r=0.9, where="Finance") == (
        "The flywheel is turning slowly in Finance: R 0.9."
    )
    assert verdict([], overall_r=None) == (
        "Too little data yet to say whether the flywheel is spinning across the organisation."
    )


def test_the_nudge_command_nudges_once_and_names_a_bad_date(
    org: dict[str, Person], cast: dict[str, User], tmp_path: Path
) -> None:
    build(org, cast, tmp_path)

    def nudge(*args: str) -> str:
        out = io.StringIO()
        call_command("insights", "nudge", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    assert nudge("--as-of", AS_OF.isoformat()).startswith("4 invisible success(es) nudged")
    assert nudge("--as-of", AS_OF.isoformat()).startswith("0 invisible success(es) nudged")
    with pytest.raises(CommandError, match="--as-of '17/06/2026': not a date"):
        nudge("--as-of", "17/06/2026")
