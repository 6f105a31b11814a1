"""Full-text search, each database its own way (same behaviour, tested on both).

PostgreSQL: a trigger fills `hub_post.search_vector` (title A, prompt text B, body C, English
configuration) and a GIN index serves the queries. SQLite: an FTS5 table `hub_post_fts` over the
same three columns (porter stemmer), kept in sync with `hub_post` by triggers.

Note for later migrations: when Django rebuilds `hub_post` on SQLite (some ALTERs copy the
table), the triggers go with the old table; run `install_sqlite` again after such a change.
"""

from django.db import migrations

POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION hub_post_search_vector_update() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.prompt_text, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS hub_post_search_vector ON hub_post",
    """
    CREATE TRIGGER hub_post_search_vector
      BEFORE INSERT OR UPDATE OF title, body, prompt_text ON hub_post
      FOR EACH ROW EXECUTE FUNCTION hub_post_search_vector_update()
    """,
    "UPDATE hub_post SET title = title",
    "CREATE INDEX IF NOT EXISTS hub_post_search_gin ON hub_post USING gin (search_vector)",
]
POSTGRES_REMOVE = [
    "DROP INDEX IF EXISTS hub_post_search_gin",
    "DROP TRIGGER IF EXISTS hub_post_search_vector ON hub_post",
    "DROP FUNCTION IF EXISTS hub_post_search_vector_update()",
]

SQLITE_INSTALL = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS hub_post_fts USING fts5(
      title, prompt_text, body,
      content='hub_post', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS hub_post_fts_insert AFTER INSERT ON hub_post BEGIN
      INSERT INTO hub_post_fts(rowid, title, prompt_text, body)
      VALUES (new.id, new.title, new.prompt_text, new.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS hub_post_fts_delete AFTER DELETE ON hub_post BEGIN
      INSERT INTO hub_post_fts(hub_post_fts, rowid, title, prompt_text, body)
      VALUES ('delete', old.id, old.title, old.prompt_text, old.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS hub_post_fts_update
    AFTER UPDATE OF title, prompt_text, body ON hub_post BEGIN
      INSERT INTO hub_post_fts(hub_post_fts, rowid, title, prompt_text, body)
      VALUES ('delete', old.id, old.title, old.prompt_text, old.body);
      INSERT INTO hub_post_fts(rowid, title, prompt_text, body)
      VALUES (new.id, new.title, new.prompt_text, new.body);
    END
    """,
    "INSERT INTO hub_post_fts(hub_post_fts) VALUES ('rebuild')",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS hub_post_fts_update",
    "DROP TRIGGER IF EXISTS hub_post_fts_delete",
    "DROP TRIGGER IF EXISTS hub_post_fts_insert",
    "DROP TABLE IF EXISTS hub_post_fts",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def install_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_INSTALL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL)


def remove_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_REMOVE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_REMOVE)


install_sqlite = install_search  # the name the module docstring promises later migrations


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]

    operations = [migrations.RunPython(install_search, remove_search, elidable=False)]
