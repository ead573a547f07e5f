"""Papers arriving: importers and the bulk-write engine."""

from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "papers.ingest"
    label = "ingest"
    verbose_name = "Ingestion"
