import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from papers.demo.loader import load_demo
from papers.search import engines


class Command(BaseCommand):
    help = "Load the demo catalogue (39 real papers, their authors, code and topics). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            help="Newest listed date for papers loaded for the first time (YYYY-MM-DD; "
            "default: today).",
        )

    def handle(self, *args, anchor=None, **options):
        try:
            anchor_date = dt.date.fromisoformat(anchor) if anchor else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--anchor must be a date such as 2026-11-26: {exc}") from exc
        summary = load_demo(anchor=anchor_date)
        engines.refresh_statistics()  # the rarity of terms, for "more like this"
        for key in sorted(summary):
            self.stdout.write(f"{key}: {summary[key]}")
