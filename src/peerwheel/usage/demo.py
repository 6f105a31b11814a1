"""The demo's AI usage: 26 weeks for the demo organisation, consistent with its hub activity.

Who adopts when comes from the hub's `demo_adoption_plan` (the same seeded plan the hub's demo
content follows), so a person's first week of AI use is the week of their first post or "I tried
this". The usage is written the way a real organisation's would arrive, through
`services.usage_import`: a Viva Insights person query (Microsoft 365 Copilot in Teams, Outlook,
Word and Copilot Chat, plus agents; a row for every person-week), a ChatGPT Enterprise weekly
report (emails), a GitHub Copilot per-user CSV keyed by GitHub logins, and the identity map that
links those logins to employees.

`demo_usage_frame` is pure and seeded (one row per person, week and tool), so other parts can
align with it. About a fifth of adopters become heavy users; engineers also use GitHub Copilot; a
few heavy users start using agents a few weeks after adopting.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from peerwheel.engine.demo_org import DemoOrganisation
from peerwheel.hub.demo import NEVER, WEEKS, demo_adoption_plan, demo_week_zero
from peerwheel.org.demo import DemoContext
from peerwheel.usage.services import usage_import

M365_APPS = ("Teams", "Outlook", "Word", "Copilot_chat_(work)")
M365_TOOLS = {
    "Teams": "Copilot in Teams",
    "Outlook": "Copilot in Outlook",
    "Word": "Copilot in Word",
    "Copilot_chat_(work)": "Copilot Chat (work)",
}
CHATGPT = "ChatGPT Enterprise"
GITHUB = "GitHub Copilot"
AGENTS = "Copilot agents"
# Weekly actions (mean, once settled in) and the chance of using AI in a given week, per style.
STYLES = {"heavy": (26.0, 0.96), "regular": (7.0, 0.88), "light": (1.6, 0.45)}


def demo_usage_frame(org: DemoOrganisation, seed: int, start: date) -> pd.DataFrame:
    """One row per node, week and tool with actions > 0 (agents on their own tool):
    columns node, week (date), tool, actions, agent_actions, active_days. Pure and seeded."""
    rng = np.random.default_rng([seed, 5])
    plan = demo_adoption_plan(org, seed)
    people = org.people
    n = len(people)
    adopted = plan.weeks != NEVER
    engineer = (people["role_family"] == "engineering").to_numpy()
    early = np.isin(np.arange(n), plan.pilots) | (np.arange(n) == 0)
    # Style: pilots and engineers lean heavy; everyone else mostly regular or light.
    heavy_p = np.where(early, 0.5, np.where(engineer, 0.3, 0.15))
    light_p = np.where(early, 0.1, 0.35)
    roll = rng.random(n)
    style = np.where(
        roll < heavy_p, "heavy", np.where(roll < heavy_p + light_p, "light", "regular")
    )
    mean = np.array([STYLES[s][0] for s in style])
    active_p = np.array([STYLES[s][1] for s in style])
    chatgpt = rng.random(n) < np.where(style == "heavy", 0.6, 0.3)
    agent_from = np.where(
        (style == "heavy") & (rng.random(n) < 0.35), plan.weeks + rng.integers(3, 9, n), NEVER
    )
    app_mix = rng.dirichlet([4.0, 2.0, 2.5, 3.0], size=n)  # Teams, Outlook, Word, Chat

    node_grid = np.repeat(np.arange(n), WEEKS)  # every person-week, person by person
    week_grid = np.tile(np.arange(WEEKS), n)
    since = week_grid - plan.weeks[node_grid]
    using = adopted[node_grid] & (since >= 0)
    ramp = np.clip(0.35 + 0.13 * since, 0.35, 1.0)
    active = using & ((since == 0) | (rng.random(len(since)) < active_p[node_grid]))
    total = np.where(active, rng.poisson(mean[node_grid] * ramp) + 1, 0)  # the first week counts
    frames = []
    gh_share = np.where(engineer[node_grid], 0.45, 0.0)
    gpt_share = np.where(chatgpt[node_grid], 0.3, 0.0)
    m365_total = np.round(total * (1 - gh_share - gpt_share)).astype(np.int64)
    m365_total[active & (m365_total == 0)] = 1
    split = rng.multinomial(m365_total, app_mix[node_grid])  # sums to the M365 total
    for app_index, app in enumerate(M365_APPS):
        frames.append(_rows(node_grid, week_grid, M365_TOOLS[app], split[:, app_index], rng))
    frames.append(_rows(node_grid, week_grid, GITHUB, np.round(total * gh_share).astype(int), rng))
    frames.append(
        _rows(node_grid, week_grid, CHATGPT, np.round(total * gpt_share).astype(int), rng)
    )
    agent_weeks = active & (agent_from[node_grid] != NEVER) & (week_grid >= agent_from[node_grid])
    agent_actions = np.where(agent_weeks, rng.poisson(4, len(week_grid)) + 1, 0)
    frames.append(_rows(node_grid, week_grid, AGENTS, np.zeros_like(total), rng, agent_actions))
    frame = pd.concat(frames, ignore_index=True)
    frame["week"] = [start + timedelta(weeks=int(w)) for w in frame.pop("week_index")]
    return frame.sort_values(["node", "week", "tool"], ignore_index=True)


def _rows(
    node: np.ndarray,
    week: np.ndarray,
    tool: str,
    actions: np.ndarray,
    rng: np.random.Generator,
    agent_actions: np.ndarray | None = None,
) -> pd.DataFrame:
    agents = np.zeros_like(actions) if agent_actions is None else agent_actions
    keep = (actions > 0) | (agents > 0)
    days = np.minimum(7, 1 + rng.binomial(4, np.clip(actions / 30, 0.05, 0.95)))
    return pd.DataFrame(
        {
            "node": node[keep],
            "week_index": week[keep],
            "tool": tool,
            "actions": actions[keep].astype(np.int64),
            "agent_actions": agents[keep].astype(np.int64),
            "active_days": days[keep],
        }
    )


def _write_viva(path: Path, usage: pd.DataFrame, org: DemoOrganisation, start: date) -> None:
    """The person query: a row for every person-week (Sunday MetricDate), per-app columns."""
    people = org.people
    m365 = usage[usage["tool"].isin([*M365_TOOLS.values(), AGENTS])]
    wide = m365.pivot_table(
        index=["node", "week"],
        columns="tool",
        values=["actions", "agent_actions", "active_days"],
        aggfunc="sum",
        fill_value=0,
    )
    grid = pd.MultiIndex.from_product(
        [range(len(people)), [start + timedelta(weeks=w) for w in range(WEEKS)]],
        names=["node", "week"],
    )
    wide = wide.reindex(grid, fill_value=0)
    out = pd.DataFrame(
        {
            "PersonId": people["employee_id"].to_numpy()[grid.get_level_values("node")],
            "MetricDate": [
                (week - timedelta(days=1)).isoformat() for week in grid.get_level_values("week")
            ],
        }
    )
    total = np.zeros(len(out), dtype=np.int64)
    for app, tool in M365_TOOLS.items():
        actions = _column(wide, "actions", tool)
        out[f"Copilot_actions_taken_in_{app}"] = actions
        out[f"Days_of_active_Copilot_usage_in_{app}"] = _column(wide, "active_days", tool)
        total += actions
    out["Total_Copilot_actions_taken"] = total
    out["Copilot_agent_actions_taken"] = _column(wide, "agent_actions", AGENTS)
    out.to_csv(path, index=False)


def _column(wide: pd.DataFrame, value: str, tool: str) -> np.ndarray:
    if (value, tool) not in wide.columns:
        return np.zeros(len(wide), dtype=np.int64)
    return wide[(value, tool)].to_numpy(dtype=np.int64)


def _write_chatgpt(path: Path, usage: pd.DataFrame, org: DemoOrganisation) -> None:
    rows = usage[usage["tool"] == CHATGPT]
    people = org.people.iloc[rows["node"].to_numpy()]
    sunday = pd.to_datetime(rows["week"]) - pd.Timedelta(days=1)
    pd.DataFrame(
        {
            "cadence": "Weekly",
            "period_start": sunday.dt.strftime("%Y-%m-%d").to_numpy(),
            "period_end": (sunday + pd.Timedelta(days=6)).dt.strftime("%Y-%m-%d").to_numpy(),
            "name": people["name"].to_numpy(),
            "email": people["email"].to_numpy(),
            "user_status": "enabled",
            "messages": rows["actions"].to_numpy(),
        }
    ).to_csv(path, index=False)


def _github_login(name: str, node: int) -> str:
    return f"{name.split()[0].lower()}-{name.split()[-1].lower()}-{node % 97}"


def _write_github(
    usage_path: Path, map_path: Path, usage: pd.DataFrame, org: DemoOrganisation
) -> None:
    rows = usage[usage["tool"] == GITHUB]
    names = org.people["name"].to_numpy()
    ids = org.people["employee_id"].to_numpy()
    logins = {
        int(node): _github_login(str(names[node]), int(node)) for node in rows["node"].unique()
    }
    pd.DataFrame(
        {
            "login": [logins[int(node)] for node in rows["node"]],
            "week": pd.to_datetime(rows["week"]).dt.strftime("%Y-%m-%d").to_numpy(),
            "tool": GITHUB,
            "actions": rows["actions"].to_numpy(),
            "active_days": rows["active_days"].to_numpy(),
        }
    ).to_csv(usage_path, index=False)
    pd.DataFrame(
        {
            "external_id": list(logins.values()),
            "employee_id": [ids[node] for node in logins],
            "source": "github",
        }
    ).to_csv(map_path, index=False)


def usage_demo(context: DemoContext) -> None:
    """Write 26 weeks of AI usage for the demo organisation through the usage imports."""
    start = demo_week_zero().date()
    usage = demo_usage_frame(context.org, context.seed, start)
    with tempfile.TemporaryDirectory(prefix="peerwheel-demo-usage-") as folder:
        base = Path(folder)
        files = {
            "viva-person-query": base / "viva_person_query_copilot.csv",
            "chatgpt-enterprise": base / "chatgpt_enterprise_weekly_users.csv",
            "usage-csv": base / "github_copilot_users.csv",
            "identity-map": base / "github_logins.csv",
        }
        _write_viva(files["viva-person-query"], usage, context.org, start)
        _write_chatgpt(files["chatgpt-enterprise"], usage, context.org)
        _write_github(files["usage-csv"], files["identity-map"], usage, context.org)
        # The logins are unmatched until the identity map arrives, as in real life.
        records = 0
        for kind, path in files.items():
            report = usage_import(kind, path)
            records += report.records if kind != "identity-map" else 0
    adopters = int(usage["node"].nunique())
    agents = int(usage.loc[usage["agent_actions"] > 0, "node"].nunique())
    context.notes.append(
        f"Usage: {records:,} weekly records over {WEEKS} weeks from Viva Insights, ChatGPT "
        f"Enterprise and GitHub Copilot; {adopters} people used AI, {agents} of them agents."
    )
