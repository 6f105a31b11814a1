"""Migration 0006 fills the new counters from the rows already there, and search still finds
posts afterwards (SQLite rebuilds hub_post to add the foreign key: its triggers are reinstalled)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peerwheel.hub.models import Post
from peerwheel.hub.search import search_queryset

BEFORE = [("hub", "0005_question_stage_source")]
AFTER = [("hub", "0006_social_proof_duplicates")]
AT = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def at_0005() -> Iterator[MigrationExecutor]:
    executor = _migrate(BEFORE)
    yield executor
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_new_counters_are_filled_and_search_still_works(at_0005: MigrationExecutor) -> None:
    apps = at_0005.loader.project_state(BEFORE).apps
    person_model = apps.get_model("org", "Person")
    people = [
        person_model.objects.create(employee_id=f"E{i}", email=f"p{i}@x.org") for i in range(4)
    ]
    post_model = apps.get_model("hub", "Post")
    win = post_model.objects.create(kind="win", title="Invoices reconciled", body="Fast.",
                                    body_html="", author=people[0], created=AT)  # fmt: skip
    quiet = post_model.objects.create(kind="tip", title="Quiet tip", body="Nobody saw it.",
                                      body_html="", author=people[0], created=AT)  # fmt: skip
    trial = apps.get_model("hub", "Trial")
    for person, outcome in zip(people[1:], ["worked", "worked", "didnt"], strict=True):
        trial.objects.create(post=win, person=person, outcome=outcome, created=AT, updated=AT)
    reaction = apps.get_model("hub", "Reaction")
    for person, emoji in [(people[1], "👍"), (people[1], "🎉"), (people[2], "👍")]:
        reaction.objects.create(post=win, person=person, emoji=emoji, created=AT)

    _migrate(AFTER)

    counters = {
        row["id"]: (row["worked_count"], row["reaction_count"], row["duplicate_of"])
        for row in Post.objects.values("id", "worked_count", "reaction_count", "duplicate_of")
    }
    assert counters == {win.pk: (2, 3, None), quiet.pk: (0, 0, None)}
    assert list(search_queryset(Post.objects.all(), "invoices").matches) == [
        Post.objects.get(pk=win.pk)
    ]
    Post.objects.filter(pk=quiet.pk).update(title="Reconciling receipts")  # the triggers live
    assert list(
        search_queryset(Post.objects.all(), "receipts").matches.values_list("id", flat=True)
    ) == [quiet.pk]
