from django.core.management.base import CommandError

from papers.ingest.importers import pwc_links
from papers.ingest.importers.command import ImportCommand
from papers.ingest.importers.report import ImportFailed


class Command(ImportCommand):
    help = (
        "Import Papers with Code links-between-papers-and-code JSON (plain or gzipped; '-' "
        "for standard input): repositories and code links for papers already in the catalogue."
    )
    file_suffixes = pwc_links.FILE_SUFFIXES

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="PATH")
        super().add_arguments(parser)

    def handle(self, *args, inputs, **options):
        try:
            sources = [source for argument in inputs for source in self.sources_for(argument)]
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        self.run(options, pwc_links.import_pwc_links, sources)
