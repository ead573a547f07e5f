"""SQLite: the FTS5 vocabulary table ``paper_search_terms`` (papers per term), read by
"more like this" (papers/search.py). PostgreSQL needs nothing new: it reads the
rarity of terms from the planner's statistics. ``install_schema`` is idempotent."""

from django.db import migrations


def install_search_schema(apps, schema_editor):
    from papers import search

    if schema_editor.connection.vendor == "sqlite":
        search.install_schema(schema_editor.connection)


def drop_search_terms(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS paper_search_terms")


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0008_directory_indexes"),
    ]

    operations = [
        migrations.RunPython(install_search_schema, drop_search_terms),
    ]
