"""Existing data: bind each participation to the login it was linked to, re-key the locators
to (wave, person, login), and rewrite every in-app wave's responses in shuffled order with new
random keys, so that row order no longer follows the order in which people answered."""

import secrets
import uuid

from django.db import migrations
from django.utils.crypto import salted_hmac

SALT = "peerwheel.study.response-locator"


def _locator(message: str) -> str:
    return salted_hmac(SALT, message, algorithm="sha256").hexdigest()


def forwards(apps, schema_editor):
    SurveyWave = apps.get_model("study", "SurveyWave")
    Participation = apps.get_model("study", "Participation")
    Response = apps.get_model("study", "Response")
    Person = apps.get_model("org", "Person")
    fields = [
        "answers",
        "training",
        "frequency",
        "heavy_user",
        "agent_user",
        "team",
        "department",
        "level",
        "line",
    ]
    for wave in SurveyWave.objects.filter(source="in_app"):
        rekey = {}
        for participation in Participation.objects.filter(wave=wave):
            user_id = (
                Person.objects.filter(pk=participation.person_id)
                .values_list("user_id", flat=True)
                .first()
            )
            participation.answered_as = user_id
            participation.save(update_fields=["answered_as"])
            old = _locator(f"{wave.pk}:{participation.person_id}")
            rekey[old] = _locator(
                f"{wave.pk}:{participation.person_id}:{'' if user_id is None else user_id}"
            )
        rows = list(Response.objects.filter(wave=wave).values("locator", *fields))
        if not rows:
            continue
        secrets.SystemRandom().shuffle(rows)
        Response.objects.filter(wave=wave).delete()
        Response.objects.bulk_create(
            [
                Response(
                    id=uuid.uuid4(),
                    wave=wave,
                    locator=rekey.get(row["locator"], row["locator"]),
                    **{f: row[f] for f in fields},
                )
                for row in rows
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0003_sealed_pool_snapshots_bound_locators"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
