"""Autocomplete's own small index over the search documents' titles, so a
prefix typed in the header search is not expanded over every word of every
field (the full index holds ~120,000 words at 100,000 courses):

- SQLite: an external-content FTS5 table of the titles alone, with prefix
  indexes for one to three characters, fed by triggers on
  catalog_searchdocument like catalog_search_fts (migration 0008), and filled
  from the documents already written;
- PostgreSQL: a GIN index on the titles' own tsvector (`simple`, as the
  documents' weighted vector reads them), which the title-prefix query uses
  instead of the whole vector's index.
"""

from django.db import migrations


def create_title_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    run = schema_editor.execute
    if schema_editor.connection.vendor == "sqlite":
        run(
            "CREATE VIRTUAL TABLE catalog_search_titles USING fts5(title, course_id UNINDEXED, "
            "content='catalog_searchdocument', content_rowid='id', tokenize='unicode61 remove_diacritics 0', "
            "prefix='1 2 3')"
        )
        run(
            "CREATE TRIGGER catalog_search_titles_ai AFTER INSERT ON catalog_searchdocument BEGIN "
            "INSERT INTO catalog_search_titles(rowid, title, course_id) VALUES (new.id, new.title, new.course_id); END"
        )
        run(
            "CREATE TRIGGER catalog_search_titles_ad AFTER DELETE ON catalog_searchdocument BEGIN "
            "INSERT INTO catalog_search_titles(catalog_search_titles, rowid, title, course_id) "
            "VALUES ('delete', old.id, old.title, old.course_id); END"
        )
        run(
            "CREATE TRIGGER catalog_search_titles_au AFTER UPDATE ON catalog_searchdocument BEGIN "
            "INSERT INTO catalog_search_titles(catalog_search_titles, rowid, title, course_id) "
            "VALUES ('delete', old.id, old.title, old.course_id); "
            "INSERT INTO catalog_search_titles(rowid, title, course_id) VALUES (new.id, new.title, new.course_id); END"
        )
        run("INSERT INTO catalog_search_titles(catalog_search_titles) VALUES ('rebuild')")
    elif schema_editor.connection.vendor == "postgresql":
        run(
            "CREATE INDEX catalog_search_title_idx ON catalog_searchdocument "
            "USING gin (to_tsvector('simple'::regconfig, title))"
        )


def drop_title_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for trigger in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS catalog_search_titles_{trigger}")
        schema_editor.execute("DROP TABLE IF EXISTS catalog_search_titles")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_search_title_idx")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_reindex_japanese")]

    operations = [migrations.RunPython(create_title_index, drop_title_index)]
