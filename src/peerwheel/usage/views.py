"""Pages: Imports (upload with a live progress bar, history, errors), My usage (the person's own,
nobody else's), and the Usage overview (aggregates, small groups suppressed)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from peerwheel.accounts.permissions import capability_required, has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.charts import figure_html
from peerwheel.core.imports import IMPORT_KINDS, page_kinds
from peerwheel.core.models import Import
from peerwheel.core.ratelimit import rate_limited
from peerwheel.engine.segments import UsageSegment
from peerwheel.usage import selectors
from peerwheel.usage.charts import latest_mix_chart, segment_share_chart, weekly_usage_chart
from peerwheel.usage.jobs import import_in_background

#: The page's choices and the history's kinds, from the one table (`core.imports.IMPORT_KINDS`).
PAGE_KINDS = page_kinds()
HISTORY_KINDS = frozenset(PAGE_KINDS) | {"people"}
HISTORY_SIZE = 30


def _kind_choices() -> list[tuple[str, str]]:
    return list(PAGE_KINDS.items())


def _needs_channels(kind: str) -> bool:
    return kind in IMPORT_KINDS and IMPORT_KINDS[kind].channels


#: The page's kinds that may create people for ids that match no one (`--create-people`).
CREATE_PEOPLE_KINDS = tuple(
    k for k in PAGE_KINDS if k in IMPORT_KINDS and IMPORT_KINDS[k].create_people
)


def _refuses_create_people(kind: str) -> bool:
    """Asked for a kind that creates no people ("auto" is decided once the file is read)."""
    return kind in IMPORT_KINDS and not IMPORT_KINDS[kind].create_people


@capability_required(Capability.IMPORT_DATA)
@rate_limited()
def imports(request: HttpRequest) -> HttpResponse:
    """The upload form and the history; a POST starts an import and shows its progress."""
    error = ""
    if request.method == "POST":
        kind = request.POST.get("kind", "auto")
        upload = request.FILES.get("file")
        channels = tuple(
            c.strip().lstrip("#") for c in request.POST.get("channels", "").split(",") if c.strip()
        )
        create_people = bool(request.POST.get("create_people"))
        if kind not in PAGE_KINDS:
            error = "Choose what kind of file this is."
        elif upload is None:
            error = "Choose a file to upload."
        elif upload.size and upload.size > settings.PEERWHEEL_IMPORT_MAX_BYTES:
            error = f"The file is larger than {settings.PEERWHEEL_IMPORT_MAX_BYTES:,} bytes."
        elif _needs_channels(kind) and not channels:
            error = "Name the Slack channels to import, e.g. ai-tips, ai-questions."
        elif create_people and _refuses_create_people(kind):
            error = (
                f"{PAGE_KINDS[kind]} creates no people: only usage read per person does "
                f'({", ".join(CREATE_PEOPLE_KINDS)}). Untick "Create people".'
            )
        else:
            record = import_in_background(
                kind=kind,
                upload=upload,
                actor=request.user,  # type: ignore[arg-type]
                channels=channels,
                dry_run=bool(request.POST.get("dry_run")),
                create_people=create_people,
            )
            context = {"record": record, "progress": _progress(record)}
            if request.htmx:  # type: ignore[attr-defined]  # set by django-htmx
                return render(request, "usage/partials/import_progress.html", context)
            return redirect(reverse("usage:import_detail", args=[record.pk]))
    history = Import.objects.filter(kind__in=HISTORY_KINDS).select_related("by")[:HISTORY_SIZE]
    return render(
        request,
        "usage/imports.html",
        {
            "kinds": _kind_choices(),
            "create_people_kinds": CREATE_PEOPLE_KINDS,
            "history": history,
            "error": error,
        },
        status=400 if error else 200,
    )


def _progress(record: Import) -> dict[str, Any]:
    progress = (record.summary or {}).get("progress", {})
    done, total = int(progress.get("done", 0)), int(progress.get("total", 0))
    finished = record.status != Import.Status.RUNNING
    percent = 100 if finished else (round(100 * done / total) if total else 0)
    return {
        "phase": "done" if finished else progress.get("phase", "queued"),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": finished,
    }


@capability_required(Capability.IMPORT_DATA)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the page polls every 500 ms; once finished it stops asking."""
    record = selectors.import_for_viewer(pk, request.user)
    return render(
        request,
        "usage/partials/import_progress.html",
        {"record": record, "progress": _progress(record)},
    )


@capability_required(Capability.IMPORT_DATA)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.import_for_viewer(pk, request.user)
    return render(
        request, "usage/import_detail.html", {"record": record, "progress": _progress(record)}
    )


@login_required
def my_usage(request: HttpRequest) -> HttpResponse:
    """Your own usage. A login with no person linked is told so."""
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "usage/my_usage.html", {"usage": None})
    return person_usage(request, person.pk)


@login_required
def person_usage(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's usage page: its owner only (everyone else, admins included, gets 404)."""
    usage = selectors.person_usage_for_viewer(person_id, request.user)
    chart = ""
    if not usage.weekly.empty:
        chart = figure_html(weekly_usage_chart(usage.weekly), div_id="my-usage-chart")
    return render(
        request,
        "usage/my_usage.html",
        {
            "usage": usage,
            "chart": chart,
            "segments": list(UsageSegment),
            "total_actions": int(usage.weekly["actions"].sum()) if not usage.weekly.empty else 0,
        },
    )


@capability_required(Capability.VIEW_AGGREGATES)
def overview(request: HttpRequest) -> HttpResponse:
    """Segment shares over time by department or site, small groups suppressed."""
    by = request.GET.get("by", "department")
    if by not in ("department", "site"):
        by = "department"
    table = selectors.overview(by=by)
    context: dict[str, Any] = {
        "by": by,
        "min_group": settings.PEERWHEEL_MIN_GROUP,
        "segments": list(UsageSegment),
        "empty": table.empty,
        "can_import": has_capability(request.user, Capability.IMPORT_DATA),
    }
    if not table.empty:
        latest_week = table["week"].max()
        latest = table[table["week"] == latest_week]
        context.update(
            {
                "trend_chart": figure_html(
                    segment_share_chart(table, title_group=by), div_id="segment-trend"
                ),
                "mix_chart": figure_html(latest_mix_chart(latest), div_id="segment-mix"),
                "latest_week": latest_week,
                "rows": _rows(latest),
                "hidden": int(latest["suppressed"].sum()),
            }
        )
    return render(request, "usage/overview.html", context)


def _rows(latest: Any) -> list[dict[str, Any]]:
    rows = []
    for record in latest.sort_values("group").to_dict("records"):
        rows.append(
            {
                "group": record["group"],
                "suppressed": bool(record["suppressed"]),
                "people": None if record["suppressed"] else int(record["people"]),
                "shares": [
                    None if record["suppressed"] else record[f"share_{s.value}"]
                    for s in UsageSegment
                ],
            }
        )
    return rows
