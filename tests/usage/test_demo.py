"""The demo's usage follows the hub's adoption plan: first use in the adoption week."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org
from peerwheel.hub.demo import NEVER, demo_adoption_plan
from peerwheel.usage.demo import AGENTS, GITHUB, demo_usage_frame

START = date(2025, 1, 6)


def test_first_use_is_the_adoption_week_and_tools_fit_the_jobs() -> None:
    org = generate_demo_org(DemoOrgConfig(people=200, seed=7))
    plan = demo_adoption_plan(org, 7)
    usage = demo_usage_frame(org, 7, START)
    first = usage[usage["actions"] > 0].groupby("node")["week"].min()
    adopters = np.flatnonzero(plan.weeks != NEVER)
    assert sorted(first.index) == adopters.tolist()  # non-adopters have no usage at all
    expected = {int(n): START + timedelta(weeks=int(plan.weeks[n])) for n in adopters}
    assert first.to_dict() == expected
    families = org.people["role_family"].to_numpy()
    github_users = usage.loc[usage["tool"] == GITHUB, "node"].unique()
    assert set(families[github_users]) == {"engineering"}
    assert usage.loc[usage["tool"] == AGENTS, "actions"].eq(0).all()
    assert usage["agent_actions"].sum() > 0
    again = demo_usage_frame(org, 7, START)
    assert again.equals(usage)  # seeded
