"""Study pages: the survey (everyone), the study home and report (analysts), the instrument."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from peerwheel.accounts.permissions import (
    capability_required,
    has_capability,
    require_capability,
)
from peerwheel.accounts.roles import Capability
from peerwheel.core.imports import ImportFailed
from peerwheel.core.ratelimit import rate_limited
from peerwheel.engine.study import InstrumentError, SurveyDataError
from peerwheel.org.selectors import person_for_user
from peerwheel.study import presenters, selectors, services
from peerwheel.study.analysis import INLINE_MAX_N, expected_seconds, report_is_cached
from peerwheel.study.errors import (
    BOUND_ELSEWHERE,
    AnswerError,
    AnswersBoundElsewhereError,
    StudyActionError,
    SurveyClosedError,
    describe_problem,
)
from peerwheel.study.forms import InstrumentEditForm, SurveyForm, SurveyUploadForm, WaveCreateForm
from peerwheel.study.models import SurveyWave
from peerwheel.study.snapshots import Snapshot, published_snapshot, snapshot_report

CONFIDENTIAL = (
    "Your answers are confidential: nobody, admins included, can see who answered what. "
    "Results are shown only for groups of at least {min_group} people."
)


# -- the survey, for everyone -----------------------------------------------------------------
@login_required
@rate_limited()
def survey(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.USE_HUB)
    wave = selectors.open_wave()
    person = person_for_user(request.user)
    context: dict[str, Any] = {"wave": wave, "person": person, "confidential": _confidential()}
    if wave is None or person is None:
        return render(request, "study/survey.html", context)
    instrument = services.instrument_of(wave.instrument)
    if selectors.answered_under_another_login(person=person, wave=wave, user=request.user):
        context["bound_elsewhere"] = BOUND_ELSEWHERE
        return render(request, "study/survey.html", context)
    own = selectors.own_response(person=person, wave=wave, user=request.user)
    if request.method == "POST":
        form = SurveyForm(instrument, request.POST)
        if form.is_valid():
            try:
                services.response_submit(
                    person=person, wave=wave, answers=form.answers(), **form.extras()
                )
            except (SurveyClosedError, AnswersBoundElsewhereError) as exc:
                messages.error(request, str(exc))
                return redirect("study:survey")
            except AnswerError as exc:
                for key, message in exc.fields.items():
                    form.add_error(key if key in form.fields else None, message)
            else:
                messages.success(
                    request,
                    "Thank you: your answers are saved. You can change them until the survey "
                    "closes.",
                )
                return redirect("study:survey")
    else:
        form = SurveyForm(instrument, response=own)
    context.update(
        {
            "form": form,
            "instrument": instrument,
            "answered": own is not None,
            "edit": own is not None,
        }
    )
    return render(request, "study/survey.html", context)


def _confidential() -> str:
    from django.conf import settings

    return CONFIDENTIAL.format(min_group=settings.PEERWHEEL_MIN_GROUP)


# -- the study, for analysts ------------------------------------------------------------------
@capability_required(Capability.READ_STUDY_REPORTS)
def home(request: HttpRequest) -> HttpResponse:
    """The waves and what to do with them; a lead (who reads, not runs, the study) sees the
    closed waves' reports only."""
    can_run = has_capability(request.user, Capability.RUN_STUDY)
    summaries = selectors.wave_summaries()
    if not can_run:
        return render(
            request,
            "study/home.html",
            {
                "can_run": False,
                "summaries": [s for s in summaries if selectors.wave_is_closed(s.wave)],
            },
        )
    return render(
        request,
        "study/home.html",
        {
            "can_run": True,
            "summaries": summaries,
            "create_form": WaveCreateForm(),
            "upload_form": SurveyUploadForm(),
            "instrument": services.instrument_ensure(),
        },
    )


@require_POST
@capability_required(Capability.RUN_STUDY)
@rate_limited()
def wave_create(request: HttpRequest) -> HttpResponse:
    form = WaveCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the wave a name (and a valid closing date, if any).")
        return redirect("study:home")
    wave = services.wave_create(
        name=form.cleaned_data["name"],
        closes=form.cleaned_data["closes"],
        link_usage=form.cleaned_data["link_usage"],
        actor=request.user,
    )
    messages.success(request, f"{wave.name} is ready as a draft: open it when you are ready.")
    return redirect("study:home")


@require_POST
@capability_required(Capability.RUN_STUDY)
@rate_limited()
def wave_action(request: HttpRequest, wave_id: int, action: str) -> HttpResponse:
    wave = selectors.wave_for_viewer(wave_id, request.user)
    try:
        if action == "open":
            services.wave_open(wave=wave, actor=request.user)
            messages.success(
                request, f"{wave.name} is open: everyone can answer from the Survey page."
            )
        elif action == "close":
            services.wave_close(wave=wave, actor=request.user)
            messages.success(request, f"{wave.name} is closed: answers can no longer change.")
        else:
            raise Http404("No such action")
    except StudyActionError as exc:
        messages.error(request, str(exc))
    return redirect("study:home")


@capability_required(Capability.RUN_STUDY)
@rate_limited()
def upload(request: HttpRequest) -> HttpResponse:
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            report = services.survey_import(
                uploaded,
                file_name=uploaded.name,
                wave_name=form.cleaned_data["name"] or None,
                actor=request.user,
            )
        except ImportFailed as exc:
            problems = [
                {"message": e.message, "column": e.column, "rows": e.line or ""}
                for e in exc.report.errors
            ]
        else:
            messages.success(request, report.summary())
            return redirect("study:report", wave_id=report.data["wave"])
    return render(request, "study/upload.html", {"form": form, "problems": problems})


@capability_required(Capability.READ_STUDY_REPORTS)
def report(request: HttpRequest, wave_id: int) -> HttpResponse:
    """The wave's report: from its published snapshot only (see `snapshots.py`); an open wave
    without one shows only its response count. The htmx partial follows the same rule. Leads
    read closed waves' reports (`selectors.wave_report_for_viewer`)."""
    wave = selectors.wave_report_for_viewer(wave_id, request.user)
    summary = selectors.wave_summary(wave)
    context: dict[str, Any] = {"wave": wave, "summary": summary}
    snapshot = None if summary.hidden else published_snapshot(wave)
    wave.refresh_from_db()  # a wave past its closing date was closed just now
    if snapshot is None:
        context.update({"analysis_error": [_nothing_yet(wave, summary)], "ready": True})
    else:
        context["snapshot"] = snapshot
        n = snapshot.respondents
        inline = request.htmx or report_is_cached(snapshot.key) or n <= INLINE_MAX_N  # type: ignore[attr-defined]
        if not inline:
            context["expected_seconds"] = round(expected_seconds(n))
            return render(request, "study/report.html", context)
        context.update(_report_context(snapshot))
    template = "study/_report_body.html" if request.htmx else "study/report.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _nothing_yet(wave: SurveyWave, summary: selectors.WaveSummary) -> str:
    if summary.hidden:
        return f"Fewer than {summary.min_group} responses so far: nothing can be shown yet."
    if wave.status == SurveyWave.Status.OPEN:
        return (
            "This wave is open: it shows only its response count until it closes. Results that "
            "changed with each answer would tell what one person answered."
        )
    return "This wave has no responses to analyse."


def _report_context(snapshot: Snapshot) -> dict[str, Any]:
    try:
        study, data = snapshot_report(snapshot)
    except SurveyDataError as exc:
        return {"analysis_error": [describe_problem(p) for p in exc.problems], "ready": True}
    return {"ready": True, **presenters.report_context(study, data)}


# -- the instrument ---------------------------------------------------------------------------
@capability_required(Capability.RUN_STUDY)
@rate_limited()
def instrument(request: HttpRequest) -> HttpResponse:
    version = services.instrument_ensure()
    current = services.instrument_of(version)
    can_edit = has_capability(request.user, Capability.MANAGE_PEOPLE)
    form = InstrumentEditForm(current, request.POST or None)
    if request.method == "POST":
        require_capability(request.user, Capability.MANAGE_PEOPLE)
        if form.is_valid():
            try:
                new = services.instrument_edit(
                    base=version,
                    wording=form.wording(),
                    extra_items=form.extra_items(),
                    note=form.cleaned_data.get("note", ""),
                    actor=request.user,
                )
            except InstrumentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Saved as version {new.version}: new waves will use it.")
                return redirect("study:instrument")
    return render(
        request,
        "study/instrument.html",
        {
            "version": version,
            "instrument": current,
            "form": form,
            "can_edit": can_edit,
            "versions": selectors.instrument_versions(),
        },
    )
