"""The survey and the report as people see them: Debian's chromium driven by Playwright."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from peerwheel.engine.study import simulate_responses
from peerwheel.org.models import Person
from peerwheel.study.models import PendingAnswers, SurveyWave
from peerwheel.study.selectors import own_response
from peerwheel.study.services import survey_import, wave_create, wave_open
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_member_answers_with_the_keyboard_and_an_analyst_reads_the_forest_plot(
    live_server: Any, browser_page: Any, cast: dict[str, User]
) -> None:
    wave = wave_create(name="Spring survey", actor=cast["dan"])
    wave_open(wave=wave)
    frame = simulate_responses(120, seed=3, n_teams=24)
    imported = survey_import(io.BytesIO(frame.to_csv(index=False).encode()), file_name="a.csv")
    page, url = browser_page, live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    sign_in(page, url, "alice")
    page.click("nav >> text=Survey")
    assert page.locator("text=nobody, admins included, can see who answered what").count() == 1
    for fieldset in page.locator("fieldset.likert").all():
        fieldset.locator("input[type=radio]").first.focus()
        page.keyboard.press("ArrowRight")  # radios move and select with the arrow keys
    page.screenshot(path=str(ARTIFACTS / "study-survey.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Thank you: your answers are saved")

    # The answers wait, sealed, for a batch of the minimum group; alice sees them back.
    assert SurveyWave.objects.get(pk=wave.pk).participations.count() == 1
    assert PendingAnswers.objects.filter(wave=wave).count() == 1
    alice = Person.objects.get(user=cast["alice"])
    mine = own_response(person=alice, wave=wave, user=cast["alice"])
    assert mine is not None and mine.answers["peer_influence_1"] == 2

    page.click("text=Sign out")
    sign_in(page, url, "dan")
    page.goto(f"{url}/study/waves/{imported.data['wave']}/")
    page.wait_for_selector("#study-forest .main-svg")
    assert page.locator("#study-forest .scatterlayer .point").count() >= 10
    page.screenshot(path=str(ARTIFACTS / "study-report.png"), full_page=True)
