"""The in-app survey: find it, answer it once, change it until the wave closes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from peerwheel.org.models import Person
from peerwheel.study.errors import StudyActionError, SurveyClosedError
from peerwheel.study.models import Participation, PendingAnswers, Response, SurveyWave
from peerwheel.study.selectors import own_response
from peerwheel.study.services import response_submit, wave_close, wave_create, wave_open
from tests.study.conftest import answers, form_data

pytestmark = pytest.mark.django_db

PROMISE = "nobody, admins included, can see who answered what"


def test_members_find_the_survey_from_the_home_page(
    client_for: Callable[[str], Client], open_wave: SurveyWave
) -> None:
    home = client_for("alice").get("/").content.decode()

    assert 'href="/study/survey/"' in home
    assert ">Survey<" in home
    assert ">Study<" not in home  # the report is for analysts


def test_the_survey_page_promises_confidentiality_and_uses_labelled_radios(
    client_for: Callable[[str], Client], open_wave: SurveyWave
) -> None:
    html = client_for("alice").get("/study/survey/").content.decode()

    assert PROMISE in html
    assert html.count("<fieldset") == 20 + 3  # 20 Likert items, training, frequency, agents
    assert "<legend>Colleagues whose judgement I trust use AI tools" in html
    assert 'type="radio" name="peer_influence_1" value="5"' in html
    assert "Strongly agree" in html


def test_a_member_answers_once_and_can_change_the_answers_until_close(
    client_for: Callable[[str], Client],
    open_wave: SurveyWave,
    org: dict[str, Person],
    cast: dict[str, User],
) -> None:
    client = client_for("alice")

    first = client.post("/study/survey/", form_data(2, frequency=5, agent=1))
    second = client.post("/study/survey/", form_data(4, frequency=2, agent=0))
    page = client.get("/study/survey/").content.decode()

    assert first.status_code == second.status_code == 302
    # One set of answers, waiting (sealed) for a batch of the minimum group.
    assert (PendingAnswers.objects.count(), Response.objects.count()) == (1, 0)
    assert Participation.objects.count() == 1
    mine = own_response(person=org["alice"], wave=open_wave, user=cast["alice"])
    assert mine is not None
    assert mine.answers == answers(4)
    assert (mine.frequency, mine.heavy_user, mine.agent_user) == (2, False, False)
    assert 'value="4" id="id_peer_influence_1_3" required checked>' in page
    assert page.count(" checked>") == 20 + 3
    assert "Save my changes" in page


def test_the_first_answer_derives_heavy_use_from_daily_use(
    open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    daily = response_submit(
        person=org["alice"],
        wave=open_wave,
        answers=answers(),
        training=True,
        frequency=5,
        agent_user=False,
    )
    weekly = response_submit(
        person=org["bob"],
        wave=open_wave,
        answers=answers(),
        training=True,
        frequency=4,
        agent_user=True,
    )

    assert (daily.heavy_user, weekly.heavy_user) == (True, False)


def test_answers_cannot_change_once_the_wave_closes(
    client_for: Callable[[str], Client],
    open_wave: SurveyWave,
    org: dict[str, Person],
    cast: dict[str, User],
) -> None:
    response_submit(
        person=org["alice"],
        wave=open_wave,
        answers=answers(2),
        training=False,
        frequency=1,
        agent_user=False,
    )
    wave_close(wave=open_wave, actor=cast["dan"])

    with pytest.raises(SurveyClosedError):
        response_submit(
            person=org["alice"],
            wave=open_wave,
            answers=answers(5),
            training=True,
            frequency=5,
            agent_user=True,
        )
    client_for("alice").post("/study/survey/", form_data(5))
    page = client_for("alice").get("/study/survey/").content.decode()

    assert Response.objects.get().answers == answers(2)
    assert "No survey is open right now" in page


def test_a_wave_past_its_closing_date_takes_no_answers(
    org: dict[str, Person], cast: dict[str, User]
) -> None:
    now = timezone.now()
    wave = wave_create(name="Short", closes=now + timedelta(days=1), actor=cast["dan"])
    wave_open(wave=wave, now=now)

    with pytest.raises(SurveyClosedError):
        response_submit(
            person=org["alice"],
            wave=wave,
            answers=answers(),
            training=True,
            frequency=3,
            agent_user=False,
            now=now + timedelta(days=2),
        )


def test_only_one_wave_is_open_at_a_time(open_wave: SurveyWave, cast: dict[str, User]) -> None:
    second = wave_create(name="Autumn", actor=cast["dan"])

    with pytest.raises(StudyActionError, match="Spring survey is still open"):
        wave_open(wave=second)


def test_a_missing_answer_is_refused_with_a_message_beside_it(
    client_for: Callable[[str], Client], open_wave: SurveyWave
) -> None:
    data = form_data(3)
    del data["fear_behind_3"]

    response = client_for("alice").post("/study/survey/", data)
    html = response.content.decode()

    assert response.status_code == 200
    assert Response.objects.count() == 0
    assert 'aria-invalid="true" aria-describedby="id_fear_behind_3-error"' in html
    assert "This field is required." in html


def test_out_of_range_answers_are_refused_by_the_service(
    open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    from peerwheel.study.errors import AnswerError

    with pytest.raises(AnswerError) as caught:
        response_submit(
            person=org["alice"],
            wave=open_wave,
            answers=answers(psych_safety_2=9, nope_1=3),
            training=True,
            frequency=3,
            agent_user=False,
        )

    assert set(caught.value.fields) == {"psych_safety_2", "nope_1"}


def test_a_login_without_a_person_or_a_role_cannot_answer(
    client_for: Callable[[str], Client], open_wave: SurveyWave, cast: dict[str, User]
) -> None:
    assert client_for("charlie").get("/study/survey/").status_code == 403
    unlinked = User.objects.create_user("frank")
    from peerwheel.accounts.roles import Role
    from peerwheel.accounts.services import role_assign

    role_assign(user=unlinked, role=Role.MEMBER)
    client = Client()
    client.force_login(unlinked)
    html = client.get("/study/survey/").content.decode()

    assert "not linked to a person" in html
    assert Response.objects.count() == 0
