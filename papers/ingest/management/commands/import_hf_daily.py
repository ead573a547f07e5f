from django.core.management.base import CommandError
from django.utils import timezone

from papers.ingest.importers import hf_daily
from papers.ingest.importers.command import ImportCommand
from papers.ingest.importers.report import ImportFailed


class Command(ImportCommand):
    help = (
        "Import Hugging Face Daily Papers JSON (what /api/daily_papers returns): files, folders "
        "of .json files (gzipped or not) or '-' for standard input. New papers are listed on "
        "their submittedOnDailyAt day; Hugging Face upvotes are kept apart from our votes."
    )
    file_suffixes = hf_daily.FILE_SUFFIXES

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="PATH")
        super().add_arguments(parser)

    def handle(self, *args, inputs, **options):
        try:
            sources = [source for argument in inputs for source in self.sources_for(argument)]
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        self.run(options, hf_daily.import_hf_daily, sources, listed_on=timezone.localdate())
