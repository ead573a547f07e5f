"""Indexes the directories walk: authors by name, repositories by stars (nulls last).

SQLite cannot index ``NULLS LAST``; there the repositories are few enough to sort.
"""

from django.db import migrations, models

STARS_NULLS_LAST = (
    "CREATE INDEX IF NOT EXISTS repository_stars_nulls_last_idx "
    "ON papers_repository (stars DESC NULLS LAST, id)"
)


def create_stars_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STARS_NULLS_LAST)


def drop_stars_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS repository_stars_nulls_last_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0007_published_id_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="author",
            index=models.Index(fields=["name", "id"], name="author_name_idx"),
        ),
        migrations.RunPython(create_stars_index, drop_stars_index),
    ]
