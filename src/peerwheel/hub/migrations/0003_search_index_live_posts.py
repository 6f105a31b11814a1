"""PostgreSQL: the search index covers live posts only (`WHERE deleted IS NULL`).

Every search filters on it, so counting the matches can skip the table for pages the visibility
map marks all-visible. SQLite: nothing to do.
"""

from django.db import migrations


def partial(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS hub_post_search_gin")
        schema_editor.execute(
            "CREATE INDEX hub_post_search_gin ON hub_post USING gin (search_vector) "
            "WHERE deleted IS NULL"
        )


def full(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS hub_post_search_gin")
        schema_editor.execute(
            "CREATE INDEX hub_post_search_gin ON hub_post USING gin (search_vector)"
        )


class Migration(migrations.Migration):
    dependencies = [("hub", "0002_search")]

    operations = [migrations.RunPython(partial, full, elidable=False)]
