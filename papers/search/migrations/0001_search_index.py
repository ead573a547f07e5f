"""The search index beside the papers table, for the database in use
(papers/search/schema.py): PostgreSQL a tsvector column, its trigger, a GIN
index and trigram indexes on author and topic names; SQLite an FTS5 table, its
triggers and its vocabulary table."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def install_search_index(apps, schema_editor):
    from papers.search import schema

    schema.install_schema(schema_editor.connection)
    schema.reindex_all(schema_editor.connection)


def drop_search_index(apps, schema_editor):
    from papers.search import schema

    schema.drop_schema(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),  # PostgreSQL only; a no-op on other databases
        migrations.RunPython(install_search_index, drop_search_index),
    ]
