"""Full-text search, facets, filters and similar papers."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "papers.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(repair_search_index, sender=self)


def repair_search_index(sender, using, **kwargs):
    """After every migrate: SQLite drops the index's triggers when Django rebuilds the
    papers table for a schema change; put them back and rebuild the index."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import schema

    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("search", "0001_search_index") in applied:
        schema.ensure_schema(using)
