"""`wave_for_viewer`: the one getter of a survey wave (its report and its open / close
actions), raising the core pair that pages answer with 404 / 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.study.models import SurveyWave
from peerwheel.study.selectors import wave_for_viewer
from peerwheel.study.services import wave_create

MISSING = 987654


@pytest.fixture
def wave(cast: dict[str, User]) -> SurveyWave:
    return wave_create(name="Autumn survey", actor=cast["dan"])


def test_whoever_runs_the_study_gets_a_wave_with_its_instrument(
    cast: dict[str, User], wave: SurveyWave
) -> None:
    for name in ("dan", "erin"):
        got = wave_for_viewer(wave.pk, cast[name])
        assert got.pk == wave.pk and got.instrument_id == wave.instrument_id


def test_a_missing_wave_is_not_found(cast: dict[str, User]) -> None:
    with pytest.raises(NotFoundError, match=f"no survey wave {MISSING}"):
        wave_for_viewer(MISSING, cast["dan"])


def test_a_wave_is_forbidden_to_everyone_who_does_not_run_the_study(
    cast: dict[str, User], wave: SurveyWave
) -> None:
    for name in ("alice", "bob", "carol", "charlie"):
        with pytest.raises(ForbiddenError, match="Run study"):
            wave_for_viewer(wave.pk, cast[name])


def test_the_report_answers_404_for_a_missing_wave_and_403_for_a_lead(
    client_for: Callable[[str], Client], wave: SurveyWave
) -> None:
    assert client_for("dan").get(reverse("study:report", args=[wave.pk])).status_code == 200
    assert client_for("dan").get(reverse("study:report", args=[MISSING])).status_code == 404
    assert client_for("carol").get(reverse("study:report", args=[wave.pk])).status_code == 403


def test_opening_a_missing_wave_is_a_404_and_a_lead_cannot_open_one(
    client_for: Callable[[str], Client], wave: SurveyWave
) -> None:
    missing = reverse("study:wave_action", args=[MISSING, "open"])
    assert client_for("dan").post(missing).status_code == 404
    response = client_for("carol").post(reverse("study:wave_action", args=[wave.pk, "open"]))
    assert response.status_code == 403
    wave.refresh_from_db()
    assert wave.status == SurveyWave.Status.DRAFT
