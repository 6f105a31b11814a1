"""Every URL × every role, anonymous included, the admin's pages included.

The tables below say who may open each page; the tests walk the URLconf, the API's schema and
the admin's registry, so a new page, endpoint or admin model without a row here fails the first
test until somebody decides who may see it. "Allowed" means the page answers (2xx, a redirect that
is not to a sign-in page, 400/405/410 for a method or input it refuses); "denied" means 403, or 404
where the page hides that the object exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from peerwheel.api import api
from peerwheel.core.models import Import
from peerwheel.hub.services import answer_post, post_publish
from peerwheel.org.models import Person
from peerwheel.program import services as program_services
from peerwheel.program import sessions as sessions_services
from peerwheel.program.models import Gate
from peerwheel.simulate.models import SimulationRun
from peerwheel.study.services import wave_close, wave_create, wave_open

ROLES = ("anonymous", "charlie", "alice", "bob", "carol", "dan", "erin")
HUB = frozenset({"alice", "bob", "carol", "dan", "erin"})  # everyone with a role uses the hub
SIGNED_IN = frozenset({"charlie", *HUB})
AGGREGATES = frozenset({"carol", "dan", "erin"})
SIMULATIONS = frozenset({"carol", "dan", "erin"})
STUDY = frozenset({"dan", "erin"})
STUDY_READERS = frozenset({"carol", "dan", "erin"})  # leads read closed waves' reports
IMPORTS = frozenset({"erin"})
MODERATORS = frozenset({"erin"})
PROGRAM_LEADS = frozenset({"carol", "erin"})  # Manage program: the catalogue's queue, policy
SHOW_AND_TELL = frozenset({"bob", "carol", "erin"})  # Run show-and-tell: champions and leads
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    """Who may GET a page: `allowed` answer, the other signed-in roles get 403 (or 404)."""

    allowed: frozenset[str]
    method: str = "GET"  # POST-only pages are tried with an empty POST
    public: bool = False  # served to anonymous visitors too (the sign-in page)


def Post(allowed: frozenset[str], *, public: bool = False) -> Page:  # noqa: N802 - reads as a row
    return Page(allowed, method="POST", public=public)


# Route name → who may open it. Object pages name the object's owner where that matters.
PAGES: dict[str, Page] = {
    "home": Page(SIGNED_IN),
    "login": Page(frozenset(ROLES), public=True),
    "logout": Post(frozenset(ROLES), public=True),
    "section": Page(NOBODY),  # no section is a placeholder now: every key is a 404
    "program:home": Page(HUB),
    "program:stage": Page(AGGREGATES),
    "program:stage_move": Post(PROGRAM_LEADS),
    "program:gate_add": Post(PROGRAM_LEADS),
    "program:gate_edit": Post(PROGRAM_LEADS),
    "program:scope": Page(PROGRAM_LEADS),
    "program:scope_end": Post(PROGRAM_LEADS),
    "program:champions": Page(PROGRAM_LEADS),
    "program:champion_invite": Post(PROGRAM_LEADS),
    "program:champion_respond": Post(frozenset({"alice"})),  # the person invited only
    "program:champion_step_down": Post(frozenset({"alice"}) | PROGRAM_LEADS),  # self or a lead
    "program:buddies": Page(PROGRAM_LEADS),
    "program:buddy_opt": Post(HUB),
    "program:buddy_pair": Post(PROGRAM_LEADS),
    "program:waves": Page(PROGRAM_LEADS),
    "program:wave_plan": Post(PROGRAM_LEADS),
    "program:sessions": Page(HUB),
    "program:session": Page(HUB),
    "program:session_ics": Page(HUB),
    "program:session_create": Post(SHOW_AND_TELL),
    "program:presenter_signup": Post(HUB),
    "program:presenter_withdraw": Post(HUB),
    "program:rsvp": Post(HUB),
    "program:agenda_add": Post(SHOW_AND_TELL),
    "program:attendance": Post(SHOW_AND_TELL),
    "program:calendar_token": Post(HUB),
    "program:calendar_revoke": Post(HUB),
    # The personal calendar feed: its token is the key, no sign-in; a bad one is a 404 for all.
    "program:feed": Page(frozenset(ROLES), public=True),
    "program:cohorts": Page(HUB),
    "program:cohort": Page(HUB),
    "program:cohort_create": Post(PROGRAM_LEADS),
    "program:cohort_join": Post(HUB),
    "program:cohort_leave": Post(HUB),
    "program:cohort_members": Post(PROGRAM_LEADS),
    "catalog:home": Page(HUB),
    "catalog:ask": Post(HUB),
    "catalog:mine": Page(HUB),
    "catalog:queue": Page(PROGRAM_LEADS),
    "catalog:resolve": Post(PROGRAM_LEADS),
    "catalog:policy": Page(PROGRAM_LEADS),
    "catalog:tool_save": Post(PROGRAM_LEADS),
    "catalog:rule_save": Post(PROGRAM_LEADS),
    "catalog:rule_delete": Post(PROGRAM_LEADS),
    "digest:me": Page(HUB),  # the signed-in person's own digest (no person parameter)
    # Signed links from an email: no sign-in; a bad token is a 400 for everyone.
    "digest:unsubscribe": Page(frozenset(ROLES), public=True),
    "hub:feed": Page(HUB),
    "hub:new": Page(HUB),
    "hub:check": Post(HUB),
    "hub:redact": Post(HUB),
    "hub:post": Page(HUB),
    "hub:edit": Page(frozenset({"alice"})),  # the author only
    "hub:delete": Post(frozenset({"alice", "erin"})),  # the author and moderators
    "hub:trial": Post(HUB),
    "hub:answer": Post(HUB),
    "hub:react": Post(HUB),
    "hub:reveal": Post(MODERATORS),
    "hub:stage": Post(frozenset({"alice", "bob", "carol", "erin"})),  # asker, champions, leads
    "hub:duplicate": Post(frozenset({"bob", "carol", "erin"})),  # champions, leads, admins
    "hub:similar": Page(HUB),  # similar questions while typing
    "hub:person": Page(HUB),  # a person's hub profile (named posts only, never usage)
    "hub:accept": Post(frozenset({"alice"})),  # the asker only
    "hub:library": Page(HUB),
    "hub:questions": Page(frozenset({"bob", "carol", "erin"})),  # who answers questions
    "hub:search": Page(HUB),
    "hub:mine": Page(HUB),
    "insights:flywheel": Page(AGGREGATES),
    "insights:momentum": Page(AGGREGATES),
    "notifications:page": Page(HUB),  # the signed-in person's own (no person parameter)
    "notifications:bell": Page(HUB),
    "notifications:read": Post(HUB),  # marks only the signed-in person's own
    "notifications:preference": Post(HUB),
    "notifications:follow": Post(HUB),
    "simulate:home": Page(SIMULATIONS),
    "simulate:run": Page(SIMULATIONS),
    "simulate:run_progress": Page(SIMULATIONS),
    "study:home": Page(STUDY_READERS),
    "study:survey": Page(HUB),
    "study:wave_create": Post(STUDY),
    "study:report": Page(STUDY),  # a draft wave: a lead reads closed ones only (below)
    "study:wave_action": Post(STUDY),
    "study:upload": Page(STUDY),
    "study:instrument": Page(STUDY),
    "usage:me": Page(SIGNED_IN),
    "usage:person": Page(frozenset({"alice"})),  # a person's usage: that person only
    "usage:overview": Page(AGGREGATES),
    "usage:imports": Page(IMPORTS),
    "usage:import_detail": Page(IMPORTS),
    "usage:import_progress": Page(IMPORTS),
}

# The show-and-tell and cohort pages that take the object's id.
SESSION_PAGES = (
    "session",
    "session_ics",
    "presenter_signup",
    "presenter_withdraw",
    "rsvp",
    "agenda_add",
    "attendance",
)
COHORT_PAGES = ("cohort", "cohort_join", "cohort_leave", "cohort_members")

# Route names outside the product's own pages, checked by their own tests below.
SEPARATELY_CHECKED_PREFIXES = ("admin:", "api:")


def _route_names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _route_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


@pytest.fixture(autouse=True)
def _clean_cache(settings: Any) -> Iterator[None]:
    cache.clear()  # rate limits and lockouts count per test
    # Each role sends every write page once, more than a minute's write budget: the limit has
    # its own tests (tests/core/test_ratelimit.py), here a 429 would hide the permission's answer.
    settings.PEERWHEEL_API_RATE_LIMIT = 1000
    yield
    cache.clear()


@pytest.fixture
def objects(cast: dict[str, User], org: dict[str, Person]) -> dict[str, Any]:
    """One of each protected object, made through the services; alice owns the personal ones."""
    question = post_publish(author=org["alice"], kind="question", title="How?", body="Tell me.")
    anonymous = post_publish(
        author=org["alice"], kind="fail", title="It broke", body="Badly.", anonymous=True
    )
    doomed = post_publish(author=org["alice"], kind="tip", title="Old tip", body="Gone soon.")
    answer = answer_post(post=question, author=org["bob"], body="Like this.")
    run = SimulationRun.objects.create(title="A run", created_by=cast["carol"], parameters={})
    wave = wave_create(name="Spring", actor=cast["dan"])
    record = Import.objects.create(kind="people", file_name="hr.csv", by=cast["erin"])
    program_services.gates_ensure_defaults()
    invitation = program_services.champion_invite(person_id=org["alice"].pk, actor=cast["carol"])
    scope_entry = program_services.scope_entry_add(
        unit="department", name="Sales", stage="walk", since=date(2026, 1, 5), actor=cast["carol"]
    )
    now = timezone.now()
    show = sessions_services.session_create(actor=cast["bob"], starts_at=now + timedelta(days=2))
    cohort = sessions_services.cohort_create(
        actor=cast["carol"],
        kind="cohort",
        name="Prompting basics",
        theme="Drafting",
        tag="basics",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(weeks=3),
    )
    return {
        "post_id": question.pk,
        "anonymous_id": anonymous.pk,
        "doomed_id": doomed.pk,
        "answer_id": answer.pk,
        "pk": run.pk,
        "wave_id": wave.pk,
        "import_pk": record.pk,
        "person_id": org["alice"].pk,
        "champion_id": invitation.pk,
        "gate_id": Gate.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "entry_id": scope_entry.pk,
        "session_id": show.pk,
        "cohort_id": cohort.pk,
    }


def _url(name: str, objects: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {
        "hub:post": {"post_id": objects["post_id"]},
        "hub:edit": {"post_id": objects["post_id"]},
        "hub:delete": {"post_id": objects["doomed_id"]},
        "hub:trial": {"post_id": objects["post_id"]},
        "hub:answer": {"post_id": objects["post_id"]},
        "hub:react": {"post_id": objects["post_id"]},
        "hub:reveal": {"post_id": objects["anonymous_id"]},
        "hub:stage": {"post_id": objects["post_id"]},
        "hub:duplicate": {"post_id": objects["post_id"]},
        "hub:person": {"person_id": objects["person_id"]},
        "hub:accept": {"answer_id": objects["answer_id"]},
        "simulate:run": {"pk": objects["pk"]},
        "simulate:run_progress": {"pk": objects["pk"]},
        "study:report": {"wave_id": objects["wave_id"]},
        "study:wave_action": {"wave_id": objects["wave_id"], "action": "open"},
        "usage:import_detail": {"pk": objects["import_pk"]},
        "usage:import_progress": {"pk": objects["import_pk"]},
        "usage:person": {"person_id": objects["person_id"]},
        "section": {"key": "program"},
        "program:gate_edit": {"gate_id": objects["gate_id"]},
        "program:scope_end": {"entry_id": objects["entry_id"]},
        **{f"program:{name}": {"session_id": objects["session_id"]} for name in SESSION_PAGES},
        **{f"program:{name}": {"cohort_id": objects["cohort_id"]} for name in COHORT_PAGES},
        "program:champion_respond": {"champion_id": objects["champion_id"]},
        "program:champion_step_down": {"champion_id": objects["champion_id"]},
        "digest:unsubscribe": {"token": "not-a-signed-token"},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def _client(role: str, cast: dict[str, User]) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def _is_sign_in_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


def test_every_route_has_a_row_in_the_matrix() -> None:
    names = {
        name
        for name in _route_names(get_resolver())
        if not name.startswith(SEPARATELY_CHECKED_PREFIXES)
    }
    assert names - PAGES.keys() == set(), "pages without a row: decide who may open them"
    assert PAGES.keys() - names == set(), "rows for pages that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_it_may(
    role: str, cast: dict[str, User], objects: dict[str, Any]
) -> None:
    client = _client(role, cast)
    wrong: list[str] = []
    for name, page in PAGES.items():
        url = _url(name, objects)
        # The sign-in pages each get a client of their own (logout signs out).
        asking = _client(role, cast) if page.public else client
        if page.method == "GET":
            response = asking.get(url)
        else:  # as the page sends it: htmx, which gets the write's own status back
            response = asking.post(url, headers={"HX-Request": "true"})
        status = response.status_code
        if status >= 500:
            wrong.append(f"{url}: {status}")
        elif role == "anonymous" and not page.public:
            if not _is_sign_in_redirect(response):
                wrong.append(f"{url}: anonymous got {status}, not the sign-in page")
        elif page.public:
            continue
        elif role in page.allowed:
            if status in (401, 403, 404) or _is_sign_in_redirect(response):
                wrong.append(f"{url}: {role} may open it but got {status}")
        elif status not in (403, 404):
            wrong.append(f"{url}: {role} may not open it but got {status}")
    assert wrong == []


def test_a_waves_report_opens_to_leads_once_the_wave_has_closed(
    cast: dict[str, User], objects: dict[str, Any]
) -> None:
    """Leads read a closed wave's report; a draft's or an open wave's stays with the study
    team, and leads never act on a wave."""
    wave_id = objects["wave_id"]
    url = reverse("study:report", kwargs={"wave_id": wave_id})
    wave = wave_create(name="Autumn", actor=cast["dan"])  # a second wave, to be opened

    def statuses(path: str) -> dict[str, int]:
        return {role: _client(role, cast).get(path).status_code for role in ROLES[1:]}

    readers_only = {"charlie": 403, "alice": 403, "bob": 403, "carol": 403, "dan": 200, "erin": 200}
    assert statuses(url) == readers_only  # a draft
    from peerwheel.study.models import SurveyWave

    draft = SurveyWave.objects.get(pk=wave_id)
    wave_open(wave=draft, actor=cast["dan"])
    assert statuses(url) == readers_only  # open: only its count, for the study team
    wave_close(wave=draft, actor=cast["dan"])
    assert statuses(url) == {**readers_only, "carol": 200}  # closed: leads read it too
    close = reverse("study:wave_action", kwargs={"wave_id": wave.pk, "action": "open"})
    assert _client("carol", cast).post(close).status_code == 403  # reading, not running
    home = _client("carol", cast).get(reverse("study:home")).content.decode()
    assert "Spring" in home and "Autumn" not in home  # closed waves only
    assert "Create the wave" not in home and "Import and analyse" not in home


def test_placeholder_sections_check_their_own_capability(
    cast: dict[str, User], objects: dict[str, Any]
) -> None:
    from peerwheel.accounts.permissions import has_capability
    from peerwheel.web.navigation import SECTIONS

    placeholders = [s for s in SECTIONS if s.url_name is None]
    for role in ROLES[1:]:
        client = _client(role, cast)
        for section in placeholders:
            status = client.get(reverse("section", kwargs={"key": section.key})).status_code
            may = section.capability is None or has_capability(cast[role], section.capability)
            assert status == (200 if may else 403), (role, section.key, status)


# --- The API: every path and method in the schema ----------------------------------------------

API_NEEDS_ROLE = HUB  # every endpoint needs a role that uses the hub (or is /me)
#: endpoints whose answer is not JSON (their refusals still are)
NOT_JSON = {("GET", "/api/program/sessions.ics"): "text/calendar"}


def _api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    ]


# A valid body for every write, so that a refusal is the permission's, not the validator's.
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/posts"): {"kind": "tip", "title": "A tip", "body": "Use it daily."},
    ("PATCH", "/api/posts/{post_id}"): {"title": "How, exactly?"},
    ("POST", "/api/posts/{post_id}/trials"): {"outcome": "worked", "minutes_saved": 5},
    ("POST", "/api/posts/{post_id}/answers"): {"body": "Try the summary prompt."},
    ("POST", "/api/posts/{post_id}/reactions"): {"emoji": "👍"},
    ("POST", "/api/posts/{post_id}/stage"): {"stage": 3},
    ("POST", "/api/answers/{answer_id}/accept"): {},
    ("POST", "/api/guardrails/check"): {"title": "Draft", "body": "Nothing secret here."},
    ("DELETE", "/api/posts/{post_id}"): {},
    ("POST", "/api/catalog/ask"): {"tool": "Copilot", "use": "drafting", "data_class": "internal"},
    ("POST", "/api/notifications/read"): {"all": True},
}


def _api_path(path: str, objects: dict[str, Any]) -> str:
    return path.replace("{post_id}", str(objects["post_id"])).replace(
        "{answer_id}", str(objects["answer_id"])
    )


def test_the_api_schema_is_covered() -> None:
    operations = _api_operations()
    assert operations, "the API lists no operations"
    writes = {(m, p) for m, p in operations if m != "GET"}
    assert writes - API_BODIES.keys() == set(), "writes without a body row: add a valid body"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_api_it_may(
    role: str, cast: dict[str, User], objects: dict[str, Any]
) -> None:
    client = _client(role, cast)
    wrong: list[str] = []
    for method, path in _api_operations():
        url = _api_path(path, objects)
        body = json.dumps(API_BODIES.get((method, path), {}))
        response = client.generic(method, url, data=body, content_type="application/json")
        status = response.status_code
        kind = (
            NOT_JSON.get((method, path), "application/json")
            if status == 200
            else "application/json"
        )
        if status >= 500 or not response.get("Content-Type", "").startswith(kind):
            wrong.append(f"{method} {url}: {status} {response.get('Content-Type')}")
        elif role == "anonymous":
            if status != 401:
                wrong.append(f"{method} {url}: anonymous got {status}, not 401")
        elif path == "/api/me":
            if status != 200:
                wrong.append(f"{method} {url}: {role} got {status}")
        elif role in API_NEEDS_ROLE:
            if status in (401, 403) and not _object_rule(method, path, role):
                wrong.append(f"{method} {url}: {role} may use it but got {status}")
        elif status not in (403, 404):
            wrong.append(f"{method} {url}: {role} may not use it but got {status}")
    assert wrong == []


def _object_rule(method: str, path: str, role: str) -> bool:
    """Writes that belong to one person (editing, accepting, deleting) refuse the others."""
    owner_only = {
        ("PATCH", "/api/posts/{post_id}"): {"alice"},
        ("DELETE", "/api/posts/{post_id}"): {"alice", "erin"},
        ("POST", "/api/answers/{answer_id}/accept"): {"alice"},
        ("POST", "/api/posts/{post_id}/stage"): {"alice", "bob", "carol", "erin"},
        ("GET", "/api/catalog/requests"): PROGRAM_LEADS,  # the catalogue's review queue
        ("GET", "/api/program/status"): AGGREGATES,  # the rollout's gates: aggregates
    }
    owners = owner_only.get((method, path))
    return owners is not None and role not in owners


# --- The admin: every registered model's pages ------------------------------------------------


def _admin_urls(objects_for: Callable[[type], Any]) -> list[str]:
    urls = []
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        urls += [reverse(f"{base}_changelist"), reverse(f"{base}_add")]
        instance = objects_for(model)
        if instance is not None:
            for view in ("change", "delete", "history"):
                urls.append(reverse(f"{base}_{view}", args=[instance.pk]))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_opens_the_admin_and_nothing_fails(
    role: str, cast: dict[str, User], objects: dict[str, Any]
) -> None:
    client = _client(role, cast)
    wrong: list[str] = []
    for url in _admin_urls(lambda model: model._default_manager.order_by("pk").first()):
        status = client.get(url).status_code
        if status >= 500:
            wrong.append(f"{url}: {status}")
        elif role == "erin":
            if status not in (200, 302, 403):
                wrong.append(f"{url}: the admin got {status}")
        elif status == 200:
            wrong.append(f"{url}: {role} opened an admin page")
    assert wrong == []
