"""The named cast, shared by every test that needs people and logins.

alice is a member, bob a champion, carol a lead, dan an analyst, erin an admin, and charlie is
an outsider with a login but no role.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from peerwheel.accounts.roles import Role
from peerwheel.accounts.services import user_create
from peerwheel.org.models import Department, Person, Site, Team

PASSWORD = "correct horse battery staple"


@pytest.fixture
def org(db: None) -> dict[str, Person]:
    """A small organisation: two departments, two sites, one tiny hierarchy."""
    engineering = Department.objects.create(name="Engineering")
    sales = Department.objects.create(name="Sales")
    london = Site.objects.create(name="London")
    berlin = Site.objects.create(name="Berlin")
    platform = Team.objects.create(name="Platform", department=engineering)
    boss = Person.objects.create(
        employee_id="E1",
        name="Ada Boss",
        email="ada@example.com",
        department=engineering,
        site=london,
        role_family="executive",
        is_leader=True,
    )
    people = {"boss": boss}
    for key, employee_id, name, department, site, family in [
        ("alice", "E2", "Alice Adams", engineering, london, "engineering"),
        ("bob", "E3", "Bob Brown", engineering, berlin, "engineering"),
        ("carol", "E4", "Carol Clark", sales, london, "sales"),
        ("dan", "E5", "Dan Diaz", sales, berlin, "finance"),
        ("erin", "E6", "Erin Evans", engineering, london, "operations"),
        ("charlie", "E7", "Charlie Chan", sales, berlin, "sales"),
    ]:
        people[key] = Person.objects.create(
            employee_id=employee_id,
            name=name,
            email=f"{key}@example.com",
            department=department,
            site=site,
            role_family=family,
            manager=boss,
            team=platform if department == engineering else None,
        )
    return people


@pytest.fixture
def cast(org: dict[str, Person]) -> dict[str, User]:
    users = {}
    for key, role in [
        ("alice", Role.MEMBER),
        ("bob", Role.CHAMPION),
        ("carol", Role.LEAD),
        ("dan", Role.ANALYST),
        ("erin", Role.ADMIN),
    ]:
        users[key] = user_create(
            username=key,
            role=role,
            email=f"{key}@example.com",
            password=PASSWORD,
            person_employee_id=org[key].employee_id,
        )
    charlie = User.objects.create_user("charlie", "charlie@example.com", PASSWORD)
    users["charlie"] = charlie
    return users


@pytest.fixture
def client_for(cast: dict[str, User]) -> Callable[[str], Client]:
    """A logged-in test client for one member of the cast."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(cast[name])
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Hashing a password the production way takes a third of a second; tests need many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def sign_in(page: Any, url: str, username: str) -> None:
    """Sign in through the login form of the live server at `url`, landing on the home page."""
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A Playwright page in Debian's chromium (no browser download). Use with `live_server`."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed for browser tests: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the database calls the test and
    # the live server make are still synchronous, so Django's async guard is lifted here only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser.new_page(viewport={"width": 1100, "height": 900})
        browser.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Django removes this process's SQLite test database, but not the -wal and -shm files a
    connection still held open leaves beside it (settings names the file by process id)."""
    from django.conf import settings

    name = str(settings.DATABASES["default"].get("TEST", {}).get("NAME") or "")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite") and name:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
