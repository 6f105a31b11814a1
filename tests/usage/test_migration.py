"""The move from one row per weekly record to one series per person and tool loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.usage.helpers import stored_records

BEFORE = [("usage", "0003_usage_record_fewer_indexes")]
AFTER = [("usage", "0004_usage_series")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def at_records_schema() -> Iterator[MigrationExecutor]:
    executor = _migrate(BEFORE)
    yield executor
    _migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_records_become_series_with_every_week_kept(at_records_schema: MigrationExecutor) -> None:
    apps = at_records_schema.loader.project_state(BEFORE).apps
    person = apps.get_model("org", "Person").objects.create(employee_id="E1", email="a@x.org")
    record = apps.get_model("usage", "UsageRecord")
    old_import = apps.get_model("core", "Import").objects.create(kind="usage-csv", file_name="a")
    new_import = apps.get_model("core", "Import").objects.create(kind="usage-csv", file_name="b")
    rows = [
        (f"p:{person.pk}", person.pk, "a@x.org", date(2025, 3, 10), "ChatGPT", 4, 1, 3, old_import),
        (f"p:{person.pk}", person.pk, "A1", date(2025, 3, 3), "ChatGPT", 9, 0, None, new_import),
        (f"p:{person.pk}", person.pk, "a@x.org", date(2025, 3, 3), "Copilot", 2, 0, 1, None),
        ("x:ghost", None, "ghost", date(2025, 3, 17), "ChatGPT", 7, 0, None, old_import),
    ]
    fields = ("subject", "person_id", "external_id", "week", "tool", "actions", "agent_actions")
    record.objects.bulk_create(
        record(**dict(zip(fields, row[:7], strict=True)), active_days=row[7], source=row[8])
        for row in rows
    )

    _migrate(AFTER)

    stored = {
        (r.person_id, r.week, r.tool): (r.actions, r.agent_actions, r.active_days, r.source_id)
        for r in stored_records()
    }
    assert stored == {
        (person.pk, date(2025, 3, 3), "ChatGPT"): (9, 0, None, new_import.pk),
        (person.pk, date(2025, 3, 10), "ChatGPT"): (4, 1, 3, old_import.pk),
        (person.pk, date(2025, 3, 3), "Copilot"): (2, 0, 1, 0),
        (None, date(2025, 3, 17), "ChatGPT"): (7, 0, None, old_import.pk),
    }
    series = apps.get_model("usage", "UsageRecord")  # gone from the new state
    assert series._meta.db_table not in connection.introspection.table_names()
    # The id a series keeps is the one its latest import used.
    assert {r.external_id for r in stored_records() if r.tool == "ChatGPT" and r.person} == {"A1"}
