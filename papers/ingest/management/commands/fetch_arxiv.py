from django.conf import settings
from django.core.management.base import CommandError

from papers.core import arxiv
from papers.ingest import tasks
from papers.ingest.fetchers.arxiv import category_query, fetch_by_ids, fetch_newest
from papers.ingest.fetchers.command import FetchCommand


class Command(FetchCommand):
    help = (
        "Fetch papers from the arXiv API (ARXIV_API_URL): the metadata of the given ids "
        "(fetch_arxiv 2411.04983 2306.14846), or the newest papers of categories "
        "(fetch_arxiv --category cs.LG --category cs.CV --days 2). One request every "
        "ARXIV_REQUEST_INTERVAL seconds; each page written in its own transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", metavar="ID", help="arXiv ids (or arXiv URLs).")
        parser.add_argument(
            "--category",
            action="append",
            default=[],
            dest="categories",
            help="An arXiv category (repeatable); with --days.",
        )
        parser.add_argument(
            "--days", type=int, default=None, help="How many days back (default ARXIV_DAYS)."
        )
        super().add_arguments(parser)

    def handle(self, *args, ids, categories, days, enqueue, **options):
        self.start(options)
        if bool(ids) == bool(categories):
            raise CommandError("Give arXiv ids, or --category (with --days), not both.")
        if categories:
            days = settings.ARXIV_DAYS if days is None else days
            if days < 1:
                raise CommandError("--days must be at least 1")
            try:
                category_query(categories)
            except ValueError as error:
                raise CommandError(str(error)) from error
            if enqueue:
                return self.enqueued(tasks.arxiv_newest_fetch, categories, days)
            report = fetch_newest(categories, days=days, progress=self.progress)
        else:
            try:
                ids = [arxiv.parse_arxiv_id(value)[0] for value in ids]
            except arxiv.InvalidArxivId as error:
                raise CommandError(str(error)) from error
            if enqueue:
                return self.enqueued(tasks.arxiv_metadata_fetch, ids)
            report = fetch_by_ids(ids, progress=self.progress)
        self.summary(report)
        self.finish([report])
