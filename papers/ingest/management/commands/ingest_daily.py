import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from papers.ingest import tasks
from papers.ingest.daily import ingest_daily
from papers.ingest.fetchers.command import FetchCommand


class Command(FetchCommand):
    help = (
        "The day's whole ingestion run: Hugging Face daily papers, the newest papers of "
        "ARXIV_CATEGORIES, arXiv metadata of pending submissions, stale GitHub "
        "repositories, thumbnails. Idempotent; a run started while another holds the lock "
        "does nothing. Call it from cron, a systemd timer or a Kubernetes CronJob."
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
            return self.enqueued(tasks.ingest_daily_run, day.isoformat())
        reports = ingest_daily(day=day, progress=self.progress)
        if reports is None:
            self.stdout.write("Another ingest_daily run holds the lock: nothing done.")
            return
        for report in reports:
            self.summary(report)
            self.stdout.write("")
        self.finish(reports)
