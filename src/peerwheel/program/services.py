"""Every write of the rollout program's core: gates, stage moves, the scope, the champions
network. Each is audited through `accounts.services.audit_record`. Buddies are written by
buddies.py, wave plans by waves.py.

A refusal (a stage move without a reason, an invitation to someone outside the organisation, an
answer to someone else's invitation) raises `ProgramError` with a sentence saying what to do,
or a getter error (core.errors) for an object the actor may not touch.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability, role_of
from peerwheel.accounts.roles import Capability, Role
from peerwheel.accounts.services import audit_record, role_assign
from peerwheel.core.errors import ForbiddenError
from peerwheel.org.models import Department, Person, Site
from peerwheel.program.gates import DEFAULT_GATES, next_stage, stage_label
from peerwheel.program.measures import MEASURES
from peerwheel.program.models import STAGE_ORDER, Champion, Gate, ScopeEntry, Stage, StageMove
from peerwheel.program.status import ProgramStatus, program_status

logger = logging.getLogger(__name__)
Actor = User | AnonymousUser | None
REASON_MAX = 2000


class ProgramError(ValueError):
    """A program write refused, with what to do about it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def notify(*, people: list[Person], subject: str, message: str) -> int:
    """Email people (those with an address) through Django's email backend; how many were sent.
    A mail server that fails is logged, never an error of the write that asked."""
    recipients = [p.email for p in people if p.email]
    if not recipients:
        return 0
    try:
        return send_mail(f"Peerwheel: {subject}", message, settings.DEFAULT_FROM_EMAIL, recipients)
    except (OSError, SMTPException):
        logger.warning("could not email %d recipient(s) about %s", len(recipients), subject)
        return 0


# --- gates and stages ---------------------------------------------------------------------------


def gates_ensure_defaults() -> int:
    """Write DESIGN.md's default gates for every stage that has none yet; how many written."""
    have = set(Gate.objects.values_list("stage", flat=True).distinct())
    new = [
        Gate(
            stage=d.stage,
            key=d.key,
            measure=d.measure,
            label=d.label,
            target=d.target,
            position=position,
        )
        for position, d in enumerate(DEFAULT_GATES)
        if d.stage not in have
    ]
    Gate.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def program_status_refresh(*, as_of: date | None = None) -> ProgramStatus:
    """The status on `as_of` (default today), the default gates written if missing and each
    gate met for the first time stamped with the day (`met_since`)."""
    day = as_of or timezone.localdate()
    gates_ensure_defaults()
    status = program_status(as_of=day)
    newly = [g.pk for g in status.gates if g.met and g.met_since is None]
    if newly:
        Gate.objects.filter(pk__in=newly, met_since__isnull=True).update(met_since=day)
        status.gates = [
            dataclasses.replace(g, met_since=day) if g.pk in newly else g for g in status.gates
        ]
    return status


def _check_target(measure: str, target: float) -> float:
    unit = MEASURES[measure].unit
    if target != target or target < 0:  # NaN or negative
        raise ProgramError("the target must be a number, 0 or more")
    if unit == "share" and target > 1:
        raise ProgramError("this gate's target is a share: between 0 and 1 (0.7 for 70%)")
    return float(target)


def gate_update(
    *, gate: Gate, actor: Actor, label: str | None = None, target: float | None = None,
    active: bool | None = None,
) -> Gate:  # fmt: skip
    """A lead changes a gate's label, target or whether it counts; audited. A new target
    clears `met_since` (it was met against the old one)."""
    changes: dict[str, object] = {}
    if label is not None:
        label = label.strip()
        if not label or len(label) > 200:
            raise ProgramError("a gate's label is 1 to 200 characters")
        changes["label"] = label
    if target is not None and float(target) != gate.target:
        changes["target"] = _check_target(gate.measure, target)
        changes["met_since"] = None
    if active is not None:
        changes["active"] = active
    for name, value in changes.items():
        setattr(gate, name, value)
    if changes:
        gate.save()
        audit_record(
            actor=actor,
            action="program.gate_update",
            target=f"{gate.stage}/{gate.key}",
            **{f"new_{k}": v for k, v in changes.items() if k != "met_since"},
        )
    return gate


def gate_add(*, stage: str, measure: str, label: str, target: float, actor: Actor) -> Gate:
    """A lead adds a gate to a stage over one of the measures; audited."""
    if stage not in STAGE_ORDER:
        raise ProgramError(f"no stage {stage!r}: crawl, walk, run or fly")
    if measure not in MEASURES:
        raise ProgramError(f"no measure {measure!r}; one of {', '.join(MEASURES)}")
    label = label.strip() or MEASURES[measure].description.capitalize()
    key = measure
    taken = set(Gate.objects.filter(stage=stage).values_list("key", flat=True))
    suffix = 2
    while key in taken:
        key, suffix = f"{measure}_{suffix}", suffix + 1
    gate = Gate.objects.create(
        stage=stage,
        key=key[:40],
        measure=measure,
        label=label[:200],
        target=_check_target(measure, target),
        position=Gate.objects.filter(stage=stage).count(),
    )
    audit_record(
        actor=actor,
        action="program.gate_add",
        target=f"{stage}/{gate.key}",
        target_value=gate.target,
    )
    return gate


@transaction.atomic
def stage_move(
    *,
    to_stage: str,
    actor: Actor,
    reason: str = "",
    as_of: date | None = None,
    at: datetime | None = None,
) -> StageMove:
    """A lead moves the organisation to another stage: forward one stage when every gate is
    met, or with a written reason when not; back to an earlier stage always with a reason.
    Audited with the gates as they stood."""
    if not has_capability(actor or AnonymousUser(), Capability.MANAGE_PROGRAM):
        raise ForbiddenError("Moving the rollout's stage is a program lead's decision.")
    if to_stage not in STAGE_ORDER:
        raise ProgramError(f"no stage {to_stage!r}: crawl, walk, run or fly")
    status = program_status_refresh(as_of=as_of)
    here = status.stage
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ProgramError(f"the reason is longer than {REASON_MAX} characters")
    if to_stage == here:
        raise ProgramError(f"the organisation is already in {stage_label(here)}")
    forward = STAGE_ORDER.index(to_stage) > STAGE_ORDER.index(here)
    if forward and to_stage != next_stage(here):
        raise ProgramError(
            f"from {stage_label(here)} the next stage is {stage_label(next_stage(here) or here)}: "
            "stages are not skipped"
        )
    if not reason and (not forward or not status.all_met):
        unmet = [g.label for g in status.gates if not g.met]
        why = (
            f"not every gate is met ({', '.join(unmet)})"
            if forward
            else f"moving back to {stage_label(to_stage)}"
        )
        raise ProgramError(f"write a reason: {why}")
    move = StageMove.objects.create(
        from_stage=here,
        to_stage=to_stage,
        moved_at=at or timezone.now(),
        by=actor if isinstance(actor, User) else None,
        reason=reason,
        all_gates_met=forward and status.all_met,
        gates=[g.as_dict() for g in status.gates],
    )
    audit_record(
        actor=actor,
        action="program.stage_move",
        target=f"{here}->{to_stage}",
        reason=reason,
        all_gates_met=move.all_gates_met,
        gates={g.key: g.met for g in status.gates},
    )
    return move


# --- the scope ----------------------------------------------------------------------------------


def _unit_object(unit: str, name: str) -> Person | Department | Site:
    """The current person (by employee id), department or site a scope row names."""
    if unit == ScopeEntry.Unit.PERSON:
        person = Person.objects.filter(employee_id=name).first()
        if person is None or not person.active:
            raise ProgramError(f"no one in the organisation has the employee id {name!r}")
        return person
    model = Department if unit == ScopeEntry.Unit.DEPARTMENT else Site
    found = model.objects.filter(name__iexact=name).first()
    if found is None:
        raise ProgramError(f"no {unit} is called {name!r}")
    return found


@transaction.atomic
def scope_entry_add(*, unit: str, name: str, stage: str, since: date, actor: Actor) -> ScopeEntry:
    """Add a person (employee id), department or site to the scope from `since`; audited. A
    unit already in the scope keeps its entry (its stage and day updated)."""
    if unit not in ScopeEntry.Unit.values:
        raise ProgramError(f"no unit {unit!r}: person, department or site")
    if stage not in STAGE_ORDER:
        raise ProgramError(f"no stage {stage!r}: crawl, walk, run or fly")
    target = _unit_object(unit, name.strip())
    entry = ScopeEntry.objects.filter(unit=unit, until__isnull=True, **{unit: target}).first()
    if entry is None:
        entry = ScopeEntry.objects.create(unit=unit, stage=stage, since=since, **{unit: target})
    else:
        entry.stage, entry.since = stage, since
        entry.save(update_fields=["stage", "since"])
    audit_record(
        actor=actor,
        action="program.scope_add",
        target=f"{unit}:{target}",
        stage=stage,
        since=since.isoformat(),
    )
    return entry


def scope_entry_end(*, entry: ScopeEntry, actor: Actor, on: date | None = None) -> ScopeEntry:
    """Take a unit out of the scope from `on` (default today); audited. An entry that had not
    started yet is deleted."""
    day = on or timezone.localdate()
    label = f"{entry.unit}:{entry.person or entry.department or entry.site}"
    if entry.since >= day:
        entry.delete()
    else:
        entry.until = day
        entry.save(update_fields=["until"])
    audit_record(actor=actor, action="program.scope_end", target=label, on=day.isoformat())
    return entry


# --- champions ----------------------------------------------------------------------------------


def champion_invite(
    *, person_id: int, actor: Actor, evidence: str = "", at: datetime | None = None
) -> Champion:
    """A lead invites a person to be a champion. Refused for anyone outside the organisation (no
    such person, or a leaver) and for someone already invited or active. The person is told;
    nobody is a champion until they accept."""
    if not has_capability(actor or AnonymousUser(), Capability.MANAGE_PROGRAM):
        raise ForbiddenError("Inviting champions is a program lead's decision.")
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person.active:
        raise ProgramError(
            "this person is not in the organisation (not in the HR data, or has left): "
            "only current colleagues can be invited"
        )
    now = at or timezone.now()
    with transaction.atomic():
        champion = Champion.objects.select_for_update().filter(person=person).first()
        if champion is not None and champion.status in (
            Champion.Status.INVITED,
            Champion.Status.ACTIVE,
        ):
            raise ProgramError(
                f"{person.display_name} is already {champion.get_status_display().lower()}"
            )
        if champion is None:
            champion = Champion(person=person)
        champion.status = Champion.Status.INVITED
        champion.evidence = evidence[:400]
        champion.invited_by = actor if isinstance(actor, User) else None
        champion.invited_at = now
        champion.responded_at = champion.accepted_at = champion.stepped_down_at = None
        champion.save()
        audit_record(actor=actor, action="program.champion_invite", target=person.employee_id)
    notify(
        people=[person],
        subject="you are invited to be an AI champion",
        message=(
            f"Hello {person.display_name},\n\nYour colleagues' experience shows you already help "
            f"others with AI ({evidence or 'your answers and shared posts'}). Would you be a "
            "champion: answer questions in your area and share what works? It is your choice; "
            "accept or decline on the Program page of Peerwheel."
        ),
    )
    return champion


def champion_respond_check(*, champion: Champion, user: Actor) -> None:
    """Raise ForbiddenError unless `user` is the person invited: only they may answer."""
    person = getattr(user, "person", None) if isinstance(user, User) else None
    if person is None or person.pk != champion.person_id:
        raise ForbiddenError("Only the person invited can accept or decline an invitation.")


@transaction.atomic
def champion_respond(
    *, champion: Champion, user: Actor, accept: bool, at: datetime | None = None
) -> Champion:
    """The invited person accepts (active from now; a member's login gets the champion role) or
    declines. Nobody else can answer for them."""
    champion_respond_check(champion=champion, user=user)
    if champion.status != Champion.Status.INVITED:
        raise ProgramError(f"this invitation is {champion.get_status_display().lower()}, not open")
    now = at or timezone.now()
    champion.responded_at = now
    if accept:
        champion.status, champion.accepted_at = Champion.Status.ACTIVE, now
    else:
        champion.status = Champion.Status.DECLINED
    champion.save()
    if accept and isinstance(user, User) and role_of(user) is Role.MEMBER:
        role_assign(user=user, role=Role.CHAMPION, actor=user)
    audit_record(
        actor=user,
        action="program.champion_accept" if accept else "program.champion_decline",
        target=champion.person.employee_id,
    )
    return champion


@transaction.atomic
def champion_step_down(*, champion: Champion, actor: Actor, at: datetime | None = None) -> Champion:
    """An active champion steps down (they themselves, or a lead); a login that holds the
    champion role goes back to member."""
    person = getattr(actor, "person", None) if isinstance(actor, User) else None
    own = person is not None and person.pk == champion.person_id
    if not own and not has_capability(actor or AnonymousUser(), Capability.MANAGE_PROGRAM):
        raise ForbiddenError("Only the champion or a program lead can end a champion's role.")
    if champion.status != Champion.Status.ACTIVE:
        raise ProgramError(f"{champion.person.display_name} is not an active champion")
    champion.status, champion.stepped_down_at = Champion.Status.STEPPED_DOWN, at or timezone.now()
    champion.save(update_fields=["status", "stepped_down_at"])
    user = champion.person.user
    if user is not None and role_of(user) is Role.CHAMPION:
        role_assign(user=user, role=Role.MEMBER, actor=actor)
    audit_record(
        actor=actor, action="program.champion_step_down", target=champion.person.employee_id
    )
    return champion


__all__ = [
    "ProgramError",
    "Stage",
    "champion_invite",
    "champion_respond",
    "champion_respond_check",
    "champion_step_down",
    "gate_add",
    "gate_update",
    "gates_ensure_defaults",
    "notify",
    "program_status_refresh",
    "scope_entry_add",
    "scope_entry_end",
    "stage_move",
]
