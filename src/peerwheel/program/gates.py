"""The gates to leave each stage: the defaults (DESIGN.md, "Rollout stages") and their
evaluation on a `Snapshot`.

Gates are data (`program.models.Gate`): the defaults below are written the first time the
program is read (services.gates_ensure_defaults) and leads edit them from then on. Fly has no
next stage: its gates are what is tracked there (sustained R, agent use, stage-4 share).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from peerwheel.program.evidence import Snapshot
from peerwheel.program.measures import MEASURES
from peerwheel.program.models import STAGE_ORDER, Gate, Stage


@dataclass(frozen=True)
class GateDefault:
    stage: str
    key: str
    measure: str
    label: str
    target: float


DEFAULT_GATES: tuple[GateDefault, ...] = (
    GateDefault(
        "crawl", "pilots_habitual", "pilots_habitual_4w", "Pilots habitual for 4 weeks", 0.7
    ),
    GateDefault("crawl", "wins", "wins_time_saved", "Wins with time saved", 10),
    GateDefault("crawl", "ceo_shared", "ceo_shared", "The CEO has shared publicly", 1),
    GateDefault("crawl", "fail_shared", "fails_shared", "At least one fail shared", 1),
    GateDefault(
        "walk", "champion_coverage", "champion_coverage", "Champions in in-scope departments", 0.8
    ),
    GateDefault("walk", "habitual", "habitual_share", "People in scope habitual", 0.6),
    GateDefault("walk", "r_or_demand", "r_or_demand", "R ≥ 1 over 8 weeks, or organic demand", 1.0),
    GateDefault("walk", "stage3_questions", "stage3_share", "Questions at stage 3 or 4", 0.4),
    GateDefault("run", "sites_live", "sites_live", "Sites live", 0.8),
    GateDefault("run", "novice_or_above", "novice_or_above", "People novice or above", 0.5),
    GateDefault("run", "stage4_questions", "stage4_questions", "Stage-4 questions appear", 1),
    GateDefault("fly", "r_sustained", "r_sustained", "Sustained R", 1.0),
    GateDefault("fly", "agent_users", "agent_users", "Agent use", 0.25),
    GateDefault("fly", "stage4_share", "stage4_share", "Stage-4 share of questions", 0.1),
)


def next_stage(stage: str) -> str | None:
    """The stage after `stage`, or None after Fly."""
    position = STAGE_ORDER.index(stage)
    return STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else None


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


@dataclass(frozen=True)
class GateStatus:
    """One gate on a day: its target, value, whether met, since when, and the evidence."""

    pk: int
    key: str
    label: str
    measure: str
    value: float | None
    shown_value: str
    target: float
    shown_target: str
    met: bool
    met_since: date | None
    evidence: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "measure": self.measure,
            "value": None if self.value is None else round(self.value, 4),
            "target": self.target,
            "met": self.met,
            "met_since": self.met_since.isoformat() if self.met_since else None,
            "evidence": self.evidence,
        }


def evaluate(snapshot: Snapshot, gates: Iterable[Gate]) -> list[GateStatus]:
    """Each active gate's reading on the snapshot's day (`met_since` as stored: the services
    stamp it)."""
    found = []
    for gate in gates:
        if not gate.active:
            continue
        measure = MEASURES.get(gate.measure)
        if measure is None:  # a measure retired since the gate was made
            found.append(
                GateStatus(
                    gate.pk,
                    gate.key,
                    gate.label,
                    gate.measure,
                    None,
                    "—",
                    gate.target,
                    str(gate.target),
                    False,
                    gate.met_since,
                    f"the measure {gate.measure!r} no longer exists: switch this gate off",
                )
            )
            continue
        reading = measure.read(snapshot, gate.target)
        found.append(
            GateStatus(
                pk=gate.pk,
                key=gate.key,
                label=gate.label,
                measure=gate.measure,
                value=reading.value,
                shown_value=measure.show(reading.value),
                target=gate.target,
                shown_target=measure.show(gate.target),
                met=reading.met,
                met_since=gate.met_since,
                evidence=reading.evidence,
            )
        )
    return found


#: what each stage covers (DESIGN.md's table), shown beside the stage
STAGE_SCOPE: dict[str, str] = {
    "crawl": "10–20 pilot users and the CEO.",
    "walk": "50–75 users and a champions network of 10–15 across departments.",
    "run": "Company-wide, 3–4 sites a month, the next sites chosen by organic demand and ties "
    "to live sites.",
    "fly": "Optimisation and advanced integrations: sustained R, agent use and stage-4 "
    "questions tracked.",
}
