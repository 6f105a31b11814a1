"""The Program pages: the home every role sees (the stage, their own invitation, impact and
buddies), the Stage page (gates, halts, the move, the history) and the Scope page.
The champions, buddies and waves pages are in views_network.py."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from peerwheel.accounts.permissions import capability_required, has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.imports import ImportFailed
from peerwheel.core.ratelimit import rate_limited
from peerwheel.hub import program_reads
from peerwheel.org.selectors import person_for_user
from peerwheel.program import buddies, champions, selectors, services
from peerwheel.program.evidence import at_midnight
from peerwheel.program.forms import (
    GateAddForm,
    GateEditForm,
    ScopeAddForm,
    ScopeUploadForm,
    StageMoveForm,
    first_error,
)
from peerwheel.program.gates import STAGE_SCOPE, stage_label
from peerwheel.program.models import STAGE_ORDER, Gate, ScopeEntry
from peerwheel.program.scope_import import rollout_scope_import

LOAD_WEEKS = champions.LOAD_WEEKS


def _tabs(request: HttpRequest, current: str) -> dict[str, Any]:
    """The Program section's tabs this viewer may open, and which one is shown."""
    user = request.user
    tabs = [("home", "Overview", "program:home")]
    tabs += [  # every role: the program-sessions part (views_sessions.py)
        ("sessions", "Show-and-tell", "program:sessions"),
        ("cohorts", "Cohorts and promptathons", "program:cohorts"),
    ]
    if has_capability(user, Capability.VIEW_AGGREGATES):
        tabs.append(("stage", "Stage and gates", "program:stage"))
    if has_capability(user, Capability.MANAGE_PROGRAM):
        tabs += [
            ("scope", "Scope", "program:scope"),
            ("champions", "Champions", "program:champions"),
            ("buddies", "Buddies", "program:buddies"),
            ("waves", "Wave planner", "program:waves"),
        ]
    return {"tabs": tabs, "current_tab": current}


@capability_required(Capability.USE_HUB)
def home(request: HttpRequest) -> HttpResponse:
    """Every role: the stage; their own champion invitation or impact; buddies."""
    stage, since = selectors.current_stage()
    person = person_for_user(request.user)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "stage": stage,
        "stage_label": stage_label(stage),
        "stage_scope": STAGE_SCOPE[stage],
        "stage_since": since,
        "person": person,
        "lead": has_capability(request.user, Capability.MANAGE_PROGRAM),
        **_tabs(request, "home"),
    }
    if person is not None:
        champion = selectors.champion_for_person(person.pk)
        context["champion"] = champion
        if champion is not None and champion.status == champion.Status.ACTIVE:
            context["impact"] = champions.impact(
                person_id=person.pk, until=today + timedelta(days=1)
            )
            waiting = program_reads.unanswered_questions(
                since=at_midnight(today) - timedelta(weeks=LOAD_WEEKS),
                until=at_midnight(today + timedelta(days=1)),
            )
            context["waiting"] = waiting.get(person.department_id, 0)
            context["load_weeks"] = LOAD_WEEKS
        as_buddy, as_newcomer = buddies.pairs_for_person(person.pk)
        context |= {
            "volunteer": buddies.is_volunteer(person.pk),
            "as_buddy": as_buddy,
            "as_newcomer": as_newcomer,
            "max_per_buddy": buddies.MAX_PER_BUDDY,
        }
    return render(request, "program/home.html", context)


@capability_required(Capability.VIEW_AGGREGATES)
def stage(request: HttpRequest) -> HttpResponse:
    """The gates to the next stage with their evidence, halts, the move and the history."""
    status = services.program_status_refresh()
    here = status.stage
    lead = has_capability(request.user, Capability.MANAGE_PROGRAM)
    moves = [
        s
        for s in STAGE_ORDER
        if s != here and (s == status.next_stage or STAGE_ORDER.index(s) < STAGE_ORDER.index(here))
    ]
    context = {
        "status": status,
        "stage_label": stage_label(here),
        "stage_scope": STAGE_SCOPE[here],
        "next_label": stage_label(status.next_stage) if status.next_stage else None,
        "scope": status.scope_counts(),
        "lead": lead,
        "moves": [(s, stage_label(s)) for s in moves],
        "gates_all": selectors.gates_for(here) if lead else [],
        "add_form": GateAddForm(initial={"stage": here}),
        "move_form": StageMoveForm(initial={"to_stage": status.next_stage or here}),
        **_tabs(request, "stage"),
    }
    return render(request, "program/stage.html", context)


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def stage_move(request: HttpRequest) -> HttpResponse:
    form = StageMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not moved: {first_error(form)}.")
        return redirect("program:stage")
    try:
        move = services.stage_move(
            to_stage=form.cleaned_data["to_stage"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except services.ProgramError as exc:
        messages.error(request, f"Not moved: {exc.message}.")
    else:
        messages.success(
            request,
            f"The organisation is in {stage_label(move.to_stage)} now (in the history below).",
        )
    return redirect("program:stage")


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def gate_edit(request: HttpRequest, gate_id: int) -> HttpResponse:
    gate = get_object_or_404(Gate, pk=gate_id)
    form = GateEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Gate not changed: {first_error(form)}.")
        return redirect("program:stage")
    try:
        services.gate_update(
            gate=gate,
            actor=request.user,
            label=form.cleaned_data["label"],
            target=form.cleaned_data["target"],
            active=form.cleaned_data["active"],
        )
    except services.ProgramError as exc:
        messages.error(request, f"Gate not changed: {exc.message}.")
    else:
        messages.success(request, f"Gate “{gate.label}” saved.")
    return redirect("program:stage")


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def gate_add(request: HttpRequest) -> HttpResponse:
    form = GateAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"No gate added: {first_error(form)}.")
        return redirect("program:stage")
    try:
        gate = services.gate_add(actor=request.user, **form.cleaned_data)
    except services.ProgramError as exc:
        messages.error(request, f"No gate added: {exc.message}.")
    else:
        messages.success(request, f"Gate “{gate.label}” added to {stage_label(gate.stage)}.")
    return redirect("program:stage")


@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def scope(request: HttpRequest) -> HttpResponse:
    """The scope: its entries, one unit added by hand, or a whole scope file imported."""
    add_form = ScopeAddForm(
        initial={"since": timezone.localdate(), "stage": selectors.current_stage()[0]}
    )
    upload_form = ScopeUploadForm()
    report = None
    problems: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and "file" in request.FILES:
        upload_form = ScopeUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            report, problems = _import_upload(request, upload_form)
            status = 422 if problems else 200
    elif request.method == "POST":
        add_form = ScopeAddForm(request.POST)
        if not add_form.is_valid():
            messages.error(request, f"Not added: {first_error(add_form)}.")
            status = 422
        else:
            try:
                services.scope_entry_add(actor=request.user, **add_form.cleaned_data)
            except services.ProgramError as exc:
                messages.error(request, f"Not added: {exc.message}.")
                status = 422
            else:
                messages.success(request, f"{add_form.cleaned_data['name']} is in the scope.")
                return redirect("program:scope")
    context = {
        "entries": selectors.scope_entries(),
        "site_stages": selectors.site_stages(),
        "everyone": selectors.scope_person_ids() is None,
        "add_form": add_form,
        "upload_form": upload_form,
        "report": report,
        "problems": problems,
        **_tabs(request, "scope"),
    }
    return render(request, "program/scope.html", context, status=status)


def _import_upload(
    request: HttpRequest, form: ScopeUploadForm
) -> tuple[str | None, list[dict[str, Any]]]:
    """Run the rollout-scope importer on an upload: (its summary, its problems)."""
    upload = form.cleaned_data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scope.csv"
        with path.open("wb") as out:
            for part in upload.chunks():
                out.write(part)
        try:
            report = rollout_scope_import(
                path,
                file_name=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
        except ImportFailed as exc:
            return exc.report.summary(), [e.as_dict() for e in exc.report.errors]
    return report.summary(), []


@require_POST
@capability_required(Capability.MANAGE_PROGRAM)
@rate_limited()
def scope_end(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(ScopeEntry, pk=entry_id, until__isnull=True)
    services.scope_entry_end(entry=entry, actor=request.user)
    messages.success(request, "Taken out of the scope from today.")
    return redirect("program:scope")
