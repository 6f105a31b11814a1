"""The home page by role: the flywheel dashboard for leads and analysts (a panel the page loads),
a member's own week for members, nudges for their person's eyes only, small groups hidden, and
the dashboard drawn in the real browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.hub.services import post_publish, trial_record
from peerwheel.insights.services import nudges_create
from peerwheel.org.models import Person
from tests.conftest import PASSWORD, sign_in
from tests.insights.momentum_org import AS_OF, MomentumOrg, build

pytestmark = pytest.mark.django_db
PANEL = {"panel": "dashboard", "as_of": AS_OF.isoformat()}
NUDGE = "Your way of using ChatGPT could help 8 colleagues in your role"


@pytest.fixture
def mo(org: dict[str, Person], cast: dict[str, User], tmp_path: Path) -> MomentumOrg:
    built = build(org, cast, tmp_path)
    user_create(
        username="eng3",
        role=Role.MEMBER,
        email="eng3@example.com",
        password=PASSWORD,
        person_employee_id="ENG3",
    )
    nudges_create(as_of=AS_OF)  # created now: shown to its person for four weeks
    return built


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_lead_gets_the_dashboard_panel_and_the_organisation_at_a_glance(
    mo: MomentumOrg, client_for: Callable[[str], Client]
) -> None:
    home = client_for("carol").get("/").content.decode()
    assert "The flywheel" in home and "panel=dashboard" in home
    assert "The organisation at a glance" in home
    panel = client_for("carol").get("/", PANEL)
    html = panel.content.decode()
    assert panel.status_code == 200
    assert 'data-testid="verdict"' in html
    for figure in ("dash-organic", "dash-invisible", "dash-mass"):
        assert f'data-plotly-figure="{figure}"' in html, figure
    # under five askers a month: the monthly mix is hidden, and the page says why
    assert 'data-plotly-figure="dash-stages"' not in html
    assert 'data-testid="stages-hidden"' in html
    # four invisible successes (eng3, eng5, sal1, sal2), four nudged just now
    assert '<p class="big-number" data-testid="dash-invisible">4</p>' in html
    # 12 weeks' questions: four of six at stage 3 or 4 (erin, carol; dan, eng6)
    assert '<p class="big-number" data-testid="dash-stages">67%</p>' in html
    assert 'data-testid="dash-training"' in html and "vanity metric" in html


def test_the_dashboard_never_shows_small_groups_nor_anyones_nudge(
    mo: MomentumOrg, client_for: Callable[[str], Client]
) -> None:
    for who in ("carol", "dan", "erin"):
        html = client_for(who).get("/", PANEL).content.decode()
        assert NUDGE not in html and "share it in two minutes" not in html
        # Legal (2 people) and Marketing (its cover) are not offered as filters
        assert 'value="department:Legal"' not in html
        assert 'value="department:Marketing"' not in html
        assert 'value="department:Engineering"' in html
        momentum = client_for(who).get("/insights/momentum/", {"as_of": AS_OF.isoformat()})
        assert NUDGE not in momentum.content.decode()
    refused = client_for("carol").get("/", PANEL | {"group": "department:Legal"})
    assert refused.status_code == 400
    assert "not shown on its own" in refused.content.decode()


def test_a_filter_shows_one_department_or_site(
    mo: MomentumOrg, client_for: Callable[[str], Client]
) -> None:
    html = client_for("dan").get("/", PANEL | {"group": "department:Sales"}).content.decode()
    assert 'value="department:Sales" selected' in html
    # Sales: sal1 and sal2 are its invisible successes
    assert '<p class="big-number" data-testid="dash-invisible">2</p>' in html
    assert "in Sales" in html
    london = client_for("dan").get("/", PANEL | {"group": "site:London"})
    assert london.status_code == 200


def test_members_get_their_own_week_and_no_dashboard(
    mo: MomentumOrg, client_for: Callable[[str], Client]
) -> None:
    now = timezone.now()
    shared = post_publish(
        author=mo.people["eng1"],
        kind="win",
        title="Release notes in minutes",
        body="How.",
        at=now - timedelta(days=2),
    )
    trial_record(
        post=shared, person=mo.people["eng2"], outcome="worked", at=now - timedelta(days=1)
    )
    alice = client_for("alice")
    assert alice.get("/", {"panel": "dashboard"}).status_code == 403
    assert alice.get("/insights/momentum/").status_code == 403
    home = alice.get("/").content.decode()
    assert "panel=member" in home and "panel=dashboard" not in home
    html = alice.get("/", {"panel": "member"}).content.decode()
    assert 'data-testid="next-step"' in html
    # alice asked nothing: her stage comes from her own usage (a novice user: stage 3)
    assert "stage 3 of 4" in html and "(from your own use of AI)" in html
    assert 'href="/hub/library/?role_family=engineering"' in html
    assert "Release notes in minutes" in html  # shared by eng1, tried by eng2: both engineers
    assert "tried by 1 colleague" in html
    assert 'data-testid="nudges"' not in html  # alice shares: no nudge
    assert 'data-testid="own-consistency"' not in html  # not a leader


def test_a_nudge_is_shown_to_its_person_only(
    mo: MomentumOrg, client_for: Callable[[str], Client]
) -> None:
    mine = _client("eng3").get("/", {"panel": "member"}).content.decode()
    assert NUDGE in mine
    assert 'href="/hub/new/?kind=tip&amp;title=How+I+use+ChatGPT+in+my+work' in mine
    for who in ("alice", "bob", "carol", "dan", "erin"):
        assert NUDGE not in client_for(who).get("/", {"panel": "member"}).content.decode()
    # the draft opens prefilled on the hub's form
    form = _client("eng3").get(
        "/hub/new/", {"kind": "tip", "title": "How I use ChatGPT in my work", "body": "Steps"}
    )
    assert 'value="How I use ChatGPT in my work"' in form.content.decode()


def test_a_leader_sees_their_own_consistency(
    mo: MomentumOrg, client_for: Callable[[str], Client]
) -> None:
    Person.objects.filter(pk=mo.people["carol"].pk).update(is_leader=True)
    now = timezone.now()
    for days in (80, 50, 20):
        post_publish(
            author=mo.people["carol"],
            kind="tip",
            title=f"Tip {days}",
            body="Do this.",
            at=now - timedelta(days=days),
        )
    html = client_for("carol").get("/", {"panel": "member"}).content.decode()
    assert 'data-testid="own-consistency"' in html
    assert "in 3 of the last 12 weeks" in html
    assert "Your rhythm is steady." in html  # gaps of 30 and 30 days: B = −1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_its_charts_in_the_browser(
    mo: MomentumOrg, live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    sign_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/?as_of={AS_OF.isoformat()}")
    page.wait_for_selector("[data-testid=verdict]")
    for figure in ("dash-organic", "dash-invisible", "dash-mass"):
        page.wait_for_selector(f"#{figure} .main-svg")
    page.select_option("#group", "department:Engineering")
    page.click("#dashboard button[type=submit]")
    page.wait_for_selector("text=in Engineering")
    page.wait_for_selector("#dash-organic .main-svg")
    assert page.locator("#group").input_value() == "department:Engineering"


def test_the_panels_query_counts_are_pinned(
    mo: MomentumOrg,
    client_for: Callable[[str], Client],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    lead = client_for("carol")
    lead.get("/", PANEL | {"group": "department:Sales"})  # fills the caches
    with django_assert_max_num_queries(13):  # sign-in, permissions, the data fingerprint
        lead.get("/", PANEL)
    with django_assert_max_num_queries(21):  # and the group's momentum, fingerprinted too
        lead.get("/", PANEL | {"group": "department:Sales"})
    alice = client_for("alice")
    with django_assert_max_num_queries(12):
        alice.get("/", {"panel": "member"})
