"""The insights part of the demo: the flywheel report on the demo's own data, summarised.

The demo's adoption plan (hub.demo) spreads colleague by colleague, strongest in Engineering
and Marketing; the report finds it (tests/insights/test_demo.py holds the story).
"""

from __future__ import annotations

from django.utils import timezone

from peerwheel.insights.report import flywheel_report
from peerwheel.org.demo import DemoContext

#: Monte Carlo runs for the demo's summary (the page runs the full 1,000)
DEMO_RUNS = 200


def insights_demo(context: DemoContext) -> None:
    """Note the flywheel's state as the Flywheel page will show it."""
    report = flywheel_report(as_of=timezone.localdate(), runs=DEMO_RUNS).data
    r = report["flywheel_r"]
    if r["value"] is None:
        context.notes.append("Insights: the flywheel report has too little data yet.")
        return
    shown = [row for row in r["by_department"] if not row["suppressed"]]
    spinning = [f"{row['department']} ({row['value']:.2f})" for row in shown if row["value"] > 1]
    weeks = report["forecast"]["weeks"]
    ahead = f"; forecast {weeks[-1]['adopters']} adopters in 12 weeks" if weeks else ""
    context.notes.append(
        f"Insights: Flywheel R {r['value']:.2f} ({r['low']:.2f}–{r['high']:.2f}), above 1 in "
        f"{' and '.join(spinning) or 'no department'}; "
        f"{len(report['champions'])} natural champions{ahead}."
    )
