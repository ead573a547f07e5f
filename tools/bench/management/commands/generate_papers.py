import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from papers.search import engines
from tools.bench.synthetic import MAX_PAPERS, generate


class Command(BaseCommand):
    help = (
        "Add a deterministic synthetic catalogue of N papers (authors, topics, code, upvotes) "
        "for benchmarks. One transaction; PostgreSQL uses COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, required=True, help="How many papers.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--end", help="Newest listed date, YYYY-MM-DD (default today); dates span 3 years."
        )

    def handle(self, *args, papers, seed, end, **options):
        if not 1 <= papers <= MAX_PAPERS:
            raise CommandError(f"--papers must be between 1 and {MAX_PAPERS:,}.")
        try:
            end_date = dt.date.fromisoformat(end) if end else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--end must be a date such as 2026-11-26: {exc}") from exc
        started = time.monotonic()
        totals = generate(
            papers=papers,
            seed=seed,
            end=end_date,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        engines.refresh_statistics()  # the rarity of terms, for "more like this"
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {totals.papers:,} papers, {totals.authors:,} authors, "
                f"{totals.authorships:,} authorships, {totals.repositories:,} repositories, "
                f"{totals.members:,} members, {totals.upvotes:,} upvotes in {elapsed:.1f} s "
                f"({totals.papers / elapsed:,.0f} papers/s)."
            )
        )
