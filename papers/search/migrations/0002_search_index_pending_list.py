"""The search index's GIN index takes new entries into a small pending list
(papers/search/schema.py, ``GIN_OPTIONS``) instead of its tree one by one."""

from django.db import migrations


def pending_list_on(apps, schema_editor):
    from papers.search import schema

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS paper_search_vector_idx SET {schema.GIN_OPTIONS}")


def pending_list_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS paper_search_vector_idx SET (fastupdate = off)"
        )
        schema_editor.execute(
            "ALTER INDEX IF EXISTS paper_search_vector_idx RESET (gin_pending_list_limit)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
    ]

    operations = [
        migrations.RunPython(pending_list_on, pending_list_off),
    ]
