"""The program part of the demo: the organisation in Walk, its gates partly met, twelve
champions who accepted (two in-scope departments without one), an invitation waiting for the
member login, a few buddies, and a plan of the next waves.

Everything is written through the program's services, as a lead would: the scope, the move
from Crawl to Walk ten weeks ago (with its reason: not every Crawl gate was met), the
invitations, each accepted by the person's own login (nobody is a champion without consent).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.hub.demo import demo_week_zero
from peerwheel.org.demo import DemoContext
from peerwheel.org.models import Person
from peerwheel.program import buddies, services
from peerwheel.program.champions import coverage, natural_ranking
from peerwheel.program.evidence import PersonRow
from peerwheel.program.measures import ceo
from peerwheel.program.status import snapshot_on
from peerwheel.program.wave_simulation import wave_plan_create

PILOTS = 15
WALK_PEOPLE = 55
SCOPE_DEPARTMENTS = 6
COVERED_DEPARTMENTS = 4
CHAMPIONS = 12
WALK_WEEKS_AGO = 10


def program_scope_demo(context: DemoContext) -> None:
    """The scope (the pilots since the demo's first week, the early adopters of six
    departments since ten weeks ago) and the lead's move from Crawl to Walk, with its reason.
    Before the catalogue's demo, which counts requests from outside the scope."""
    today = timezone.localdate()
    lead = User.objects.get(username=Role.LEAD.value)
    snapshot = snapshot_on(today)
    people, adoption = snapshot.people, snapshot.adoption
    head = ceo(snapshot)
    by_department = Counter(people[p].department for p in adoption if p in people)
    departments = [d for d, _ in by_department.most_common(SCOPE_DEPARTMENTS)]
    if head is not None and people[head].department not in departments:
        departments[-1] = people[head].department
    early = sorted(
        (p for p in adoption if p in people and people[p].department in departments),
        key=lambda p: (adoption[p], p),
    )
    pilots = ([head] if head is not None else []) + [p for p in early if p != head][:PILOTS]
    walkers = [p for p in early if p not in pilots][:WALK_PEOPLE]
    walk_day = today - timedelta(weeks=WALK_WEEKS_AGO)
    for stage, since, group in (
        ("crawl", demo_week_zero().date(), pilots),
        ("walk", walk_day, walkers),
    ):
        for p in group:
            services.scope_entry_add(
                unit="person", name=people[p].employee_id, stage=stage, since=since, actor=lead
            )
    services.stage_move(
        to_stage="walk",
        actor=lead,
        reason=(
            "The pilots use it every week and the wins are there; the CEO's post and the "
            "first shared fail came the week after. Widening to the early adopters of six "
            "departments."
        ),
        as_of=walk_day,
        at=timezone.now() - timedelta(weeks=WALK_WEEKS_AGO),
    )
    context.notes.append(
        f"Program: Walk since {walk_day:%d %b %Y}, {len(pilots)} pilots and {len(walkers)} "
        "more in scope."
    )


def program_demo(context: DemoContext) -> None:
    """Champions (two in-scope departments without one), buddies, the gates today and a
    plan of the next waves. After the insights demo: the wave planner calibrates on the ties
    and events it imports."""
    today = timezone.localdate()
    lead = User.objects.get(username=Role.LEAD.value)
    snapshot = snapshot_on(today)
    in_scope = Counter(snapshot.people[p].department for p in snapshot.in_scope)
    covered = [d for d, _ in in_scope.most_common(COVERED_DEPARTMENTS)]
    _champions(context, snapshot.people, covered, lead)
    _buddies(lead)
    status = services.program_status_refresh(as_of=today)
    plan = wave_plan_create(actor=lead, unit="department", per_wave=2)
    after = snapshot_on(today)
    gaps = [row.name for row in coverage(after, natural_ranking(as_of=today)) if row.gap]
    met = sum(1 for g in status.gates if g.met)
    waves = len(plan.result["plans"][0]["waves"]) if plan.result.get("plans") else 0
    context.notes.append(
        f"Program: {met} of {len(status.gates)} Walk gates met; {len(after.champions)} "
        f"champions, coverage gaps: {', '.join(gaps) or 'none'}; a plan of {waves} waves of "
        "departments."
    )


def _login(person: PersonRow) -> User:
    """The person's login (a member's, created for the demo when they have none)."""
    user = User.objects.filter(person__pk=person.pk).first()
    if user is not None:
        return user
    return user_create(
        username=f"demo-{person.employee_id.lower()}",
        role=Role.MEMBER,
        email=person.email,
        person_employee_id=person.employee_id,
    )


def _champions(
    context: DemoContext, people: dict[int, PersonRow], covered: list[str], lead: User
) -> None:
    """Twelve champions in the covered departments (the champion login among them), every
    in-scope site reached; one declined; the member login invited and yet to answer."""
    today = timezone.localdate()
    ranking = [s for s in natural_ranking(as_of=today) if s.person_id in people]
    champion_login = User.objects.filter(username=Role.CHAMPION.value).first()
    mine = getattr(champion_login, "person", None)
    chosen: list[int] = [mine.pk] if mine is not None and mine.department.name in covered else []
    sites: set[str] = {people[chosen[0]].site} if chosen else set()
    candidates = [s for s in ranking if people[s.person_id].department in covered]
    for wanted_new_site in (True, False):
        for s in candidates:
            person = people[s.person_id]
            if len(chosen) >= CHAMPIONS or s.person_id in chosen:
                continue
            if wanted_new_site and person.site in sites:
                continue
            chosen.append(s.person_id)
            sites.add(person.site)
    evidence = {s.person_id: s.evidence for s in ranking}
    invited_at = timezone.now() - timedelta(weeks=8)
    for i, pk in enumerate(chosen):
        invite = services.champion_invite(
            person_id=pk, actor=lead, evidence=evidence.get(pk, ""), at=invited_at
        )
        services.champion_respond(
            champion=invite,
            user=_login(people[pk]),
            accept=True,
            at=invited_at + timedelta(days=1 + i % 5),
        )
    others = [s.person_id for s in candidates if s.person_id not in chosen]
    if others:
        declined = services.champion_invite(person_id=others[0], actor=lead, at=invited_at)
        services.champion_respond(champion=declined, user=_login(people[others[0]]), accept=False)
    member = User.objects.filter(username=Role.MEMBER.value).first()
    invitee = getattr(member, "person", None)
    if invitee is not None and invitee.pk not in chosen:
        services.champion_invite(
            person_id=invitee.pk,
            actor=lead,
            evidence=evidence.get(invitee.pk, "shared wins your colleagues tried"),
        )


def _buddies(lead: User) -> None:
    """Regular users opt in as buddies; the first suggested pairs are made."""
    today = timezone.localdate()
    snapshot = snapshot_on(today)
    regulars = sorted(
        p for p, (segment, _) in snapshot.segments.items() if segment.value in ("habitual", "power")
    )
    for person in Person.objects.filter(pk__in=regulars[::9]):
        buddies.buddy_opt(person=person, opt_in=True, at=timezone.now() - timedelta(weeks=6))
    for suggestion in buddies.suggested_pairs(snapshot_on(today))[:4]:
        buddies.buddy_pair_create(
            newcomer_id=suggestion.newcomer.pk,
            buddy_id=suggestion.buddy.pk,
            actor=lead,
            reason=suggestion.reason,
        )
