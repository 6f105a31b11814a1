"""Buddies: someone just starting (a question at stage 1 or 2, not adopted yet) paired with a
nearby regular user who opted in to help; reads and writes of this one part.

Nearby: a tie between them (org.Tie), the same role family, the same team; never their
manager. A buddy has at most MAX_PER_BUDDY open pairs. Both are told by email. Whether it helps:
newcomers who adopt within OUTCOME_DAYS of being paired, against unpaired peers who adopt
within OUTCOME_DAYS of their first stage 1–2 question (docs/metrics.md, "Buddies").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.accounts.services import audit_record
from peerwheel.core.errors import ForbiddenError
from peerwheel.hub import program_reads
from peerwheel.org.models import Person, RoleFamily, Tie
from peerwheel.program.evidence import HABITUAL, PersonRow, Snapshot
from peerwheel.program.models import BuddyPair, BuddyVolunteer
from peerwheel.program.services import ProgramError, notify

MAX_PER_BUDDY = 3
NEWCOMER_WEEKS = 8
OUTCOME_DAYS = 28
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
Actor = User | AnonymousUser | None


# --- writes -------------------------------------------------------------------------------------


def buddy_opt(*, person: Person, opt_in: bool, at: datetime | None = None) -> BuddyVolunteer | None:
    """A person opts in to be a buddy, or out (their open pairs stay until they end)."""
    now = at or timezone.now()
    volunteer = BuddyVolunteer.objects.filter(person=person).first()
    if opt_in:
        if volunteer is None:
            return BuddyVolunteer.objects.create(person=person, opted_in_at=now)
        volunteer.opted_in_at, volunteer.opted_out_at = now, None
        volunteer.save(update_fields=["opted_in_at", "opted_out_at"])
        return volunteer
    if volunteer is not None and volunteer.opted_out_at is None:
        volunteer.opted_out_at = now
        volunteer.save(update_fields=["opted_out_at"])
    return volunteer


def _open_pairs(buddy_id: int) -> int:
    return BuddyPair.objects.filter(buddy_id=buddy_id, ended_at__isnull=True).count()


@transaction.atomic
def buddy_pair_create(
    *, newcomer_id: int, buddy_id: int, actor: Actor, reason: str = "", at: datetime | None = None
) -> BuddyPair:
    """A lead pairs a newcomer with a buddy who opted in; both are told. Refused: the buddy has
    not opted in or has MAX_PER_BUDDY newcomers already, is the newcomer's manager or the
    newcomer themselves, or the newcomer already has a buddy."""
    if not has_capability(actor or AnonymousUser(), Capability.MANAGE_PROGRAM):
        raise ForbiddenError("Pairing buddies is a program lead's task.")
    people = Person.objects.in_bulk([newcomer_id, buddy_id])
    newcomer, buddy = people.get(newcomer_id), people.get(buddy_id)
    if newcomer is None or buddy is None or not newcomer.active or not buddy.active:
        raise ProgramError("both must be current colleagues")
    if newcomer.pk == buddy.pk:
        raise ProgramError("a person cannot be their own buddy")
    if newcomer.manager_id == buddy.pk:
        raise ProgramError(
            f"{buddy.display_name} is {newcomer.display_name}'s manager: a buddy is a peer"
        )
    if not BuddyVolunteer.objects.filter(person=buddy, opted_out_at__isnull=True).exists():
        raise ProgramError(f"{buddy.display_name} has not opted in to be a buddy")
    Person.objects.select_for_update().filter(
        pk=buddy.pk
    ).first()  # one pairing at a time per buddy
    if _open_pairs(buddy.pk) >= MAX_PER_BUDDY:
        raise ProgramError(f"{buddy.display_name} already has {MAX_PER_BUDDY} newcomers")
    if BuddyPair.objects.filter(newcomer=newcomer, ended_at__isnull=True).exists():
        raise ProgramError(f"{newcomer.display_name} already has a buddy")
    pair = BuddyPair.objects.create(
        newcomer=newcomer,
        buddy=buddy,
        paired_at=at or timezone.now(),
        paired_by=actor if isinstance(actor, User) else None,
        reason=reason[:300],
    )
    audit_record(
        actor=actor,
        action="program.buddy_pair",
        target=f"{newcomer.employee_id}+{buddy.employee_id}",
    )
    transaction.on_commit(lambda: _tell(pair))
    return pair


def _tell(pair: BuddyPair) -> None:
    newcomer, buddy = pair.newcomer, pair.buddy
    notify(
        people=[newcomer],
        subject="a colleague to try AI with",
        message=(
            f"Hello {newcomer.display_name},\n\n{buddy.display_name} uses AI in work like yours "
            "and offered to help colleagues who are starting. Ask them anything: how to get "
            "access, what to try first. No pressure, no reporting."
        ),
    )
    notify(
        people=[buddy],
        subject="a colleague to help",
        message=(
            f"Hello {buddy.display_name},\n\nThank you for offering to be a buddy. "
            f"{newcomer.display_name} has started asking about AI; a short chat about what works "
            "for you would help."
        ),
    )


def buddy_pair_end(*, pair: BuddyPair, actor: Actor, at: datetime | None = None) -> BuddyPair:
    """The pair ends (a lead, the buddy or the newcomer)."""
    person = getattr(actor, "person", None) if isinstance(actor, User) else None
    own = person is not None and person.pk in (pair.newcomer_id, pair.buddy_id)
    if not own and not has_capability(actor or AnonymousUser(), Capability.MANAGE_PROGRAM):
        raise ForbiddenError("Only the pair or a program lead can end a pairing.")
    if pair.ended_at is None:
        pair.ended_at = at or timezone.now()
        pair.save(update_fields=["ended_at"])
    return pair


# --- reads --------------------------------------------------------------------------------------


def volunteers(snapshot: Snapshot) -> set[int]:
    """Current people who opted in and are regular users (Habitual or Power, 12 weeks)."""
    opted = set(
        BuddyVolunteer.objects.filter(opted_out_at__isnull=True).values_list("person_id", flat=True)
    )
    return {
        p
        for p in opted & set(snapshot.people)
        if p in snapshot.segments and snapshot.segments[p][0] in HABITUAL
    }


def newcomers(snapshot: Snapshot) -> dict[int, datetime]:
    """People with a question at stage 1 or 2 in the last NEWCOMER_WEEKS weeks who have not
    adopted and have no buddy now → when they asked first."""
    asked = program_reads.questions_by_author(
        since=snapshot.until - timedelta(weeks=NEWCOMER_WEEKS), until=snapshot.until, stages=(1, 2)
    )
    paired = set(
        BuddyPair.objects.filter(ended_at__isnull=True).values_list("newcomer_id", flat=True)
    )
    return {
        p: at
        for p, at in asked.items()
        if p in snapshot.people and p not in snapshot.adoption and p not in paired
    }


def _ties_between(people: set[int]) -> dict[tuple[int, int], float]:
    rows = Tie.objects.filter(Q(person_a_id__in=people) & Q(person_b_id__in=people)).values_list(
        "person_a_id", "person_b_id", "weight"
    )
    found: dict[tuple[int, int], float] = {}
    for a, b, w in rows:
        found[(a, b)] = max(found.get((a, b), 0.0), float(w))
    return found


@dataclass(frozen=True)
class PairSuggestion:
    newcomer: PersonRow
    buddy: PersonRow
    asked: datetime
    reason: str


def nearness(newcomer: PersonRow, buddy: PersonRow, tie: float) -> tuple[float, str]:
    """How near a buddy is (0: not near enough) and why, in words."""
    if buddy.pk == newcomer.pk or newcomer.manager_id == buddy.pk:
        return 0.0, ""
    reasons, score = [], 0.0
    if tie > 0:
        score += 2.0 + min(tie, 1.0)
        reasons.append("they work together (a tie)")
    if newcomer.role_family and newcomer.role_family == buddy.role_family:
        score += 1.5
        reasons.append(f"same role family ({RoleFamily(newcomer.role_family).label})")
    if newcomer.team_id is not None and newcomer.team_id == buddy.team_id:
        score += 1.0
        reasons.append("same team")
    if score == 0:
        return 0.0, ""
    if newcomer.site_id is not None and newcomer.site_id == buddy.site_id:
        score += 0.5
        reasons.append(f"same site ({newcomer.site})")
    return score, ", ".join(reasons)


def suggested_pairs(snapshot: Snapshot) -> list[PairSuggestion]:
    """Each newcomer (who asked first, first) with the nearest volunteer who has room."""
    waiting = newcomers(snapshot)
    helpers = volunteers(snapshot)
    if not waiting or not helpers:
        return []
    ties = _ties_between(set(waiting) | helpers)
    room = {b: MAX_PER_BUDDY - _open_pairs(b) for b in helpers}
    found = []
    for pk, asked in sorted(waiting.items(), key=lambda item: (item[1], item[0])):
        newcomer = snapshot.people[pk]
        best: tuple[float, int, str] | None = None
        for b in sorted(helpers):
            if room[b] <= 0:
                continue
            tie = ties.get((min(pk, b), max(pk, b)), 0.0)
            score, reason = nearness(newcomer, snapshot.people[b], tie)
            if score > 0 and (best is None or score > best[0]):
                best = (score, b, reason)
        if best is not None:
            room[best[1]] -= 1
            found.append(PairSuggestion(newcomer, snapshot.people[best[1]], asked, best[2]))
    return found


@dataclass(frozen=True)
class Outcome:
    """Adopted within OUTCOME_DAYS, of those whose window has closed (None: hidden, too few)."""

    adopted: int | None
    of: int

    @property
    def share(self) -> float | None:
        return None if self.adopted is None or self.of == 0 else self.adopted / self.of


def outcomes(snapshot: Snapshot) -> tuple[Outcome, Outcome]:
    """(paired, unpaired): newcomers adopting within OUTCOME_DAYS of their pairing, against
    people whose first stage 1–2 question was unpaired, within OUTCOME_DAYS of that question.
    Only windows that closed before `as_of`; a group under the minimum size is hidden."""
    closed = snapshot.as_of - timedelta(days=OUTCOME_DAYS)
    adoption = snapshot.adoption
    pairs = BuddyPair.objects.filter(paired_at__date__lte=closed).values_list(
        "newcomer_id", "paired_at"
    )
    first_pair: dict[int, date] = {}
    for person, at in pairs.order_by("paired_at"):
        first_pair.setdefault(person, timezone.localdate(at))
    ever_paired = set(BuddyPair.objects.values_list("newcomer_id", flat=True))
    paired = [(p, day) for p, day in first_pair.items() if p not in adoption or adoption[p] >= day]
    asked = program_reads.questions_by_author(since=_EPOCH, until=snapshot.until, stages=(1, 2))
    unpaired = [
        (p, timezone.localdate(at))
        for p, at in asked.items()
        if p not in ever_paired
        and timezone.localdate(at) <= closed
        and (p not in adoption or adoption[p] >= timezone.localdate(at))
    ]

    def rate(group: list[tuple[int, date]]) -> Outcome:
        hits = sum(
            1
            for p, day in group
            if p in adoption and adoption[p] <= day + timedelta(days=OUTCOME_DAYS)
        )
        hidden = len(group) < settings.PEERWHEEL_MIN_GROUP
        return Outcome(adopted=None if hidden else hits, of=len(group))

    return rate(paired), rate(unpaired)


def pairs_for_person(person_id: int) -> tuple[list[BuddyPair], list[BuddyPair]]:
    """(their open pairs as a buddy, their open pair as a newcomer)."""
    open_pairs = BuddyPair.objects.filter(ended_at__isnull=True).select_related("newcomer", "buddy")
    return (
        list(open_pairs.filter(buddy_id=person_id)),
        list(open_pairs.filter(newcomer_id=person_id)),
    )


def open_pairs() -> list[BuddyPair]:
    return list(
        BuddyPair.objects.filter(ended_at__isnull=True)
        .select_related("newcomer", "buddy")
        .order_by("-paired_at")
    )


def is_volunteer(person_id: int) -> bool:
    return BuddyVolunteer.objects.filter(person_id=person_id, opted_out_at__isnull=True).exists()
