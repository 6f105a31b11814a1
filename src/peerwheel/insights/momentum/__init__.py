"""Momentum: organic demand, question stages, invisible successes, leader consistency,
psychological safety and training completions (docs/metrics.md, "Momentum"), and the flywheel
per group with the dashboard's verdict.

`momentum_blocks(data, members)` computes the measures over a group of people (the dashboard's
filter); `momentum_report(inputs, attribution)` is what `insights.report.flywheel_report` appends
to the report, over the whole organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peerwheel.engine.flywheel.attribution import Attribution
from peerwheel.insights.momentum.data import MomentumData, momentum_data
from peerwheel.insights.momentum.demand import organic_demand, question_stages
from peerwheel.insights.momentum.groups import GroupFilter
from peerwheel.insights.momentum.people import invisible_successes, leader_consistency
from peerwheel.insights.momentum.safety import psychological_safety, training_completions
from peerwheel.insights.momentum.verdict import flywheel_by_group

if TYPE_CHECKING:  # insights.selectors reads through this package: no import at run time
    from peerwheel.insights.selectors import FlywheelInputs

__all__ = ["MomentumData", "momentum_blocks", "momentum_data", "momentum_report"]


def momentum_blocks(
    data: MomentumData, members: set[int], group: GroupFilter | None = None
) -> dict[str, Any]:
    """The momentum measures over `members`: everyone, or the people of `group`."""
    return {
        "organic_demand": organic_demand(data, members),
        "question_stages": question_stages(data, group),
        "invisible_successes": invisible_successes(data, members),
        "leader_consistency": leader_consistency(data, members),
        "psychological_safety": psychological_safety(data, members),
        "training_completions": training_completions(data, members),
    }


def momentum_report(inputs: FlywheelInputs, attribution: Attribution | None) -> dict[str, Any]:
    """The report's momentum keys over the organisation, and `flywheel_by_group` (R, adopted
    share, weeks since a new adopter and invisible successes per department and per site)."""
    data = momentum_data(as_of=inputs.as_of)
    blocks = momentum_blocks(data, set(data.people))
    blocks["flywheel_by_group"] = flywheel_by_group(inputs, attribution, data)
    return blocks
