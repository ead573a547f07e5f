from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Paper catalogue"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401

        post_migrate.connect(repair_search_index, sender=self)


def repair_search_index(sender, using, **kwargs):
    """After every migrate: SQLite drops the search triggers when Django rebuilds the
    papers table for a schema change; put them back and rebuild the index."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import search

    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("papers", "0005_search_index") in applied:
        search.ensure_schema(using)
