"""The study pages for analysts: the report beside the benchmark, uploads, waves, instrument."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from peerwheel.core.models import Import
from peerwheel.org.models import Person
from peerwheel.study import views
from peerwheel.study.models import InstrumentVersion, SurveyWave
from peerwheel.study.services import (
    instrument_ensure,
    response_submit,
    survey_import,
    wave_create,
)
from tests.study.conftest import answers

pytestmark = pytest.mark.django_db


def _import(frame: pd.DataFrame, name: str = "spring.csv") -> SurveyWave:
    report = survey_import(io.BytesIO(frame.to_csv(index=False).encode()), file_name=name)
    return SurveyWave.objects.get(pk=report.data["wave"])


def test_members_and_outsiders_get_403_on_every_analyst_page(
    client_for: Callable[[str], Client], survey_frame: pd.DataFrame
) -> None:
    wave = _import(survey_frame)  # imported: a closed wave
    for name in ("alice", "bob", "carol", "charlie"):
        client = client_for(name)
        for url in ("/study/upload/", "/study/instrument/"):
            assert client.get(url).status_code == 403, (name, url)
        assert client.post(f"/study/waves/{wave.pk}/close/").status_code == 403
        # a lead (carol) reads closed waves' reports, and does nothing else here
        reads = 200 if name == "carol" else 403
        for url in ("/study/", f"/study/waves/{wave.pk}/"):
            assert client.get(url).status_code == reads, (name, url)


def test_the_analyst_reads_the_report_beside_the_published_benchmark(
    client_for: Callable[[str], Client], survey_frame: pd.DataFrame
) -> None:
    wave = _import(survey_frame)

    response = client_for("dan").get(f"/study/waves/{wave.pk}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/plotly/plotly.min.js" in html
    assert 'id="study-forest"' in html and "published benchmark (heavy users)" in html
    assert "Based on 200 respondents in 30 teams." in html
    assert "People one SD higher in peer influence are" in html
    assert "Published benchmark: +8.9 points per SD of peer influence" in html
    assert "Published benchmark: +10.4 points per SD of peer influence" in html
    assert "leader mandates show no direct effect" in html
    assert "What to do next" in html and "Do mandates work through peers?" in html
    assert "Cronbach's alpha" in html
    assert "Heavy users: 0 from usage data, 200 self-reported." in html
    assert "By department" in html and "By level" in html


def test_a_large_wave_loads_its_report_behind_a_progress_indicator(
    client_for: Callable[[str], Client],
    survey_frame: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wave = _import(survey_frame)
    monkeypatch.setattr(views, "INLINE_MAX_N", 100)
    client = client_for("dan")

    page = client.get(f"/study/waves/{wave.pk}/").content.decode()
    partial = client.get(f"/study/waves/{wave.pk}/", HTTP_HX_REQUEST="true").content.decode()
    again = client.get(f"/study/waves/{wave.pk}/").content.decode()

    assert f'hx-get="/study/waves/{wave.pk}/" hx-trigger="load"' in page
    assert "<progress" in page and "Running the analysis" in page
    assert 'id="study-forest"' not in page
    assert partial.startswith('<div id="study-report">') and 'id="study-forest"' in partial
    assert 'id="study-forest"' in again  # cached now: shown at once


def test_small_groups_are_never_shown(
    client_for: Callable[[str], Client],
    survey_frame: pd.DataFrame,
    settings: object,
    cast: dict[str, User],
    org: dict[str, Person],
) -> None:
    settings.PEERWHEEL_MIN_GROUP = 12  # type: ignore[attr-defined]
    frame = survey_frame.copy()
    frame.loc[:9, "department"] = "Board"  # 10 respondents: below the minimum group
    wave = _import(frame)
    tiny = wave_create(name="Pilot", actor=cast["dan"])
    tiny.status = SurveyWave.Status.OPEN
    tiny.invited = 7
    tiny.save()
    for key in ("alice", "bob", "carol"):
        response_submit(
            person=org[key],
            wave=tiny,
            answers=answers(),
            training=True,
            frequency=3,
            agent_user=False,
        )
    client = client_for("dan")

    report = client.get(f"/study/waves/{wave.pk}/").content.decode()
    home = client.get("/study/").content.decode()
    pilot = client.get(f"/study/waves/{tiny.pk}/").content.decode()

    board_rows = [line for line in report.splitlines() if '<th scope="row">Board' in line]
    assert board_rows == []  # pooled away before any number is shown
    assert "fewer than 12 respondents (Board)" in report
    assert "Groups of fewer than 12 respondents are not shown" in report
    assert "<td>fewer than 12</td>" in home  # the pilot's 3 responses
    assert "% of 7" not in home  # nor its response rate
    assert "Fewer than 12 responses so far: nothing can be shown yet." in pilot
    assert "&lt; 12" in pilot


def test_an_upload_with_problems_lists_them_by_column_and_rows(
    client_for: Callable[[str], Client], survey_frame: pd.DataFrame
) -> None:
    frame = survey_frame.copy().astype({"leader_mandate_1": object})
    frame.loc[3, "peer_influence_2"] = 7
    frame.loc[7, "leader_mandate_1"] = "agree"
    upload = SimpleUploadedFile("spring.csv", frame.to_csv(index=False).encode(), "text/csv")

    response = client_for("dan").post("/study/upload/", {"file": upload, "name": "Spring"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "The file was not imported: 2 problems" in html
    assert "<td><code>peer_influence_2</code></td><td>5</td>" in html
    assert "<td><code>leader_mandate_1</code></td><td>9</td>" in html
    assert SurveyWave.objects.count() == 0
    assert Import.objects.get().status == Import.Status.FAILED


def test_a_good_upload_becomes_a_wave_and_opens_its_report(
    client_for: Callable[[str], Client], survey_frame: pd.DataFrame
) -> None:
    upload = SimpleUploadedFile("spring.csv", survey_frame.to_csv(index=False).encode())

    response = client_for("dan").post("/study/upload/", {"file": upload, "name": "Spring 2025"})

    wave = SurveyWave.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/study/waves/{wave.pk}/"
    assert (wave.name, wave.responses.count()) == ("Spring 2025", 200)


def test_an_analyst_creates_opens_and_closes_a_wave(client_for: Callable[[str], Client]) -> None:
    client = client_for("dan")

    client.post("/study/waves/new/", {"name": "Autumn pulse"})
    wave = SurveyWave.objects.get()
    client.post(f"/study/waves/{wave.pk}/open/")
    wave.refresh_from_db()
    opened = (wave.status, wave.invited)
    client.post(f"/study/waves/{wave.pk}/close/")
    wave.refresh_from_db()

    assert opened == (SurveyWave.Status.OPEN, 7)
    assert wave.status == SurveyWave.Status.CLOSED and wave.closes is not None
    assert client.post(f"/study/waves/{wave.pk}/close/").status_code == 302  # refused, politely
    assert "Only an open wave can be closed." in client.get("/study/").content.decode()


def test_an_admin_rewords_and_adds_items_as_a_new_version(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    first = instrument_ensure()
    old_wave = wave_create(name="Before", actor=cast["dan"])
    page = client_for("erin").get("/study/instrument/").content.decode()
    form = {
        f"text__{key}": text
        for key, text in (
            (i["key"], i["text"]) for c in first.definition["constructs"] for i in c["items"]
        )
    }
    form["text__peer_influence_2"] = "People around me show each other what works with AI."
    form.update(
        {"new_construct": "psych_safety", "new_text": "Mistakes with AI are discussed openly."}
    )

    analyst = client_for("dan").post("/study/instrument/", form)
    admin = client_for("erin").post("/study/instrument/", form)
    new_wave = wave_create(name="After", actor=cast["dan"])

    assert "Save as a new version" in page
    assert analyst.status_code == 403
    assert admin.status_code == 302
    latest = InstrumentVersion.objects.order_by("-id").first()
    assert latest is not None and latest.version == "2"
    keys = [i["key"] for c in latest.definition["constructs"] for i in c["items"]]
    assert "psych_safety_5" in keys
    assert old_wave.instrument == first and new_wave.instrument == latest
    assert first.definition["constructs"][0]["items"][1]["text"].startswith(
        "People around me share"
    )
