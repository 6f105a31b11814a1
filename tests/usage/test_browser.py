"""The Imports page in Debian's chromium: upload a file, watch the progress bar reach done."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.usage.selectors import usage_records
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_an_admin_uploads_usage_and_sees_the_progress_bar_reach_done(
    live_server: Any, browser_page: Any, cast: dict[str, User], tmp_path: Path
) -> None:
    lines = ["email,week,tool,actions,agent_actions"]
    start = date(2025, 1, 6)
    for n in range(3000):  # enough rows for the bar to move
        week = start + timedelta(weeks=n % 20)
        lines.append(f"user{n // 20}@example.com,{week},ChatGPT Enterprise,{n % 17},0")
    lines += [
        f"alice@example.com,{start + timedelta(weeks=w)},Copilot in Word,9,1" for w in range(16, 20)
    ]
    path = tmp_path / "chatgpt-weekly.csv"
    path.write_text("\n".join(lines) + "\n")

    page = browser_page
    sign_in(page, live_server.url, "erin")
    page.goto(f"{live_server.url}/usage/imports/")
    page.select_option("#import-kind", "usage-csv")
    page.set_input_files("#import-file", str(path))
    page.click("form button[type=submit]")
    page.wait_for_selector("#import-result progress")
    page.wait_for_selector("[data-status=succeeded]", timeout=20_000)
    assert page.locator("#import-result progress").get_attribute("value") == "100"
    report = page.locator(".import-report").inner_text()
    assert "read 3,004 rows" in report
    assert "unmatched: 150" in report
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "usage-import.png"), full_page=True)
    assert len(usage_records()) == 3004

    # alice sees her own usage; the header link takes her there.
    page.click("text=Sign out")
    sign_in(page, live_server.url, "alice")
    page.click("header >> text=My usage")
    page.wait_for_selector("#my-usage-chart .main-svg")
    assert "Novice User" in page.locator(".segment-now").inner_text()
    page.screenshot(path=str(ARTIFACTS / "usage-mine.png"), full_page=True)


def test_an_admin_ticks_create_people_and_the_unmatched_id_becomes_a_person(
    live_server: Any, browser_page: Any, cast: dict[str, User], tmp_path: Path
) -> None:
    from peerwheel.org.models import Person

    path = tmp_path / "usage.csv"
    path.write_text("email,week,tool,actions\nnew.hire@example.com,2025-03-03,ChatGPT,4\n")

    page = browser_page
    sign_in(page, live_server.url, "erin")
    page.goto(f"{live_server.url}/usage/imports/")
    page.select_option("#import-kind", "usage-csv")
    page.set_input_files("#import-file", str(path))
    page.check("input[name=create_people]")
    page.click("form button[type=submit]")
    page.wait_for_selector("[data-status=succeeded]", timeout=20_000)

    assert "people: created 1 for unmatched ids" in page.locator(".import-report").inner_text()
    assert Person.objects.filter(employee_id="new.hire@example.com").exists()
