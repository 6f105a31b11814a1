"""The program's status on a day: the stage, the scope, the gates to the next stage, the halt
conditions and the history, as one JSON-ready dict (`peerwheel program status --json`,
`GET /api/program/status`) and the objects the Stage page draws.

Halt conditions (shown as warnings, never acted on by themselves): a visible failure without a
follow-up (a fail shared in the last FOLLOW_UP_WEEKS weeks, more than FOLLOW_UP_DAYS days ago,
that nobody has answered: one warning naming them), and R below 1 in each of the last R_WEEKS
weeks (the weekly curve-only R of the insights report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from peerwheel.hub import program_reads
from peerwheel.program.evidence import Snapshot, current_people
from peerwheel.program.gates import GateStatus, evaluate, next_stage, stage_label
from peerwheel.program.measures import R_WEEKS
from peerwheel.program.models import StageMove
from peerwheel.program.selectors import (
    champion_person_ids,
    current_stage,
    gates_for,
    scope_person_ids,
    stage_history,
)

FOLLOW_UP_DAYS = 7
FOLLOW_UP_WEEKS = 4
SHOWN_FAILS = 3


@dataclass(frozen=True)
class Halt:
    kind: str  # "fail_without_follow_up" or "r_below_one"
    message: str
    post_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "post_id": self.post_id}


@dataclass
class ProgramStatus:
    as_of: date
    stage: str
    stage_since: datetime | None
    next_stage: str | None
    snapshot: Snapshot
    gates: list[GateStatus]
    halts: list[Halt]
    history: list[StageMove] = field(default_factory=list)

    @property
    def all_met(self) -> bool:
        return bool(self.gates) and all(g.met for g in self.gates)

    def scope_counts(self) -> dict[str, Any]:
        s = self.snapshot
        people = [s.people[p] for p in s.in_scope]
        return {
            "everyone": s.scope is None,
            "people": len(people),
            "departments": len({p.department_id for p in people} - {None}),
            "sites": len({p.site_id for p in people} - {None}),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "stage": self.stage,
            "stage_label": stage_label(self.stage),
            "stage_since": self.stage_since.isoformat() if self.stage_since else None,
            "next_stage": self.next_stage,
            "scope": self.scope_counts(),
            "gates": [g.as_dict() for g in self.gates],
            "all_gates_met": self.all_met,
            "halts": [h.as_dict() for h in self.halts],
            "history": [history_dict(m) for m in self.history],
        }


def history_dict(move: StageMove) -> dict[str, Any]:
    return {
        "from_stage": move.from_stage,
        "to_stage": move.to_stage,
        "at": move.moved_at.isoformat(),
        "by": move.by.get_username() if move.by else None,
        "all_gates_met": move.all_gates_met,
        "reason": move.reason,
    }


def snapshot_on(as_of: date) -> Snapshot:
    """The organisation as the program reads it on `as_of`."""
    return Snapshot(
        as_of=as_of,
        scope=scope_person_ids(on=as_of),
        champions=champion_person_ids(on=as_of),
        people=current_people(),
    )


def halts(snapshot: Snapshot) -> list[Halt]:
    """The halt conditions that hold on the snapshot's day."""
    found = []
    fails = program_reads.fails_without_follow_up(
        since=snapshot.until - timedelta(weeks=FOLLOW_UP_WEEKS),
        before=snapshot.until - timedelta(days=FOLLOW_UP_DAYS),
    )
    if fails:
        titles = [f"“{fail.title}”" for fail in fails[:SHOWN_FAILS]]
        more = f" and {len(fails) - SHOWN_FAILS} more" if len(fails) > SHOWN_FAILS else ""
        count = "A fail" if len(fails) == 1 else f"{len(fails)} fails"
        found.append(
            Halt(
                "fail_without_follow_up",
                f"{count} shared in the last {FOLLOW_UP_WEEKS} weeks "
                f"{'has' if len(fails) == 1 else 'have'} no follow-up yet: "
                f"{', '.join(titles)}{more}. Answer them, or say what was learned: a failure "
                "left alone makes colleagues more careful than it should.",
                fails[0].post_id,
            )
        )
    weekly = snapshot.weekly_r(R_WEEKS)
    if len(weekly) >= R_WEEKS and all(float(p["value"]) < 1 for p in weekly):
        highest = max(float(p["value"]) for p in weekly)
        found.append(
            Halt(
                "r_below_one",
                f"R has been below 1 in each of the last {R_WEEKS} weeks (at most "
                f"{highest:.2f}): the flywheel is slowing. Look at what changed before widening "
                "the rollout.",
            )
        )
    return found


def program_status(*, as_of: date) -> ProgramStatus:
    """The status on `as_of`, gates as stored (the services stamp `met_since`)."""
    stage, since = current_stage()
    snapshot = snapshot_on(as_of)
    return ProgramStatus(
        as_of=as_of,
        stage=stage,
        stage_since=since,
        next_stage=next_stage(stage),
        snapshot=snapshot,
        gates=evaluate(snapshot, gates_for(stage)),
        halts=halts(snapshot),
        history=stage_history(),
    )
