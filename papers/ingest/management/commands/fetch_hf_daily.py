import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from papers.ingest import tasks
from papers.ingest.fetchers.command import FetchCommand
from papers.ingest.fetchers.hf import fetch_hf_daily


class Command(FetchCommand):
    help = (
        "Fetch one day's Hugging Face daily papers (HF_API_URL/daily_papers?date=...): new "
        "papers join that day's edition, known ones get Hugging Face's upvotes (kept apart "
        "from ours), GitHub repositories and project pages."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", default=None, metavar="YYYY-MM-DD", help="Default: today (site time zone)."
        )
        super().add_arguments(parser)

    def handle(self, *args, date, enqueue, **options):
        self.start(options)
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be a date such as 2026-11-26, not {date!r}") from error
        if enqueue:
            return self.enqueued(tasks.hf_daily_fetch, day.isoformat())
        report = fetch_hf_daily(day, progress=self.progress)
        self.summary(report)
        self.finish([report])
