"""Repositories by stars, most first, nulls last (the /repos/ directory walks it).

PostgreSQL only: SQLite cannot index ``NULLS LAST``, and there the repositories
are few enough to sort.
"""

from django.db import migrations

STARS_NULLS_LAST = (
    "CREATE INDEX IF NOT EXISTS repository_stars_nulls_last_idx "
    "ON core_repository (stars DESC NULLS LAST, id)"
)


def create_stars_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STARS_NULLS_LAST)


def drop_stars_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS repository_stars_nulls_last_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_stars_index, drop_stars_index),
    ]
