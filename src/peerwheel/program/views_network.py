"""The Program pages of people: the champions network (leads), a person's answer to their own
invitation, buddies, and the wave planner (leads)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from peerwheel.accounts.permissions import capability_required
from peerwheel.accounts.roles import Capability
from peerwheel.core.charts import figure_html
from peerwheel.core.ratelimit import rate_limited
from peerwheel.org.selectors import person_for_user
from peerwheel.program import buddies, champions, selectors, services
from peerwheel.program.charts import wave_plan_chart
from peerwheel.program.forms import InviteForm, PairForm, WavePlanForm, first_error
from peerwheel.program.status import snapshot_on
from peerwheel.program.views import _tabs
from peerwheel.program.wave_simulation import latest_plan, wave_plan_create


@capability_required(Capability.MANAGE_PROGRAM)
def champion_network(request: HttpRequest) -> HttpResponse:
    """Leads: the network with its load, coverage with the gaps' best people, suggestions."""
    today = timezone.localdate()
    snapshot = snapshot_on(today)
    ranking = champions.natural_ranking(as_of=today)
    rows = champions.coverage(snapshot, ranking)
    context = {
        "network": champions.network(snapshot),
        "coverage": rows,
        "gaps": [r for r in rows if r.gap],
        "suggestions": champions.suggestions(snapshot, ranking),
        "load_weeks": champions.LOAD_WEEKS,
        **_tabs(request, "champions"),
    }
    return render(request, "program/champions.html", context)


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def champion_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not invited: {first_error(form)}.")
        return redirect("program:champions")
    try:
        champion = services.champion_invite(actor=request.user, **form.cleaned_data)
    except services.ProgramError as exc:
        messages.error(request, f"Not invited: {exc.message}.")
    else:
        messages.success(
            request,
            f"{champion.person.display_name} is invited; they are a champion once they accept.",
        )
    return redirect("program:champions")


@require_POST
@capability_required(Capability.USE_HUB)
@rate_limited()
def champion_respond(request: HttpRequest, champion_id: int) -> HttpResponse:
    """The invited person's own answer: accept or decline (nobody else may answer)."""
    champion = selectors.champion_get(champion_id)
    services.champion_respond_check(champion=champion, user=request.user)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        return HttpResponseBadRequest("answer: accept or decline")
    try:
        services.champion_respond(champion=champion, user=request.user, accept=answer == "accept")
    except services.ProgramError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Welcome to the champions network: questions in your area are on the Questions page."
            if answer == "accept"
            else "Declined. Thank you for saying so; you will not be suggested again.",
        )
    return redirect("program:home")


@require_POST
@capability_required(Capability.USE_HUB)
@rate_limited()
def champion_step_down(request: HttpRequest, champion_id: int) -> HttpResponse:
    champion = selectors.champion_get(champion_id)
    try:
        services.champion_step_down(champion=champion, actor=request.user)
    except services.ProgramError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{champion.person.display_name} has stepped down as a champion.")
    own = getattr(person_for_user(request.user), "pk", None) == champion.person_id
    return redirect("program:home" if own else "program:champions")


@capability_required(Capability.MANAGE_PROGRAM)
def buddy_overview(request: HttpRequest) -> HttpResponse:
    """Leads: suggested pairs, the pairs now, and whether pairing helps."""
    snapshot = snapshot_on(timezone.localdate())
    paired, unpaired = buddies.outcomes(snapshot)
    context: dict[str, Any] = {
        "suggested": buddies.suggested_pairs(snapshot),
        "pairs": buddies.open_pairs(),
        "volunteers": len(buddies.volunteers(snapshot)),
        "paired": paired,
        "unpaired": unpaired,
        "outcome_days": buddies.OUTCOME_DAYS,
        "max_per_buddy": buddies.MAX_PER_BUDDY,
        **_tabs(request, "buddies"),
    }
    return render(request, "program/buddies.html", context)


@require_POST
@capability_required(Capability.USE_HUB)
@rate_limited()
def buddy_opt(request: HttpRequest) -> HttpResponse:
    """Anyone with a profile opts in (or out) as a buddy."""
    person = person_for_user(request.user)
    if person is None:
        messages.error(request, "Your login is not linked to a person in the organisation yet.")
        return redirect("program:home")
    opt_in = request.POST.get("opt") == "in"
    buddies.buddy_opt(person=person, opt_in=opt_in)
    messages.success(
        request,
        "Thank you: colleagues near you who are starting may be paired with you."
        if opt_in
        else "You are no longer offered as a buddy.",
    )
    return redirect("program:home")


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def buddy_pair(request: HttpRequest) -> HttpResponse:
    form = PairForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not paired: {first_error(form)}.")
        return redirect("program:buddies")
    try:
        pair = buddies.buddy_pair_create(actor=request.user, **form.cleaned_data)
    except services.ProgramError as exc:
        messages.error(request, f"Not paired: {exc.message}.")
    else:
        messages.success(
            request,
            f"{pair.newcomer.display_name} and {pair.buddy.display_name} are paired; "
            "both are told.",
        )
    return redirect("program:buddies")


@capability_required(Capability.MANAGE_PROGRAM)
def waves(request: HttpRequest) -> HttpResponse:
    """Leads: the latest wave plan (ranking and the three plans with bands)."""
    plan = latest_plan()
    context: dict[str, Any] = {
        "plan": plan,
        "result": plan.result if plan else None,
        "form": WavePlanForm(
            initial={
                "unit": plan.unit if plan else "site",
                "per_wave": plan.per_wave if plan else 3,
            }
        ),
        **_tabs(request, "waves"),
    }
    if plan and plan.result.get("plans"):
        context["chart"] = figure_html(wave_plan_chart(plan.result), div_id="wave-plans")
    return render(request, "program/waves.html", context)


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def wave_plan(request: HttpRequest) -> HttpResponse:
    form = WavePlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not planned: {first_error(form)}.")
        return redirect("program:waves")
    try:
        wave_plan_create(actor=request.user, **form.cleaned_data)
    except services.ProgramError as exc:
        messages.error(request, f"Not planned: {exc.message}.")
    else:
        messages.success(request, "The next waves are planned and simulated.")
    return redirect("program:waves")
