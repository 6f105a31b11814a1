"""Scenarios and their sweep tasks, built one way for the Simulate page and `peerwheel simulate`.

The page's form and the command both turn a preset and the levers someone set into a scenario
with `scenario_with_levers`, and the page's service and the command both turn a scenario into
the engine's task with `scenario_task`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from peerwheel.engine.diffusion import Cadence, PeerParams
from peerwheel.engine.scenarios import Scenario
from peerwheel.engine.sweep import SweepTask


@dataclass(frozen=True)
class Levers:
    """What someone changed on top of a scenario; None leaves the scenario's value."""

    friction: float | None = None
    safety: float | None = None
    mandate_week: int | None = None
    failure_week: int | None = None
    show_and_tell: Cadence | None = None
    k: int | None = None


def scenario_with_levers(base: Scenario, levers: Levers) -> Scenario:
    """The scenario with every lever that was set applied."""
    changes: dict[str, Any] = {}
    for lever in fields(levers):
        value = getattr(levers, lever.name)
        if value is not None:
            changes[lever.name] = value
    return base.with_changes(**changes)


def scenario_task(
    scenario: Scenario,
    *,
    rng_seed: int,
    runs: int,
    steps: int,
    natural_ids: Sequence[str] | None = None,
    seeds: tuple[int, ...] | None = None,
    appointed_group: tuple[str, tuple[str, ...]] | None = None,
    base: PeerParams | None = None,
) -> SweepTask:
    """The engine's task for a peer-model scenario: its params, strategy and k, labelled by its
    key (the tasks of one label and strategy are pooled). `seeds` overrides the strategy;
    `base` is the peer model under the scenario (the engine's defaults, or a calibration)."""
    return SweepTask(
        label=scenario.key,
        params=scenario.peer_params(base),
        strategy=scenario.strategy,
        k=scenario.k,
        rng_seed=rng_seed,
        runs=runs,
        steps=steps,
        seeds=seeds,
        natural_ids=tuple(natural_ids) if natural_ids else None,
        appointed_group=appointed_group,
    )
