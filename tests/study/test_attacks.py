"""The attacks of issue #11 on the survey, performed exactly, and what they get now: nothing.

- Differencing an open wave: dan reads the live report before and after one known person
  answers, and works out that person's answers from the department row.
- The same with usage-linked outcomes: reading a closed wave's report before and after a usage
  import.
- Error messages that state a group's outcome ("all 5 respondents in Legal are not heavy users").
- Joining participations to responses from a copy of the database, by row order.
- Re-linking a login to another person to have the survey shown back pre-filled.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import DateField, TimeField
from django.test import Client, override_settings
from django.utils import timezone

from peerwheel.engine.study import load_instrument, simulate_responses
from peerwheel.org.models import Department, Person, Team
from peerwheel.study.errors import AnswersBoundElsewhereError
from peerwheel.study.keys import SealError, unseal
from peerwheel.study.models import Participation, PendingAnswers, Response, SurveyWave
from peerwheel.study.services import response_submit, wave_close, wave_create, wave_open
from tests.study.conftest import answers, form_data

pytestmark = pytest.mark.django_db

ITEMS = [i.key for i in load_instrument().items]
TARGET_PEER = (1, 2, 1, 2)  # the known person's peer-influence answers: score 1.5


def _people(n: int, *, prefix: str = "P") -> list[Person]:
    """n people in Legal and Ops, four teams, one in four a leader."""
    legal = Department.objects.create(name="Legal")
    ops = Department.objects.create(name="Ops")
    teams = [
        Team.objects.create(name=f"{d.name} {k}", department=d) for d in (legal, ops) for k in "AB"
    ]
    people = []
    for k in range(n):
        team = teams[k % 4]
        people.append(
            Person.objects.create(
                employee_id=f"{prefix}{k}",
                name=f"Person {prefix}{k}",
                email=f"{prefix.lower()}{k}@example.com",
                department=team.department,
                team=team,
                is_leader=k % 4 == k // 4 % 4,
            )
        )
    return people


def _submit(person: Person, wave: SurveyWave, row: pd.Series, **overrides: int) -> None:
    heavy = bool(row["heavy_user"])
    response_submit(
        person=person,
        wave=wave,
        answers={**{key: int(row[key]) for key in ITEMS}, **overrides},
        training=bool(row["training"]),
        frequency=5 if heavy else min(int(row["frequency"]), 4),
        agent_user=bool(row["agent_user"]),
        heavy_user=heavy,
    )


def _department_row(html: str, department: str) -> tuple[int, float] | None:
    """(respondents, peer-influence mean) of the department's row, as the attacker reads it."""
    match = re.search(
        rf'<th scope="row">{department}</th><td>(\d+)</td>((?:<td>[^<]*</td>)+)</tr>', html
    )
    if match is None:
        return None
    cells = re.findall(r"<td>([^<]*)</td>", match.group(2))
    return int(match.group(1)), float(cells[-1])


def _difference(before: tuple[int, float] | None, after: tuple[int, float] | None) -> float | None:
    """n·mean_after − (n−1)·mean_before: the newcomer's score, if both rows are shown."""
    if before is None or after is None:
        return None
    return after[0] * after[1] - before[0] * before[1]


@pytest.fixture
def busy_wave(cast: dict[str, User]) -> tuple[SurveyWave, list[Person], pd.DataFrame]:
    """An open wave that 59 of 60 people have answered (simulated answers, seeded)."""
    people = _people(60)
    frame = simulate_responses(60, seed=11, n_teams=4)
    wave = wave_create(name="Autumn survey", actor=cast["dan"])
    wave_open(wave=wave, actor=cast["dan"])
    for person, (_, row) in zip(people[:-1], frame.iloc[:-1].iterrows(), strict=True):
        _submit(person, wave, row)
    return wave, people, frame


def test_differencing_an_open_wave_before_and_after_one_answer_recovers_nothing(
    client_for: Callable[[str], Client],
    busy_wave: tuple[SurveyWave, list[Person], pd.DataFrame],
) -> None:
    wave, people, frame = busy_wave
    target = people[-1]  # in Ops; dan knows when they answer
    department = target.department.name
    dan = client_for("dan")
    url = f"/study/waves/{wave.pk}/"

    before = dan.get(url).content.decode()
    before_partial = dan.get(url, HTTP_HX_REQUEST="true").content.decode()
    _submit(target, wave, frame.iloc[-1], **dict(zip(ITEMS[:4], TARGET_PEER, strict=True)))
    after = dan.get(url).content.decode()
    after_partial = dan.get(url, HTTP_HX_REQUEST="true").content.decode()

    # The attack of the issue: n·mean_after − (n−1)·mean_before from the department row.
    assert (
        _difference(_department_row(before, department), _department_row(after, department)) is None
    )
    for page in (before, after, before_partial, after_partial):
        assert "By department" not in page and "Peer influence" not in page
        assert "shows only its response count until it closes" in page
    assert ">59<" in before and ">60<" in after  # the count, and only the count
    assert before_partial == after_partial
    # Once closed, the report appears, from all 60, and stays the same on every read.
    wave_close(wave=wave)
    closed = dan.get(url).content.decode()
    row = _department_row(closed, department)
    assert row is not None and row[0] == 30
    assert "Frozen when the wave closed" in closed
    assert _department_row(dan.get(url).content.decode(), department) == row


def test_a_usage_import_after_the_close_does_not_change_the_report(
    client_for: Callable[[str], Client],
    busy_wave: tuple[SurveyWave, list[Person], pd.DataFrame],
) -> None:
    from peerwheel.usage.store import import_records, upsert_usage

    wave, people, frame = busy_wave
    _submit(people[-1], wave, frame.iloc[-1])
    wave_close(wave=wave)
    dan = client_for("dan")
    url = f"/study/waves/{wave.pk}/"
    before = dan.get(url).content.decode()
    # One person's usage now says power user: a live report would change by one person.
    weeks = pd.date_range("2025-03-03", periods=12, freq="7D")
    person = people[0]
    usage = pd.DataFrame(
        {
            "external_id": person.email,
            "week": weeks,
            "tool": "Copilot",
            "actions": 40,
            "agent_actions": 3,
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
    cache.clear()  # a day later: the cached report has expired
    after = dan.get(url).content.decode()

    assert "By department" in before
    assert _report(before) == _report(after)


def _report(html: str) -> str:
    return html[html.index('<div id="study-report">') : html.index("</main>")]


def test_no_analysis_message_states_a_group_outcome(
    client_for: Callable[[str], Client], cast: dict[str, User]
) -> None:
    people = _people(40)
    frame = simulate_responses(40, seed=5, n_teams=4)
    wave = wave_create(name="Small survey", actor=cast["dan"])
    wave_open(wave=wave)
    for person, (_, row) in zip(people, frame.iterrows(), strict=True):
        if person.department.name == "Legal":
            row = row.copy()
            row["heavy_user"] = 0  # all 20 respondents in Legal are not heavy users
        _submit(person, wave, row)
    wave_close(wave=wave)

    html = client_for("dan").get(f"/study/waves/{wave.pk}/").content.decode()

    assert "heavy_user cannot be estimated" in html
    alert = html[html.index("This wave cannot be analysed yet") :]
    for phrase in ("Legal", "are not", "all 20", "is 0", "heavy users", "lines"):
        assert phrase not in alert, phrase


def _order(table: str, wave: SurveyWave, by: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE wave_id = %s ORDER BY {by}", [wave.pk])  # noqa: S608
        return [_key(r[0]) for r in cursor.fetchall()]


def _key(value: object) -> str:
    """A row key as text: SQLite returns a UUID as 32 hex digits, PostgreSQL as a UUID."""
    text = str(value)
    return str(uuid.UUID(text)) if len(text) >= 32 else text


def _physical_order() -> str:
    return {"sqlite": "rowid", "postgresql": "ctid"}[connection.vendor]


def _join_by_order(wave: SurveyWave, code_of: dict[int, int]) -> list[int]:
    """What someone with a copy of the database gets by joining the i-th participation to the
    i-th response, for every order they can sort by: the number of true pairs per order."""
    participations = Participation.objects.filter(wave=wave)
    person_of = {_key(p.pk): p.person_id for p in participations}
    code_by_response = {_key(r.pk): _code(r.answers) for r in Response.objects.filter(wave=wave)}
    results = []
    for p_order in (_physical_order(), "id"):
        people = [person_of[i] for i in _order(Participation._meta.db_table, wave, p_order)]
        for r_order in (_physical_order(), "id"):
            responses = _order(Response._meta.db_table, wave, r_order)
            codes = [code_by_response[i] for i in responses]
            offset = len(people) - len(codes)  # the pool's people are the last to answer
            results.append(
                sum(
                    code_of[person] == code
                    for person, code in zip(people[: -offset or None], codes, strict=True)
                )
            )
    return results


def _code(values: dict[str, int]) -> int:
    return (values[ITEMS[0]] - 1) * 25 + (values[ITEMS[1]] - 1) * 5 + values[ITEMS[2]] - 1


def test_a_copy_of_the_database_does_not_join_responses_to_people_by_row_order(
    settings: object, cast: dict[str, User]
) -> None:
    settings.PEERWHEEL_MIN_GROUP = 20  # type: ignore[attr-defined]
    people = _people(47)
    wave = wave_create(name="Join", actor=cast["dan"])
    wave_open(wave=wave)
    code_of = {}
    for k, person in enumerate(people):  # each person's answers carry their number
        digits = (k // 25 + 1, k // 5 % 5 + 1, k % 5 + 1)
        values = answers(3, **dict(zip(ITEMS[:3], digits, strict=True)))
        response_submit(
            person=person, wave=wave, answers=values, training=True, frequency=3, agent_user=False
        )
        code_of[person.pk] = k

    # Open: two shuffled batches of 20 written; 7 answers still sealed in the pool.
    assert Response.objects.filter(wave=wave).count() == 40
    assert PendingAnswers.objects.filter(wave=wave).count() == 7
    # In insertion order, 40 of 40 would pair up; by chance, about 1 per batch.
    assert max(_join_by_order(wave, code_of)) <= 10
    wave_close(wave=wave)
    assert Response.objects.filter(wave=wave).count() == 47
    assert max(_join_by_order(wave, code_of)) <= 10
    # Nor is there a timestamp to sort by: responses and participations carry no time at all.
    for model in (Response, Participation, PendingAnswers):
        assert not [f for f in model._meta.get_fields() if isinstance(f, DateField | TimeField)]


def test_pending_answers_in_a_copy_of_the_database_are_sealed(
    open_wave: SurveyWave, org: dict[str, Person], cast: dict[str, User]
) -> None:
    for key, value in (("alice", 1), ("bob", 5)):
        response_submit(
            person=org[key],
            wave=open_wave,
            answers=answers(value),
            training=True,
            frequency=2,
            agent_user=True,
        )
    rows = [bytes(r.sealed) for r in PendingAnswers.objects.all()]

    assert Response.objects.count() == 0 and len(rows) == 2
    assert len(rows[0]) == len(rows[1])  # padded: the length tells nothing either
    for blob in rows:
        for needle in (b"peer_influence", b"answers", b"locator", b'": 1', b"true"):
            assert needle not in blob
        with override_settings(SECRET_KEY="someone-else-s-" + "x" * 40), pytest.raises(SealError):
            unseal(blob, context=f"peerwheel.study.pending:{open_wave.pk}")
    opened = [unseal(b, context=f"peerwheel.study.pending:{open_wave.pk}") for b in rows]
    assert sorted(o["answers"][ITEMS[0]] for o in opened) == [1, 5]


def test_an_edit_goes_back_through_the_pool_and_the_person_still_sees_it(
    client_for: Callable[[str], Client],
    open_wave: SurveyWave,
    org: dict[str, Person],
    settings: object,
) -> None:
    settings.PEERWHEEL_MIN_GROUP = 2  # type: ignore[attr-defined]
    alice = client_for("alice")
    alice.post("/study/survey/", form_data(2))
    response_submit(
        person=org["carol"],
        wave=open_wave,
        answers=answers(4),
        training=True,
        frequency=2,
        agent_user=False,
    )
    assert (Response.objects.count(), PendingAnswers.objects.count()) == (2, 0)
    written = set(Response.objects.values_list("pk", flat=True))

    alice.post("/study/survey/", form_data(5))
    page = alice.get("/study/survey/").content.decode()

    # alice's written row left; her new answers wait in the pool; no row changed in place.
    assert (Response.objects.count(), PendingAnswers.objects.count()) == (1, 1)
    assert set(Response.objects.values_list("pk", flat=True)) < written
    assert 'value="5" id="id_peer_influence_1_4" required checked>' in page


def test_a_login_relinked_to_a_person_does_not_get_their_answers_shown_back(
    client_for: Callable[[str], Client],
    open_wave: SurveyWave,
    org: dict[str, Person],
    cast: dict[str, User],
) -> None:
    alice_client = client_for("alice")
    alice_client.post("/study/survey/", form_data(2, frequency=5, agent=1, peer_influence_1=5))
    own = alice_client.get("/study/survey/").content.decode()
    assert 'value="5" id="id_peer_influence_1_4" required checked>' in own  # before: hers

    # The re-link (the admin, erin, links her own login to alice's person).
    Person.objects.filter(pk=org["erin"].pk).update(user=None)
    alice = Person.objects.get(pk=org["alice"].pk)
    alice.user = cast["erin"]
    alice.save()
    erin = client_for("erin")
    page = erin.get("/study/survey/").content.decode()
    posted = erin.post("/study/survey/", form_data(4), follow=True).content.decode()

    assert " checked" not in page and 'type="radio"' not in page
    assert "given for your person under another login" in page
    assert "given for your person under another login" in posted
    with pytest.raises(AnswersBoundElsewhereError):
        response_submit(
            person=alice,
            wave=open_wave,
            answers=answers(4),
            training=True,
            frequency=1,
            agent_user=False,
        )
    # alice's answers are untouched, and only her own login's locator finds them.
    from peerwheel.study.selectors import own_response

    assert own_response(person=alice, wave=open_wave, user=cast["erin"]) is None
    mine = own_response(person=alice, wave=open_wave, user=cast["alice"])
    assert mine is not None and mine.answers["peer_influence_1"] == 5


def test_a_wave_past_its_closing_date_is_closed_and_written_on_the_first_read(
    client_for: Callable[[str], Client], open_wave: SurveyWave, org: dict[str, Person]
) -> None:
    for key in ("boss", "alice", "bob", "carol", "dan", "erin"):
        response_submit(
            person=org[key],
            wave=open_wave,
            answers=answers(),
            training=True,
            frequency=2,
            agent_user=False,
        )
    assert PendingAnswers.objects.count() == 1  # a batch of 5 written, one answer waiting
    SurveyWave.objects.filter(pk=open_wave.pk).update(closes=timezone.now() - timedelta(hours=1))

    html = client_for("dan").get(f"/study/waves/{open_wave.pk}/").content.decode()

    open_wave.refresh_from_db()
    assert open_wave.status == SurveyWave.Status.CLOSED
    assert (PendingAnswers.objects.count(), Response.objects.count()) == (0, 6)
    assert "Only 6 respondents have complete answers" in html
