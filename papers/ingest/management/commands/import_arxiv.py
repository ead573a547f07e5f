import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from papers.ingest.importers import arxiv_atom
from papers.ingest.importers.command import ImportCommand
from papers.ingest.importers.report import ImportFailed, ImportReport


class Command(ImportCommand):
    help = (
        "Import arXiv API Atom feeds: files, folders of .xml/.atom files (gzipped or not), "
        "'-' for standard input, or export.arxiv.org/api/query?... URLs (fetched politely, "
        "3 s between requests, up to 2000 results each). Idempotent; one transaction per run."
    )
    file_suffixes = arxiv_atom.FILE_SUFFIXES

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--listed-on",
            default="today",
            metavar="today|published|YYYY-MM-DD",
            help="The edition date of papers new to the catalogue: the day of the import "
            "(default), their arXiv v1 date, or a given date. Known papers keep theirs.",
        )
        super().add_arguments(parser)

    def handle(self, *args, inputs, listed_on, **options):
        listed_on_published = listed_on == "published"
        if listed_on in {"today", "published"}:
            day = timezone.localdate()
        else:
            try:
                day = dt.date.fromisoformat(listed_on)
            except ValueError as error:
                raise CommandError(
                    "--listed-on must be 'today', 'published' or a date such as 2026-11-26"
                ) from error
        report = ImportReport(source="arXiv")
        with arxiv_atom.spool_directory() as directory:
            try:
                sources = []
                for argument in inputs:
                    if arxiv_atom.is_url(argument):
                        sources += arxiv_atom.fetched_sources(
                            argument,
                            directory=directory,
                            fetcher=arxiv_atom.ArxivFetcher(),
                            notes=report.notes,
                        )
                    else:
                        sources += self.sources_for(argument)
            except ImportFailed as error:
                raise CommandError(f"{error}\nNothing was written.") from error
            self.run(
                options,
                arxiv_atom.import_arxiv,
                sources,
                listed_on=day,
                listed_on_published=listed_on_published,
                report=report,
            )
