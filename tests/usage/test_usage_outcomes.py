"""The study's usage outcomes come from the plain selector `usage.selectors.usage_outcomes`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from peerwheel.org.models import Person
from peerwheel.usage.selectors import UsageOutcome, usage_outcomes
from peerwheel.usage.services import usage_import

START = date(2025, 1, 6)  # a Monday


def _import_usage(write_file: Callable[..., Path]) -> None:
    """alice: 12 weeks of 20 actions, no agent (Power); bob: one action in 3 of the 12 weeks,
    an agent action in the last (not heavy, agent user); nobody else."""
    lines = ["email,week,tool,actions,agent_actions"]
    for week in range(12):
        monday = START + timedelta(weeks=week)
        lines.append(f"alice@example.com,{monday},Copilot in Word,20,0")
        if week in (0, 5, 11):
            lines.append(f"bob@example.com,{monday},ChatGPT Enterprise,1,{int(week == 11)}")
    usage_import("usage-csv", write_file("usage.csv", "\n".join(lines) + "\n"))


def test_study_reads_heavy_and_agent_use_at_each_persons_latest_week(
    org: dict[str, Person], write_file: Callable[..., Path]
) -> None:
    _import_usage(write_file)
    alice, bob, carol = org["alice"], org["bob"], org["carol"]

    outcomes = usage_outcomes([alice.pk, bob.pk, carol.pk])

    assert outcomes == {
        alice.pk: UsageOutcome(heavy_user=True, agent_user=False),
        bob.pk: UsageOutcome(heavy_user=False, agent_user=True),
    }  # carol has no usage series: absent, so the study falls back to her self-report


def test_people_without_usage_data_get_no_outcomes(
    org: dict[str, Person], write_file: Callable[..., Path]
) -> None:
    assert usage_outcomes([org["alice"].pk]) == {}
    _import_usage(write_file)
    assert usage_outcomes([org["carol"].pk, org["dan"].pk]) == {}
