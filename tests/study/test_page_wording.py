"""The study pages' wording (issue 17): the upload help shows the column pattern, and the survey
says when it closes in one sentence, answered or not, with or without a closing date."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.test import Client

from peerwheel.study.models import SurveyWave
from tests.study.conftest import form_data

pytestmark = pytest.mark.django_db


def test_the_upload_help_shows_the_column_pattern(client_for: Callable[[str], Client]) -> None:
    html = client_for("dan").get("/study/upload/").content.decode()
    assert "<code>&lt;construct&gt;_&lt;k&gt;</code> items 1–5, heavy_user and agent_user" in html
    assert "<construct>" not in html


def sentence(html: str) -> str:
    found = re.search(r'<p class="survey-when">(.*?)</p>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_survey_says_when_it_closes(
    client_for: Callable[[str], Client], open_wave: SurveyWave
) -> None:
    client = client_for("alice")
    assert sentence(client.get("/study/survey/").content.decode()) == (
        "It stays open until the study team closes it."
    )
    client.post("/study/survey/", form_data(3))
    assert sentence(client.get("/study/survey/").content.decode()) == (
        "You have answered this survey. Your answers are below: you can change any of them and "
        "save again until the survey closes (the study team closes it)."
    )
    open_wave.closes = datetime(2099, 5, 3, 12, 0, tzinfo=UTC)
    open_wave.save(update_fields=["closes"])
    assert sentence(client.get("/study/survey/").content.decode()) == (
        "You have answered this survey. Your answers are below: you can change any of them and "
        "save again until the survey closes, on 3 May 2099, 12:00."
    )
    bob = client_for("bob").get("/study/survey/").content.decode()
    assert sentence(bob) == "It stays open until 3 May 2099, 12:00."
