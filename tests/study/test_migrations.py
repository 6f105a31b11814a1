"""Existing data under the new rules: migration 0004 binds, re-keys and reshuffles."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.crypto import salted_hmac

from peerwheel.study.models import Participation, Response, SurveyWave
from peerwheel.study.selectors import own_response
from tests.study.conftest import ITEMS

BEFORE = [("study", "0002_wave_link_usage")]
AFTER = [("study", "0004_bind_locators_and_shuffle_responses")]


def _old_locator(wave_id: int, person_id: int) -> str:
    message = f"{wave_id}:{person_id}"
    return salted_hmac("peerwheel.study.response-locator", message, algorithm="sha256").hexdigest()


def _answers(k: int) -> dict[str, int]:
    """Answers that carry the person's number k (0–124) in their first three items."""
    return dict.fromkeys(ITEMS, 3) | dict(
        zip(ITEMS[:3], (k // 25 + 1, k // 5 % 5 + 1, k % 5 + 1), strict=True)
    )


def _number(answers: dict[str, int]) -> int:
    return (answers[ITEMS[0]] - 1) * 25 + (answers[ITEMS[1]] - 1) * 5 + answers[ITEMS[2]] - 1


def _migrate(target: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_answers_are_bound_rekeyed_and_rewritten_in_shuffled_order() -> None:
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        user_model = old.get_model("auth", "User")
        person_model = old.get_model("org", "Person")
        version = old.get_model("study", "InstrumentVersion").objects.create(
            instrument_key="k", version="1", definition={}
        )
        wave = old.get_model("study", "SurveyWave").objects.create(
            name="Old wave", instrument=version, status="closed", source="in_app"
        )
        participation = old.get_model("study", "Participation")
        response = old.get_model("study", "Response")
        people = {}
        for k in range(30):  # written the old way: participation and response side by side
            user = user_model.objects.create(username=f"u{k}") if k % 2 else None
            person = person_model.objects.create(
                employee_id=f"M{k}", name=f"M {k}", email=f"m{k}@example.com", user=user
            )
            participation.objects.create(person=person, wave=wave)
            response.objects.create(
                id=uuid.uuid4(),
                wave=wave,
                locator=_old_locator(wave.pk, person.pk),
                answers=_answers(k),
            )
            people[person.pk] = (k, user.pk if user else None)
        old_ids = set(response.objects.values_list("id", flat=True))
    finally:
        _migrate(executor.loader.graph.leaf_nodes())

    from peerwheel.org.models import Person

    bound = dict(Participation.objects.values_list("person_id", "answered_as"))
    assert bound == {pk: user for pk, (_, user) in people.items()}
    # Every person finds their answers again through the new, login-bound locator ...
    current = SurveyWave.objects.get(pk=wave.pk)
    for person in Person.objects.filter(pk__in=people):
        mine = own_response(person=person, wave=current, user=person.user)
        assert mine is not None and _number(mine.answers) == people[person.pk][0]
    # ... from rows with new random keys, no longer in the order people answered: joined row
    # by row to the participations, they pair up by chance only (30 of 30 before).
    assert not old_ids & set(Response.objects.values_list("id", flat=True))
    column = {"sqlite": "rowid", "postgresql": "ctid"}[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers FROM study_response ORDER BY {column}")  # noqa: S608
        stored = [row[0] for row in cursor.fetchall()]
    numbers = [_number(json.loads(a) if isinstance(a, str) else a) for a in stored]
    order = Participation.objects.order_by("id").values_list("person_id", flat=True)
    assert len(numbers) == 30
    assert sum(people[p][0] == n for p, n in zip(order, numbers, strict=True)) <= 8
