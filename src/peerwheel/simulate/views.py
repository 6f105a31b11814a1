"""The Simulate page: pick a scenario, run it in the background, compare the curves."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from peerwheel.accounts.permissions import capability_required
from peerwheel.accounts.roles import Capability
from peerwheel.core.charts import figure_html
from peerwheel.core.ratelimit import rate_limited
from peerwheel.engine.scenarios import PRESETS
from peerwheel.simulate import selectors
from peerwheel.simulate.calibration import peer_targets
from peerwheel.simulate.charts import Curve, adoption_figure
from peerwheel.simulate.forms import ScenarioForm
from peerwheel.simulate.jobs import simulation_run_in_background
from peerwheel.simulate.models import SimulationRun
from peerwheel.simulate.services import SimulationInputError, simulation_run_create

LEVERS = ("friction", "safety", "mandate_week", "show_and_tell", "failure_week")


@capability_required(Capability.RUN_SIMULATIONS)
@rate_limited()
def home(request: HttpRequest) -> HttpResponse:
    """The form and the past runs; a POST starts a run and shows its progress."""
    form = ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = simulation_run_create(
                actor=request.user,  # type: ignore[arg-type]
                arms=form.arms(),
                runs=form.cleaned_data["runs"],
                weeks=form.cleaned_data["weeks"],
                seed=form.cleaned_data["seed"],
            )
        except SimulationInputError as exc:
            form.add_error(None, str(exc))
        else:
            simulation_run_in_background(run)
            if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx
                return render(request, "simulate/partials/progress.html", _context(run))
            return redirect(reverse("simulate:run", args=[run.pk]))
    if request.htmx and form.errors:  # type: ignore[attr-defined]
        # The form posts with htmx into the result area: say what to change there. 422, which
        # htmx swaps in (base.html's responseHandling); a plain POST gets the page with 400.
        return render(
            request, "simulate/partials/form_errors.html", {"errors": _errors(form)}, status=422
        )
    return render(
        request,
        "simulate/home.html",
        {
            "form": form,
            "levers": [form[n] for n in LEVERS],
            "sizes": [form[n] for n in ("k", "runs", "weeks", "seed")],
            "presets": PRESETS,
            "history": selectors.run_history(),
            "peer_targets": peer_targets(),
        },
        status=400 if form.errors else 200,
    )


@capability_required(Capability.RUN_SIMULATIONS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_viewer(pk, request.user)
    return render(request, "simulate/run.html", _context(run))


@capability_required(Capability.RUN_SIMULATIONS)
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The partial the page polls every 500 ms; once finished it shows the result, refreshes
    Past runs (an out-of-band swap) and stops."""
    run = selectors.run_for_viewer(pk, request.user)
    context = _context(run)
    if not run.is_active:  # finished: the Past runs list on the page is refreshed alongside
        context |= {"refresh_history": True, "history": selectors.run_history()}
    return render(request, "simulate/partials/progress.html", context)


def _errors(form: ScenarioForm) -> list[str]:
    """Every error on the form, each led by the label of its field."""
    out = []
    for name, errors in form.errors.items():
        label = "" if name == "__all__" else f"{form[name].label}: "
        out += [f"{label}{error}" for error in errors]
    return out


#: Every arm's final share at or above this: the final share cannot tell them apart.
SATURATED = 0.95


def _context(run: SimulationRun) -> dict[str, Any]:
    context: dict[str, Any] = {"run": run, "chart": "", "arms": []}
    if run.status == SimulationRun.Status.DONE and run.result:
        arms = run.result.get("arms", [])
        curves = [
            Curve(
                name=arm["name"],
                mean=arm["mean_fraction"],
                low=arm["band_low"],
                high=arm["band_high"],
                heavy=arm.get("heavy"),
            )
            for arm in arms
        ]
        context["chart"] = figure_html(adoption_figure(curves), div_id=f"simulation-{run.pk}")
        context["arms"] = arms
        context["saturated"] = bool(arms) and all(a["final_mean"] >= SATURATED for a in arms)
        reached = [a for a in arms if a["weeks_to_half"] is not None]
        if reached:
            context["fastest"] = min(reached, key=lambda a: a["weeks_to_half"])
    return context
