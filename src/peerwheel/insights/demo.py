"""The insights part of the demo: the organisation's other networks arrive through their
imports, then the flywheel report on the demo's own data is summarised.

- a Viva Insights person-to-person query (chat collaboration hours) → `peerwheel import ties`;
- the learning platform's attendance at four "AI at work" sessions → `peerwheel import
  influence-events` (kind attended, presenter → attendee).

The demo's adoption plan (hub.demo) spreads colleague by colleague, strongest in Engineering
and Marketing; the report finds it (tests/insights/test_demo.py holds the story).
"""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np
from django.utils import timezone

from peerwheel.hub.demo import demo_adoption_plan, demo_week_zero
from peerwheel.hub.events_import import influence_events_import
from peerwheel.insights.momentum import momentum_blocks, momentum_data
from peerwheel.insights.report import flywheel_report
from peerwheel.insights.services import nudges_create
from peerwheel.org.demo import DemoContext
from peerwheel.usage.ties_import import ties_import

#: Monte Carlo runs for the demo's summary (the page runs the full 1,000)
DEMO_RUNS = 200
#: the weeks of the learning platform's sessions, and how many attend each
SESSION_WEEKS = (5, 10, 15, 20)
ATTENDEES = 18
VIVA_COLUMNS = (
    "PrimaryCollaborator_PersonId",
    "SecondaryCollaborator_PersonId",
    "Collaboration_hours",
)


def _write_chat_ties(path: Path, context: DemoContext, rng: np.random.Generator) -> None:
    """Chat collaboration hours between colleagues, as Viva's person-to-person query has them:
    most team and role-family ties chat, a few others do too."""
    ties = context.org.ties
    emails = context.org.people["email"].to_numpy()
    chatting = ties[
        ties["kind"].isin(["team", "role_family", "manager"]) | (rng.random(len(ties)) < 0.1)
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "PrimaryCollaborator_PersonId",
                "SecondaryCollaborator_PersonId",
                "Collaboration_hours",
            ]
        )
        for a, b in zip(chatting["source"], chatting["target"], strict=True):
            writer.writerow([emails[a], emails[b], f"{rng.gamma(2.0, 1.5):.1f}"])


def _write_attendance(path: Path, context: DemoContext, rng: np.random.Generator) -> None:
    """Four sessions, each presented by an early adopter to colleagues who had not adopted."""
    plan = demo_adoption_plan(context.org, context.seed)
    emails = context.org.people["email"].to_numpy()
    start = demo_week_zero()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["source_id", "target_id", "kind", "occurred_at"])
        for week in SESSION_WEEKS:
            adopted = np.flatnonzero((plan.weeks >= 0) & (plan.weeks < week))
            waiting = np.flatnonzero((plan.weeks < 0) | (plan.weeks >= week))
            presenter = int(rng.choice(adopted))
            when = start + timedelta(weeks=week, days=2, hours=12)
            for person in rng.choice(waiting, size=min(ATTENDEES, waiting.size), replace=False):
                writer.writerow([emails[presenter], emails[person], "attended", when.isoformat()])


def insights_demo(context: DemoContext) -> None:
    """Import the chat network and the session attendance, then note the flywheel's state as
    the Flywheel page will show it."""
    rng = np.random.default_rng([context.seed, 14])
    with tempfile.TemporaryDirectory(prefix="peerwheel-demo-insights-") as folder:
        chat = Path(folder) / "viva_person_to_person_chat.csv"
        sessions = Path(folder) / "learning_platform_attendance.csv"
        _write_chat_ties(chat, context, rng)
        _write_attendance(sessions, context, rng)
        ties = ties_import(chat, tie_source="chat")
        events = influence_events_import(sessions)
    report = flywheel_report(as_of=timezone.localdate(), runs=DEMO_RUNS).data
    r = report["flywheel_r"]
    shown = [row for row in r["by_department"] if not row["suppressed"]]
    spinning = [f"{row['department']} ({row['value']:.2f})" for row in shown if row["value"] > 1]
    weeks = report["forecast"]["weeks"]
    ahead = f"; forecast {weeks[-1]['adopters']} adopters in 12 weeks" if weeks else ""
    context.notes.append(
        f"Insights: {ties.created:,} chat ties and {events.created} session attendances imported; "
        f"Flywheel R {r['value']:.2f} ({r['low']:.2f}–{r['high']:.2f}), above 1 in "
        f"{' and '.join(spinning) or 'no department'}; "
        f"{len(report['champions'])} natural champions{ahead}."
    )


#: the demo's first round of nudges: five weeks ago, so the follow-up has had its 4 weeks
EARLIER_NUDGES = timedelta(weeks=5)


def momentum_demo(context: DemoContext) -> None:
    """Nudge the invisible successes (five weeks ago and now, as a weekly run would have) and
    note each momentum measure as the dashboard shows it."""
    today = timezone.localdate()
    earlier = today - EARLIER_NUDGES
    nudges_create(
        as_of=earlier,
        now=datetime.combine(earlier, time(9), tzinfo=timezone.get_current_timezone()),
    )
    made = nudges_create(as_of=today)
    data = momentum_data(as_of=today)
    blocks = momentum_blocks(data, set(data.people))
    invisible = blocks["invisible_successes"]
    recent = blocks["organic_demand"][-4:]
    signals = sum(sum(week["signals"].values()) for week in recent)
    mix = blocks["question_stages"]["mix"]
    asked = mix["questions"] or 0  # None: hidden, too few askers
    advanced = (mix["counts"]["3"] + mix["counts"]["4"]) / asked if asked else 0.0
    leaders = blocks["leader_consistency"]
    context.notes.append(
        f"Momentum: {signals} organic-demand signals in the last 4 weeks; {advanced:.0%} of "
        f"{asked} questions at stage 3 or 4; {invisible['count']} invisible successes "
        f"({len(made)} nudged now; {invisible['shared_after_nudge']} of {invisible['nudged']} "
        f"nudged earlier shared within 4 weeks); {leaders.get('leaders') or 0} leaders' "
        "consistency as a distribution; psychological safety per department."
    )
