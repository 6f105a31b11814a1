"""Nobody, admins included, can see who answered what: not on a page, in the API or an export.

These tests look at what is actually stored and rendered: the tables' columns and contents,
the pages an admin and an analyst can open, the API schema and every export kind.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.test import Client, override_settings

from peerwheel.org.models import Person
from peerwheel.study import analysis
from peerwheel.study.keys import response_locator
from peerwheel.study.models import (
    Participation,
    PendingAnswers,
    ReportSnapshot,
    Response,
    SurveyWave,
)
from peerwheel.study.services import response_submit, wave_close
from peerwheel.usage.selectors import UsageOutcome
from peerwheel.web.management.commands.exportdata import EXPORT_KINDS
from tests.study.conftest import answers

pytestmark = pytest.mark.django_db

# A pattern only alice gives: if it shows up next to her name anywhere, anonymity is broken.
ALICE = answers(1, peer_influence_1=5, leader_mandate_3=5, fear_behind_4=2)


def _answer_all(org: dict[str, Person], wave: SurveyWave) -> None:
    response_submit(
        person=org["alice"], wave=wave, answers=ALICE, training=True, frequency=5, agent_user=True
    )
    for key, value in (("bob", 2), ("carol", 3), ("dan", 4), ("erin", 4), ("charlie", 2)):
        response_submit(
            person=org[key],
            wave=wave,
            answers=answers(value),
            training=False,
            frequency=2,
            agent_user=False,
        )


def test_a_response_row_has_no_person_no_time_and_a_random_key() -> None:
    fields = {f.name: f for f in Response._meta.get_fields()}
    relations = {n for n, f in fields.items() if f.is_relation}
    times = {n for n, f in fields.items() if isinstance(f, models.DateField | models.TimeField)}

    assert relations == {"wave"}
    assert times == set()
    assert isinstance(Response._meta.pk, models.UUIDField)
    assert {f.name for f in Participation._meta.get_fields()} == {
        "id",
        "person",
        "wave",
        "answered_as",
    }
    for model in (PendingAnswers, ReportSnapshot):  # the pool and snapshots: a day at most
        for f in model._meta.get_fields():
            assert not isinstance(f, models.DateTimeField | models.TimeField), f


def test_stored_rows_cannot_be_joined_without_the_secret_key(
    open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    _answer_all(org, open_wave)
    wave_close(wave=open_wave)
    participations = list(Participation.objects.values_list("person_id", "wave_id"))
    stored = {r.locator for r in Response.objects.all()}
    alice = org["alice"].pk
    login = Participation.objects.get(person_id=alice).answered_as

    # Nothing on a participation row appears on a response row.
    response_values = {str(v) for row in Response.objects.values() for v in row.values()}
    assert not {str(p) for p, _ in participations} & (response_values - {"1", "2", "3", "4", "5"})
    # The locator is a keyed HMAC: unkeyed hashes of the ids do not find it ...
    for text in (f"{open_wave.pk}:{alice}", f"{alice}:{open_wave.pk}", str(alice)):
        for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):
            assert digest(text.encode()).hexdigest() not in stored
    # ... nor does the same HMAC under another key.
    with override_settings(SECRET_KEY="someone-else-s-key-" + "x" * 40):
        assert response_locator(person_id=alice, wave_id=open_wave.pk, user_id=login) not in stored
    assert response_locator(person_id=alice, wave_id=open_wave.pk, user_id=login) in stored
    # ... nor the locator without the login it is bound to.
    assert response_locator(person_id=alice, wave_id=open_wave.pk, user_id=None) not in stored


def test_no_page_an_admin_or_analyst_can_open_shows_who_answered_what(
    client_for: Callable[[str], Client],
    open_wave: SurveyWave,
    org: dict[str, Person],
    cast: dict[str, User],
) -> None:
    _answer_all(org, open_wave)
    alice = org["alice"]
    locator = response_locator(person_id=alice.pk, wave_id=open_wave.pk, user_id=cast["alice"].pk)
    pages = {
        "erin": [
            "/",
            "/study/",
            f"/study/waves/{open_wave.pk}/",
            "/admin/",
            "/admin/study/surveywave/",
            f"/admin/study/surveywave/{open_wave.pk}/change/",
            f"/admin/org/person/{alice.pk}/change/",
            "/admin/org/person/",
            "/admin/accounts/auditentry/",
        ],
        "dan": ["/", "/study/", f"/study/waves/{open_wave.pk}/"],
    }
    for viewer, urls in pages.items():
        client = client_for(viewer)
        for url in urls:
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, url
            assert locator not in html, url
            assert "peer_influence_1" not in html, url
            assert not re.search(r'<input type="radio"[^>]*checked', html), url
    instrument = client_for("erin").get("/study/instrument/").content.decode()
    assert locator not in instrument and "radio" not in instrument
    # The admin site lists no responses or participations at all.
    admin = client_for("erin")
    assert admin.get("/admin/study/response/").status_code == 404
    assert admin.get("/admin/study/participation/").status_code == 404
    index = admin.get("/admin/").content.decode()
    assert "Responses" not in index and "Participations" not in index
    # An admin who answered nothing sees an empty form: never anyone else's answers.
    erin_survey = client_for("erin").get("/study/survey/").content.decode()
    assert erin_survey.count(" checked>") == 23  # her own answers, given above
    bob_page = client_for("bob").get("/study/survey/").content.decode()
    assert 'name="peer_influence_1" value="5"' in bob_page
    assert 'value="5" id="id_peer_influence_1_4" required checked' not in bob_page


def test_the_audit_log_records_wave_actions_but_no_answer(
    open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    from peerwheel.accounts.models import AuditEntry

    _answer_all(org, open_wave)

    actions = set(
        AuditEntry.objects.filter(action__startswith="study.").values_list("action", flat=True)
    )
    assert actions == {"study.wave_create", "study.wave_open"}


def test_the_api_and_every_export_carry_no_answers(
    client_for: Callable[[str], Client], open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    _answer_all(org, open_wave)
    schema = client_for("erin").get("/api/openapi.json").content.decode()
    paths = json.loads(schema)["paths"]

    assert not [p for p in paths if "response" in p or "survey" in p]
    assert not [kind for kind in EXPORT_KINDS if "survey" in kind or "study" in kind]
    exported = []
    for kind, write in EXPORT_KINDS.items():
        for file_format in ("csv", "json"):
            out = io.StringIO()
            try:
                write(out, file_format)
            except Exception:  # noqa: S112 - another part's export failing on no data
                continue
            exported.append(kind)
            text = out.getvalue()
            assert "peer_influence" not in text, kind
            assert "heavy_user" not in text, kind
    assert "people" in exported


def test_the_analysis_frame_carries_no_person_and_links_usage_inside(
    open_wave: SurveyWave, org: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer_all(org, open_wave)
    wave_close(wave=open_wave)  # the last answers were still waiting for their batch
    alice = org["alice"]
    monkeypatch.setattr(
        analysis,
        "usage_outcomes",
        lambda ids: {alice.pk: UsageOutcome(heavy_user=False, agent_user=None)},
    )

    data = analysis.wave_frame(open_wave)
    frame = data.frame
    text = frame.to_csv()

    assert frame.index.name == "response"
    assert list(frame.index) == [1, 2, 3, 4, 5, 6]
    assert not {"person", "person_id", "locator", "employee_id", "name", "email"} & set(frame)
    for person in org.values():
        assert person.name not in text and person.email not in text
        assert person.employee_id not in text.split(",")
    # alice said heavy (daily use); her usage data says not, and usage wins.
    assert frame["heavy_user"].sum() == 0
    assert data.sources == {
        "heavy_user": {"usage": 1, "self": 5},
        "agent_user": {"usage": 0, "self": 6},
    }
    assert set(frame["department"]) == {"Engineering", "Sales"}
    assert set(frame["level"]) == {"Individual contributor"}


def test_usage_data_from_the_usage_app_replace_the_self_report(
    open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    import numpy as np
    import pandas as pd

    from peerwheel.usage.store import import_records, upsert_usage

    _answer_all(org, open_wave)  # alice says daily use and agents; bob says neither
    wave_close(wave=open_wave)
    weeks = pd.date_range("2025-03-03", periods=12, freq="7D")
    for person, actions, agents in ((org["alice"], 0, 0), (org["bob"], 30, 2)):
        usage = pd.DataFrame(
            {
                "external_id": person.email,
                "week": weeks,
                "tool": "Copilot",
                "actions": actions,
                "agent_actions": agents,
                "active_days": pd.array([None] * 12, dtype="Int64"),
            }
        )
        upsert_usage(
            import_records(
                subject=np.full(12, f"p:{person.pk}", dtype=object),
                person_id=np.full(12, person.pk),
                usage=usage,
                source_id=None,
            )
        )

    data = analysis.wave_frame(open_wave)

    assert data.sources["heavy_user"] == {"usage": 2, "self": 4}
    assert data.frame["heavy_user"].sum() == 1  # bob (power user), no longer alice
    assert data.frame["agent_user"].sum() == 1
    open_wave.link_usage = False
    open_wave.save()
    self_only = analysis.wave_frame(open_wave)
    assert self_only.sources["heavy_user"] == {"usage": 0, "self": 6}
    assert self_only.frame["heavy_user"].sum() == 1  # alice's own "every working day"
