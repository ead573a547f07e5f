from django.core.management.base import BaseCommand

from papers.search import schema


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index: reinstall its triggers and indexes, refresh "
        "every paper's author and topic text and year, and re-index every paper."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, database="default", **options):
        summary = schema.rebuild_index(using=database)
        for key, value in summary.items():
            self.stdout.write(f"{key}: {value}")
